package io.tessera.swift.writes;

import io.tessera.swift.context.ContainerRows;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Store;
import io.tessera.swift.versioning.LegacyVersioning;
import io.tessera.swift.versioning.VersionedObjects;

/**
 * Both of Swift's versioning modes, for every writer, once the new content is stored: legacy mode
 * ({@code X-Versions-Location}/{@code X-History-Location}) archives the version being replaced;
 * object versioning keeps the new content as a version and publishes a link to it in its place.
 */
final class VersioningStage implements ObjectWriter {
    private final Store store;
    private final ContainerRows rows;
    private final Publisher next;

    /** {@code next}, the pipeline below versioning, takes versioning's own rows too. */
    VersioningStage(Store store, ContainerRows rows, Publisher next) {
        this.store = store;
        this.rows = rows;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        ObjectVersion written = w.version();
        new LegacyVersioning(store, rows, next).beforeOverwrite(written);
        ObjectVersion published = new VersionedObjects(store, rows, next, written.account(), written.container())
                .beforePublish(written);
        if (published == written) {
            return next.write(w);
        }
        boolean existing = ((WriteContent.Stored) w.content()).existing();
        return next.write(new ObjectWrite(w.target(), published.contentType(), published.metadata(), null,
                w.ifNoneMatchStar(), new WriteContent.Stored(published.map(), published.etag(), existing)));
    }
}
