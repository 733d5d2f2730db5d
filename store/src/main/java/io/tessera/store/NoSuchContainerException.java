package io.tessera.store;

/**
 * A write into a container that does not exist (any more): its delete won a race with the write, which
 * checked the container before. The caller answers as if the container had been missing at the check.
 */
public final class NoSuchContainerException extends IllegalStateException {
    public NoSuchContainerException(String account, String container) {
        super("container " + account + "/" + container + " does not exist");
    }
}
