package io.tessera.store;

/**
 * What "written" means before a write returns. {@link #DURABLE} is the default and what a Swift 201
 * promises; {@link #RELAXED} must be chosen by name in the configuration.
 */
public enum Durability {
    /** On stable storage (fsync, or a group commit that batches concurrent writers) before returning. */
    DURABLE,
    /** Handed to the operating system; a power loss may lose the last writes (never corrupt them). */
    RELAXED
}
