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
 *
 * <p>It is also the pipeline below its versioning stage ({@link WritePipeline#belowVersioning}): the
 * rows the versioning middlewares write themselves (versions kept or archived, the link to the current
 * version, a version made current again, a restore) come here, as Swift's versioning middlewares write
 * them with requests to the part of the pipeline below themselves: they are not versioned again, and
 * not counted against quotas. Every object row is published here.
 */
public final class Publisher implements ObjectWriter {
    private final Store store;
    private final ContentMaps maps;

    Publisher(Store store) {
        this.store = store;
        this.maps = new ContentMaps(store);
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        PutCondition condition = w.ifNoneMatchStar() ? PutCondition.IF_ABSENT : PutCondition.NONE;
        return publish(w.version(), ((WriteContent.Stored) w.content()).existing(), condition);
    }

    /**
     * Publishes {@code row} as it is (its name, timestamp and map).
     *
     * @param existingContent whether its map existed before this request (an archived or kept version
     *                        names the content of another row): the store's retaining path (store/GC.md)
     */
    public ObjectVersion publish(ObjectVersion row, boolean existingContent) {
        return publish(row, existingContent, PutCondition.NONE);
    }

    private ObjectVersion publish(ObjectVersion v, boolean existing, PutCondition condition) {
        MetadataStore.PutOutcome outcome = existing ? maps.publishExisting(v, condition)
                : store.metadata().putObject(v, condition);
        if (outcome == MetadataStore.PutOutcome.EXISTS) {
            throw SwiftError.PRECONDITION_FAILED.exception(null);
        }
        return v;
    }
}
