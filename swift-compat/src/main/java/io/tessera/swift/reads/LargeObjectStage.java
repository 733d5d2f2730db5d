package io.tessera.swift.reads;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectBody;
import io.tessera.swift.slo.SloRequests;
import io.tessera.swift.slo.StaticLargeObject;
import jakarta.ws.rs.core.Response;

/**
 * Static and dynamic large objects on reads: the body is the segments' bytes (produced as the read
 * reaches them), or with {@code ?multipart-manifest=get} the manifest itself (an SLO's as JSON, or
 * as stored with {@code format=raw}); an assembled SLO's reply also carries its manifest's ETag.
 */
final class LargeObjectStage implements ObjectReader {
    private final ObjectSources sources;
    private final ObjectReader next;

    LargeObjectStage(ObjectSources sources, ObjectReader next) {
        this.sources = sources;
        this.next = next;
    }

    @Override
    public Replied read(ObjectRead r) {
        ObjectVersion v = asRead(r.followed().object(), r);
        ObjectBody body = sources.body(v, r.manifestItself(), r.rawManifest());
        Replied below = next.read(r.withBody(v, body));
        if (!StaticLargeObject.isSlo(v) || r.manifestItself()) {
            return below;
        }
        return below.with(Response.fromResponse(below.reply()).header("X-Manifest-Etag", v.etag()).build());
    }

    /** The version as a read shows it: a Static Large Object's manifest, asked for as such, is JSON. */
    private static ObjectVersion asRead(ObjectVersion v, ObjectRead r) {
        boolean manifestJson = StaticLargeObject.isSlo(v) && r.manifestItself() && !r.rawManifest();
        return manifestJson ? new ObjectVersion(v.account(), v.container(), v.name(), v.timestamp(), v.map(), v.etag(),
                SloRequests.MANIFEST_TYPE, v.metadata()) : v;
    }
}
