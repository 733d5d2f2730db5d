package io.tessera.swift.writes;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.content.ContentMaps;
import io.tessera.swift.errors.SwiftError;

/**
 * The pipeline's last stage: publishes the write's version row, the one step that makes it visible
 * (invariant 2: its content is stored already). {@code If-None-Match: *} is decided here atomically
 * by the store; the early check before the body is read is {@link IfNoneMatchStage}'s.
 */
final class Publisher implements ObjectWriter {
    private final Store store;
    private final ContentMaps maps;

    Publisher(Store store) {
        this.store = store;
        this.maps = new ContentMaps(store);
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        ObjectVersion v = w.version();
        PutCondition condition = w.ifNoneMatchStar() ? PutCondition.IF_ABSENT : PutCondition.NONE;
        boolean existing = ((WriteContent.Stored) w.content()).existing();
        MetadataStore.PutOutcome outcome = existing ? maps.publishExisting(v, condition)
                : store.metadata().putObject(v, condition);
        if (outcome == MetadataStore.PutOutcome.EXISTS) {
            throw SwiftError.PRECONDITION_FAILED.exception(null);
        }
        return v;
    }
}
