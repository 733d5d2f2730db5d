package io.tessera.swift.objects;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.etag.EtagQuoter;
import io.tessera.swift.http.ByteRanges;
import io.tessera.swift.http.SwiftHeadersFilter;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.publiclinks.PublicLinks;
import io.tessera.swift.slo.StaticLargeObject;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.versioning.ObjectVersioning;
import io.tessera.swift.versioning.VersionedObjects;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A plain object GET or HEAD that no middleware changes, answered without the JAX-RS machinery: a
 * token whose user may read the object (owner or container ACL, decided by the same
 * {@link Authorizer} on the same {@link RequestContext} rows), no query, at most one range, and an
 * object that is not a large object, a symlink, expired, public, or in a versioned container. Every other
 * request, and any doubt, goes the full path: {@link #prepare} then answers null and has changed
 * nothing. The headers come from the same builder as the full path ({@link ObjectReads#headers}).
 *
 * <p>What makes a request take the full path is decided here, in one list, beside the middlewares
 * it stands for; the HTTP layer only asks.
 */
public final class PlainRead {
    /**
     * Request headers some middleware acts on: CORS (Origin), static web (X-Web-Mode), the
     * conditional headers (Preconditions, with their 304/412 replies).
     */
    private static final List<String> FULL_PATH_HEADERS = List.of("Origin", "X-Web-Mode", "If-Match", "If-None-Match",
            "If-Modified-Since", "If-Unmodified-Since");

    private final RequestContext context;
    private final ObjectVersion version;
    private final String etag;
    private final ByteRanges.Range range;
    private final ObjectBody body;
    private final ObjectReads.ExtraHeaders extra;

    private PlainRead(RequestContext context, ObjectVersion version, String etag, ByteRanges.Range range,
                      ObjectBody body, ObjectReads.ExtraHeaders extra) {
        this.extra = extra;
        this.context = context;
        this.version = version;
        this.etag = etag;
        this.range = range;
        this.body = body;
    }

    /**
     * The read to serve, or null when the full path must answer (then nothing was changed).
     *
     * @param header the request's header of that name, or null
     */
    public static PlainRead prepare(SwiftServices services, RequestContext context, Function<String, String> header) {
        String method = context.method();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            return null;
        }
        SwiftPath path = context.validPath().filter(SwiftPath::isObject).orElse(null);
        if (path == null) {
            return null;
        }
        for (String h : FULL_PATH_HEADERS) {
            if (header.apply(h) != null) {
                return null;
            }
        }
        String token = header.apply("X-Auth-Token");
        if (token == null) {
            token = header.apply("X-Storage-Token");
        }
        if (token == null) {
            return null; // anonymous: static web and referrer ACLs decide
        }
        Authorizer auth = services.authorizer(context);
        try {
            Optional<Principal> who = auth.authenticate(token, path.account());
            if (auth.authorize(who, method, path.account(), path.container(), path.object(), header.apply("Referer"))
                    .shared()) {
                return null; // allowed by Pithos sharing only: the full path adds what that reply needs
            }
            context.authenticated(who);
        } catch (SwiftException refused) {
            return null; // the full path gives the refusal its headers and body
        }
        Optional<ContainerInfo> container = context.container(path.account(), path.container());
        if (container.isPresent() && ObjectVersioning.hiddenContainer(container.get().metadata()).isPresent()) {
            return null;
        }
        ObjectVersion v = services.store().metadata().getObject(path.account(), path.container(), path.object())
                .orElse(null);
        if (v == null || ObjectHeaders.isExpired(v.metadata()) || Symlink.isLink(v) || StaticLargeObject.isSlo(v)
                || v.metadata().containsKey(ObjectBodies.DLO_MANIFEST) || VersionedObjects.isVersionLink(v)
                || PublicLinks.tokenOf(v) != null) { // a public object: its owner sees the URL (ObjectResource)
            return null;
        }
        services.md5s().offer(v); // as the full path's reads do (ObjectSources.live)
        ByteRanges.Range range = null;
        if (!head) {
            List<ByteRanges.Range> ranges;
            try {
                ranges = ByteRanges.parse(header.apply("Range"), v.length());
            } catch (SwiftException unsatisfiable) {
                return null;
            }
            if (ranges != null && ranges.size() != 1) {
                return null;
            }
            range = ranges == null ? null : ranges.get(0);
        }
        String etag = EtagQuoter.asSent(context, path.account(), path.container(), v.etag());
        // A HEAD needs no map: its length and ETag are in the version row.
        ObjectBody body = head ? null : ObjectBody.of(services.maps().load(v.map()), v.etag(), services.reader());
        return new PlainRead(context, v, etag, range, body,
                io.tessera.swift.sharing.SharingReplies.forRead(services, context, v));
    }

    /** 200, or 206 for a range. */
    public int status() {
        return range == null ? 200 : 206;
    }

    /** The reply's headers, as the full path sends them for this request. */
    public void writeHeaders(ReplyHeaders reply) {
        ObjectReads.headers(reply, version, etag, extra);
        long length = version.length();
        if (range == null) {
            reply.header("Content-Length", length);
        } else {
            reply.header("Content-Length", range.length());
            reply.header("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + length);
        }
        SwiftHeadersFilter.transactionHeaders(reply::header, context.transactionId());
    }

    /**
     * Writes a GET's bytes. A damaged block before the first byte throws with nothing written (the
     * caller may then let the full path answer); after, the stream stops short of Content-Length.
     */
    public void writeBody(OutputStream out) throws IOException {
        if (body == null) {
            return;
        }
        long from = range == null ? 0 : range.start();
        long to = range == null ? version.length() : range.end() + 1;
        ObjectReads.write(version, body.read(from, to), out);
    }
}
