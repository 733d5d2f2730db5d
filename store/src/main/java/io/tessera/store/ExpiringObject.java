package io.tessera.store;

/**
 * An entry of the expiry index: the version {@code version} of {@code account/container/name} is due
 * to be deleted at {@code deleteAt} (epoch seconds, Swift's X-Delete-At). The index only says when to
 * look; whoever acts on it re-reads the object (it may have been overwritten or deleted since).
 */
public record ExpiringObject(long deleteAt, String account, String container, String name, Timestamp version) {
}
