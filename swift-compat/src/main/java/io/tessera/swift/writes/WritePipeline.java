package io.tessera.swift.writes;

import io.tessera.swift.context.ContainerRows;
import io.tessera.swift.context.InfoSource;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.context.SwiftStore;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentWriter;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.quota.Quotas;

/**
 * The one way an object is created or replaced through the Swift API: PUT, COPY and
 * {@code X-Copy-From}, SLO manifest PUTs, form posts, archive extraction and Pithos hashmap PUTs all hand an
 * {@link ObjectWrite} to this chain. First the stored reply headers are held to their budget
 * (whatever writer built them), then, in Swift's proxy pipeline (container_quotas and
 * account_quotas, then versioned_writes, then the proxy's own write): quotas, the early
 * {@code If-None-Match: *}, the content (blocks and map), versioning, the version row. A new
 * middleware is one more stage here.
 */
public final class WritePipeline {
    private WritePipeline() {
    }

    /** The writer of one request: the rows it checks are those its context holds. */
    public static ObjectWriter of(SwiftServices services, RequestContext context) {
        return of(services.store(), services.writer(), services.limits(), context, context.fromStore());
    }

    /** A writer outside any request (tests, tools): rows from the shared cache. */
    public static ObjectWriter of(SwiftStore store, ContentWriter writer) {
        return of(store, writer, SwiftConstraints.DEFAULTS, store.info(), store.metadata()::getContainer);
    }

    private static ObjectWriter of(SwiftStore store, ContentWriter writer, SwiftConstraints limits, InfoSource info,
                                   ContainerRows rows) {
        return new HeaderBudgetStage(limits,
                new QuotaStage(new Quotas(info),
                new IfNoneMatchStage(store.metadata(),
                        new ContentStage(writer, new ContentMaps(store),
                                new VersioningStage(store, rows,
                                        new Publisher(store))))));
    }
}
