package io.tessera.swift.writes;

import io.tessera.store.ObjectVersion;

/**
 * One stage of the write pipeline (see {@link WritePipeline}): does its part of a write (a check, a
 * change of what is written, or the write itself) and hands the rest to the next stage. Failures are
 * {@link io.tessera.swift.errors.SwiftException}s; a write that fails publishes nothing.
 */
public interface ObjectWriter {
    /** Writes {@code w}; returns the version published in the object's row. */
    ObjectVersion write(ObjectWrite w);
}
