package io.tessera.store;

/** How an object version is published. */
public enum PutCondition {
    /** Last write wins by timestamp: a version older than the current one is ignored. */
    NONE,
    /** Compare-and-set: publish only if no live version exists ({@code If-None-Match: *}). */
    IF_ABSENT
}
