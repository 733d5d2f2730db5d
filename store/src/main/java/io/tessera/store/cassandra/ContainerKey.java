package io.tessera.store.cassandra;

import java.util.HexFormat;
import java.util.UUID;

/**
 * The key a container's rows are stored under: the {@code container} column of its {@code objects}
 * partitions and of its {@code container_usage} row (SCHEMA.md, "Container incarnations").
 *
 * <p>Every create of a container draws a new random <em>incarnation</em>, kept in its {@code containers}
 * row, and the key is {@code name + U+0000 + "i" + incarnation}. Object rows are found only through the
 * container row's current key, so rows written under the key of a deleted container (a put that passed
 * its checks before the delete and wrote after it) are unreachable by construction: by listings, gets,
 * the collector's mark, and a container created again under the same name. A container created before
 * migration 5 has no incarnation and keeps its name as its key until it is deleted.
 *
 * <p>Client names hold no U+0000; hidden names do ({@code \0versions\0<name>}), which is why a key is
 * never parsed back into a name to decide anything: liveness is decided by reading the container row.
 *
 * @param name the container's name
 * @param key  where its rows are
 */
record ContainerKey(String name, String key) {
    private static final String SEPARATOR = "\u0000i";
    private static final int INCARNATION_CHARS = 32;

    /** The key of container {@code name} whose row holds {@code incarnation} (null for a pre-migration-5 container). */
    static ContainerKey of(String name, String incarnation) {
        return new ContainerKey(name, incarnation == null ? name : name + SEPARATOR + incarnation);
    }

    /** The incarnation this key names, or null for a pre-migration-5 container (its key is its name). */
    String incarnation() {
        return key.equals(name) ? null : incarnationOf(key);
    }

    /** A fresh incarnation: 128 random bits in hex. */
    static String newIncarnation() {
        UUID u = UUID.randomUUID();
        return HexFormat.of().toHexDigits(u.getMostSignificantBits()) + HexFormat.of().toHexDigits(u.getLeastSignificantBits());
    }

    /**
     * The container name {@code key} would be the key of if it has an incarnation, or null if it cannot be
     * one. A key may also be the name of a pre-migration-5 container, so callers check both.
     */
    static String nameIfIncarnated(String key) {
        int at = key.length() - INCARNATION_CHARS - SEPARATOR.length();
        return at > 0 && key.startsWith(SEPARATOR, at) ? key.substring(0, at) : null;
    }

    /** The incarnation {@code key} names, with {@link #nameIfIncarnated}. */
    static String incarnationOf(String key) {
        return key.substring(key.length() - INCARNATION_CHARS);
    }
}
