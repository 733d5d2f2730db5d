package io.tessera.swift.writes;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftError;

/**
 * {@code If-None-Match: *} refused early, while nothing is read, stored or archived yet. (Two writers
 * may both pass here: the publish is the atomic check.)
 */
final class IfNoneMatchStage implements ObjectWriter {
    private final MetadataStore metadata;
    private final ObjectWriter next;

    IfNoneMatchStage(MetadataStore metadata, ObjectWriter next) {
        this.metadata = metadata;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        if (w.ifNoneMatchStar()
                && metadata.getObject(w.target().account(), w.target().container(), w.target().object()).isPresent()) {
            throw SwiftError.PRECONDITION_FAILED.exception(null);
        }
        return next.write(w);
    }
}
