package io.tessera.swift.reads;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.Preconditions;
import io.tessera.swift.objects.ObjectBody;
import io.tessera.swift.objects.ObjectReads;
import io.tessera.swift.pithos.ObjectTags;
import jakarta.ws.rs.core.Response;

/**
 * The end of the read chain: the conditional headers ({@code If-Match}... against the body's ETag, or
 * a Pithos object's Merkle root), then the reply: headers, and for a GET the bytes (whole, one range
 * or several). A refusal (304, 412, 416) carries the object's headers, and where a symlink led here,
 * its {@code Content-Location}.
 */
final class BodyStage implements ObjectReader {
    private final ObjectReads.ExtraHeaders extra;

    /** {@code extra}: headers of the path's latest version (Pithos sharing), or null. */
    BodyStage(ObjectReads.ExtraHeaders extra) {
        this.extra = extra;
    }

    @Override
    public Replied read(ObjectRead r) {
        ObjectVersion v = r.version();
        ObjectBody body = r.body();
        checkConditions(r, v, body.etag());
        try {
            // only for the latest version (Pithos: no headers when a version is asked for)
            ObjectReads.ExtraHeaders latest = r.versionId() == null && !r.query().containsKey("version") ? extra : null;
            Response reply = r.head() ? ObjectReads.head(v, body, latest)
                    : ObjectReads.get(v, body, r.headers().getHeaderString("Range"), latest);
            return new Replied(r, reply);
        } catch (SwiftException e) {
            throw located(ObjectReads.describe(e, v, body), r); // a 416 and the like
        }
    }

    /**
     * The conditional headers against {@code etag} (or a Pithos object's Merkle root); a refusal
     * (304, 412) carries the object's headers and, where a symlink led here, its Content-Location.
     */
    static void checkConditions(ObjectRead r, ObjectVersion v, String etag) {
        try {
            Preconditions.check(r.headers(), unquoted(etag), ObjectTags.merkleRoot(v),
                    HttpDates.lastModifiedSeconds(v.timestamp()), true);
        } catch (SwiftException e) {
            throw located(ObjectReads.describe(e, v, etag), r);
        }
    }

    static SwiftException located(SwiftException e, ObjectRead r) {
        String location = r.followed().contentLocation();
        return location == null ? e : e.withHeader("Content-Location", location);
    }

    private static String unquoted(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
