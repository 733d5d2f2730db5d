package io.tessera.swift.reads;

import jakarta.ws.rs.core.Response;

/** A stage of the read chain, or its end: answers an object GET or HEAD. */
@FunctionalInterface
public interface ObjectReader {
    Replied read(ObjectRead read);

    /**
     * A reply, and the read as the stages below resolved it: a stage above decorates the reply with
     * what it needs of theirs (versioning names the version a symlink led to).
     */
    record Replied(ObjectRead read, Response reply) {
        Replied with(Response decorated) {
            return new Replied(read, decorated);
        }
    }
}
