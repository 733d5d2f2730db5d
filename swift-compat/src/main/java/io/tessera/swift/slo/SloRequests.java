package io.tessera.swift.slo;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.bulk.BulkDeleter;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.objects.ObjectBody;
import io.tessera.swift.symlink.SymlinkRequest;
import io.tessera.swift.writes.WritePipeline;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The Static Large Object side of one object request (Swift's {@code slo} middleware): what the
 * object resource hands over when a request is about a manifest. Segments are read, checked and
 * deleted with the requester's own rights.
 */
public final class SloRequests {
    private final SwiftServices services;
    private final RequestContext context;
    private final Optional<Principal> who;
    private final String referer;
    private final SloLimits limits = SloLimits.DEFAULTS;

    public SloRequests(SwiftServices services, RequestContext context, String referer) {
        this.services = services;
        this.context = context;
        this.who = context.principal();
        this.referer = referer;
    }

    private SegmentAccess segments(String account) {
        return new SegmentAccess(services.store().metadata(), services.maps(), services.reader(), account,
                (acct, cont) -> services.authorizer(context).mayRead(who, acct, cont, referer),
                Authorizer.denied(who, account).error() == SwiftError.FORBIDDEN,
                services.metrics().meter("swift.slo.segments.read"), services.metrics().meter("swift.dlo.segments.read"));
    }

    /** GET/HEAD of a manifest: the assembled large object (its first segment read when streaming starts). */
    public ObjectBody assembled(ObjectVersion manifest) {
        return new SloReads(segments(manifest.account()), limits).assembled(manifest);
    }

    /** {@code ?multipart-manifest=get&format=raw}: the manifest as a PUT would take it. */
    public ObjectBody raw(ObjectVersion manifest) {
        return new SloReads(segments(manifest.account()), limits).raw(manifest);
    }

    /** {@code ?multipart-manifest=get}: the stored manifest is JSON whatever the object's own type. */
    public static final String MANIFEST_TYPE = "application/json; charset=utf-8";

    /**
     * {@code PUT ?multipart-manifest=put}; {@code link}, the request's {@code X-Symlink-*} headers or
     * null, goes down with the manifest as in Swift (where symlink sits below slo: a 400).
     */
    public Response put(String account, String container, String name, String contentType,
                        Map<String, String> metadata, SymlinkRequest link, String clientEtag, boolean ifNoneMatchStar,
                        boolean heartbeat, String accept, InputStream body, long contentLength) {
        services.metrics().meter("swift.slo.manifest.put").mark();
        return manifestPut(account).put(new ManifestPut.Request(account, container, name, contentType, metadata,
                clientEtag, ifNoneMatchStar, heartbeat, accept, link), body, contentLength);
    }

    /**
     * COPY (or {@code X-Copy-From}) of a manifest with {@code ?multipart-manifest=get}: the manifest
     * itself is copied, as a manifest PUT in the destination (so, as in Swift, its segments must be
     * readable there: a copy to another account names that account's segments).
     */
    public Response copyManifest(ObjectVersion source, String account, String container, String name,
                                 String contentType, Map<String, String> metadata, SymlinkRequest link,
                                 boolean ifNoneMatchStar, String accept) {
        byte[] raw = ManifestSegment.toRawJson(segments(source.account()).manifest(source));
        Map<String, String> meta = new java.util.LinkedHashMap<>(metadata);
        StaticLargeObject.forget(meta);
        return manifestPut(account).put(new ManifestPut.Request(account, container, name, contentType, meta, null,
                ifNoneMatchStar, false, accept, link), new ByteArrayInputStream(raw), raw.length);
    }

    private ManifestPut manifestPut(String account) {
        return new ManifestPut(segments(account), WritePipeline.of(services, context, referer), limits);
    }

    /** {@code DELETE ?multipart-manifest=delete}: the segments, then the manifest. */
    public Response delete(String account, String container, String name, String accept) {
        BulkDeleter deleter = new BulkDeleter(services.store().metadata(), services.authorizer(context), who, account,
                Integer.MAX_VALUE, services.metrics().meter("swift.slo.segments.deleted"));
        return new ManifestDelete(segments(account), deleter, limits).delete(container, name, accept);
    }

    /**
     * {@code DELETE ?multipart-manifest=delete&version-id=}: the segments {@code version}'s manifest
     * names, then that version, deleted by {@code deletion} (object versioning's delete of a version:
     * true if there was one).
     */
    public Response deleteVersion(String account, String container, String name, String accept, ObjectVersion version,
                                  java.util.function.BooleanSupplier deletion) {
        BulkDeleter deleter = new BulkDeleter(services.store().metadata(), services.authorizer(context), who, account,
                Integer.MAX_VALUE, services.metrics().meter("swift.slo.segments.deleted"));
        return new ManifestDelete(segments(account), deleter, limits).delete(container, name, accept, version, deletion);
    }

    /** Swift reserves the header to the middleware: a client may not set it on a plain PUT or POST. */
    public static void refuseReservedHeader(String value) {
        if (value != null) {
            throw SwiftError.BAD_REQUEST.exception("X-Static-Large-Object is a reserved header. To create a static large "
                    + "object add query param multipart-manifest=put.");
        }
    }
}
