package io.tessera.swift.writes;

import io.tessera.swift.context.ContainerRows;
import io.tessera.swift.context.InfoSource;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.context.SwiftStore;
import com.codahale.metrics.MetricRegistry;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentPatcher;
import io.tessera.store.content.ContentReader;
import io.tessera.store.content.ContentWriter;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.quota.Quotas;
import io.tessera.store.Store;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.pithos.versions.PithosStamp;
import io.tessera.swift.symlink.SymlinkResolver;

/**
 * The one way an object is created or replaced through the Swift API: PUT, COPY and
 * {@code X-Copy-From}, SLO manifest PUTs, form posts, archive extraction and Pithos hashmap PUTs all hand an
 * {@link ObjectWrite} to this chain. First the version's author and the object's UUID are recorded
 * (Pithos' {@code X-Object-Modified-By} and {@code X-Object-UUID}), then the stored reply headers are held to their budget
 * (whatever writer built them), then, in Swift's proxy pipeline ({@code ... copy container-quotas
 * account-quotas slo dlo versioned_writes symlink proxy-server}): quotas, the symlink checks, the
 * early {@code If-None-Match: *}, the content (blocks and map), versioning, the version row. The
 * symlink checks come before versioning here, not after it as in Swift, because Tessera's versioning
 * works on stored content: they read nothing but the target, and a version of a link is a link as in
 * Swift. A new middleware is one more stage here.
 */
public final class WritePipeline {
    private WritePipeline() {
    }

    /**
     * The writer of one request: the rows it checks are those its context holds; a static link's
     * target is read with the requester's rights.
     *
     * @param referer the request's {@code Referer}, or null
     */
    public static ObjectWriter of(SwiftServices services, RequestContext context, String referer) {
        return of(services.store(), services.writer(),
                new ContentPatcher(services.store(), services.reader(), services.metrics()), services.limits(), context,
                context.fromStore(), SymlinkResolver.forRequest(services, context, referer), PithosStamp.user(context));
    }

    /** The writer of a request without a {@code Referer} that counts (a form post, an archive's entries). */
    public static ObjectWriter of(SwiftServices services, RequestContext context) {
        return of(services, context, null);
    }

    /** A writer outside any request (tests, tools): rows from the shared cache, links resolved unchecked. */
    public static ObjectWriter of(SwiftStore store, ContentWriter writer) {
        SymlinkResolver links = new SymlinkResolver((a, c, o) -> store.metadata().getObject(a, c, o)
                .filter(v -> !ObjectHeaders.isExpired(v.metadata())), (a, c) -> { });
        ContentPatcher patcher = new ContentPatcher(store, new ContentReader(store, Runnable::run, new MetricRegistry()),
                new MetricRegistry());
        return of(store, writer, patcher, SwiftConstraints.DEFAULTS, store.info(), store.metadata()::getContainer, links,
                java.util.Optional.empty());
    }

    /**
     * The part of the pipeline below its versioning stage, for the rows the versioning middlewares
     * write themselves (and a POST's new metadata): they publish as they are, unversioned.
     */
    public static Publisher belowVersioning(Store store) {
        return new Publisher(store);
    }

    private static ObjectWriter of(SwiftStore store, ContentWriter writer, ContentPatcher patcher,
                                   SwiftConstraints limits, InfoSource info,
                                   ContainerRows rows, SymlinkResolver links, java.util.Optional<String> user) {
        return new PithosStamp(store.metadata(), user, // who made each version, and the object's UUID
                new HeaderBudgetStage(limits,
                new QuotaStage(new Quotas(info),
                new SymlinkStage(links,
                new IfNoneMatchStage(store.metadata(),
                        new ContentStage(writer, new ContentMaps(store), patcher,
                                new VersioningStage(store, rows,
                                        belowVersioning(store))))))));
    }
}
