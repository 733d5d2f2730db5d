package io.tessera.swift.writes;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.content.ContentMaps;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.objects.ObjectHeaders;
import java.util.Optional;

/**
 * The pipeline's last stage: publishes the write's version row, the one step that makes it visible
 * (invariant 2: its content is stored already). {@code If-None-Match: *} is decided here atomically
 * by the store; the early check before the body is read is {@link IfNoneMatchStage}'s.
 *
 * <p>It is also the pipeline below its versioning stage ({@link WritePipeline#belowVersioning}): the
 * rows the versioning middlewares write themselves (versions kept or archived, the link to the current
 * version, a version made current again, a restore) come here, as Swift's versioning middlewares write
 * them with requests to the part of the pipeline below themselves: they are not versioned again, and
 * not counted against quotas. Every object row is published here, with the keys that belong to its path
 * ({@link PathFeatures}) carried from the row it replaces.
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

    /**
     * Publishes {@code row} with the path keys it holds ({@link PathFeatures}) instead of those of the row it
     * replaces: for a request that sets them (a POST's or PUT's {@code X-Object-Public}), its row made from
     * the path's current one.
     */
    public ObjectVersion publishPathState(ObjectVersion row, boolean existingContent) {
        return store(row, existingContent, PutCondition.NONE);
    }

    private ObjectVersion publish(ObjectVersion v, boolean existing, PutCondition condition) {
        // An IF_ABSENT put replaces nothing (or is refused): there is no row to carry the path's keys from.
        ObjectVersion row = condition == PutCondition.IF_ABSENT ? PathFeatures.carried(v, Optional.empty())
                : PathFeatures.carried(v, store.metadata().getObject(v.account(), v.container(), v.name())
                        .filter(current -> !ObjectHeaders.isExpired(current.metadata())));
        return store(row, existing, condition);
    }

    private ObjectVersion store(ObjectVersion v, boolean existing, PutCondition condition) {
        MetadataStore.PutOutcome outcome;
        try {
            outcome = existing ? maps.publishExisting(v, condition) : store.metadata().putObject(v, condition);
        } catch (io.tessera.store.NoSuchContainerException deleted) {
            // The container was deleted after the write checked it: as if it had been missing then.
            throw SwiftError.NOT_FOUND.exception();
        }
        if (outcome == MetadataStore.PutOutcome.EXISTS) {
            throw SwiftError.PRECONDITION_FAILED.exception(null);
        }
        return v;
    }
}
