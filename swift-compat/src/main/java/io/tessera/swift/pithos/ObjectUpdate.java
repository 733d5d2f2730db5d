package io.tessera.swift.pithos;

import io.tessera.hashmap.Hashmap;
import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentPatcher;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.Preconditions;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.reads.ObjectSources;
import io.tessera.swift.slo.StaticLargeObject;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.versioning.VersionedObjects;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.WriteContent;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Pithos data update: {@code POST} to an object with {@code Content-Range} (and a body, or
 * {@code X-Source-Object} naming where the bytes come from), as Pithos' {@code object_update} does it.
 * {@code Content-Range: bytes a-b/*} writes at {@code a} ({@code b} may be left out), {@code bytes *}{@code /*}
 * appends, {@code X-Object-Bytes: N} cuts the result to N bytes; with {@code X-Source-Object: /c/o}
 * (and {@code X-Source-Account}, {@code X-Source-Version}) the bytes are the start of that object's
 * content. It goes through the one write pipeline as {@link WriteContent.Patch} content: only the
 * blocks it touches are read or written, and quotas, versioning and the rest apply as to any write.
 * The reply is 204 with the new ETag: the Merkle root until {@link Md5Backfill} has the MD5.
 */
public final class ObjectUpdate {
    private static final Pattern RANGE = Pattern.compile("^bytes (\\d{1,18})-(\\d{0,18})/(\\d{1,18}|\\*)$");
    private static final String OCTET_STREAM = "application/octet-stream";

    private final SwiftServices services;
    private final RequestContext context;
    private final ObjectSources sources;
    private final ObjectWriter writer;
    private final String referer;

    public ObjectUpdate(SwiftServices services, RequestContext context, ObjectSources sources, ObjectWriter writer,
                        String referer) {
        this.services = services;
        this.context = context;
        this.sources = sources;
        this.writer = writer;
        this.referer = referer;
    }

    /**
     * Whether an object POST is a data update: it names a source object, or sends an
     * {@code application/octet-stream} body with a {@code Content-Range} or Pithos' {@code ?update} (a
     * Swift POST that only sets that Content-Type stays a metadata POST).
     */
    public static boolean applies(MultivaluedMap<String, String> headers, String contentType,
                                  MultivaluedMap<String, String> query) {
        if (headers.getFirst("X-Source-Object") != null) {
            return true;
        }
        if (contentType == null || !contentType.trim().equalsIgnoreCase(OCTET_STREAM)) {
            return false;
        }
        return headers.getFirst("Content-Range") != null || PithosQuery.update(query);
    }

    /** Writes the update; the version it published (its reply: {@link #reply}). */
    public ObjectVersion write(HttpHeaders headers, MultivaluedMap<String, String> query, InputStream body) {
        MultivaluedMap<String, String> h = headers.getRequestHeaders();
        ObjectVersion current = sources.current();
        ObjectVersion base = VersionedObjects.isVersionLink(current) ? sources.follow(current, false).object() : current;
        if (StaticLargeObject.isSlo(base) || base.metadata().containsKey(ObjectBodies.DLO_MANIFEST)
                || Symlink.of(base).filter(l -> !l.internal()).isPresent()) {
            throw SwiftError.BAD_REQUEST.exception("The data of a large object or a symlink cannot be updated in place");
        }
        Preconditions.check(headers, base.etag(), base.map().merkleRoot().toHex(),
                HttpDates.lastModifiedSeconds(base.timestamp()), false);
        String rangeHeader = h.getFirst("Content-Range");
        if (rangeHeader == null) {
            throw SwiftError.BAD_REQUEST.exception("Missing Content-Range header");
        }
        long[] range = contentRange(rangeHeader.trim()); // offset, length, total; -1 for none
        long size = base.length();
        long offset = range[0] < 0 ? size : range[0];
        long length = range[1];
        long total = range[2];
        if (offset > size) {
            throw SwiftError.REQUESTED_RANGE_NOT_SATISFIABLE.exception("Supplied offset is beyond object limits");
        }
        String sourceObject = h.getFirst("X-Source-Object");
        ContentPatcher.Data data;
        if (sourceObject != null) {
            ObjectVersion source = source(sourceObject.trim(), h.getFirst("X-Source-Account"), h.getFirst("X-Source-Version"));
            if (length < 0) {
                length = source.length();
            } else if (length > source.length()) {
                throw SwiftError.BAD_REQUEST.exception("Object length is smaller than range length");
            }
            Hashmap map = services.maps().retain(source.map());
            data = new ContentPatcher.FromMap(map, length);
        } else {
            long contentLength = contentLength(headers);
            if (length < 0) {
                length = contentLength;
            } else if (contentLength == -1) {
                length = -1;
            } else if (length != contentLength) {
                throw SwiftError.BAD_REQUEST.exception("Content length does not match range length");
            }
            data = new ContentPatcher.Body(body, length);
        }
        if (total >= 0 && (total != size || offset >= size || (length > 0 && offset + length > size))) {
            throw SwiftError.REQUESTED_RANGE_NOT_SATISFIABLE.exception("Supplied range will change provided object limits");
        }
        long truncateTo = -1;
        String bytes = h.getFirst("X-Object-Bytes");
        if (bytes != null) {
            truncateTo = nonNegative(bytes.trim());
            if (truncateTo < 0) {
                throw SwiftError.BAD_REQUEST.exception("Invalid X-Object-Bytes header");
            }
        }
        long max = services.limits().maxFileSize();
        if (length > 0 && offset + length > max) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Your request is too large.");
        }
        Map<String, String> metadata = UpdateMetadata.of(base.metadata(), h, services.limits(), PithosQuery.update(query));
        ObjectLocation target = new ObjectLocation(context.path().account(), context.path().container(), context.path().object());
        ObjectVersion published = writer.write(new ObjectWrite(target, base.contentType(), metadata, null, false,
                new WriteContent.Patch(base, offset, data, truncateTo, max)));
        services.md5s().submit(published);
        return published;
    }

    /** Pithos' answer to a data update: 204 with the new ETag (and, in a versioned container, its version). */
    public static Response reply(ObjectVersion published) {
        Response.ResponseBuilder reply = VersionedObjects.created(Response.noContent(), published);
        io.tessera.swift.pithos.versions.PithosVersions.createdHeaders(reply, published); // X-Object-Version, as Pithos
        return reply
                .header("ETag", published.etag())
                .header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(published.timestamp())))
                .header("X-Object-Hash", published.map().merkleRoot().toHex())
                .build();
    }

    /** The source of an update from another object: {@code /container/object}, read with the requester's rights. */
    private ObjectVersion source(String path, String accountHeader, String version) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw SwiftError.BAD_REQUEST.exception("Invalid source object");
        }
        String rest = path.substring(1);
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw SwiftError.BAD_REQUEST.exception("Invalid source object");
        }
        String account = accountHeader != null && !accountHeader.isBlank()
                ? io.tessera.swift.http.SwiftPath.decode(accountHeader.trim()) : context.path().account();
        ObjectLocation from = ObjectLocation.parse(rest, account, "X-Source-Object");
        if (!services.authorizer(context).mayReadObject(context.principal(), from.account(), from.container(),
                from.object(), referer)) {
            throw Authorizer.denied(context.principal(), from.account());
        }
        // X-Source-Version: that version (Pithos' version ids, as ?version= and a copy's X-Source-Version)
        ObjectVersion v = version != null && !version.isBlank()
                ? sources.version(from.account(), from.container(), from.object(), version.trim())
                : sources.live(from.account(), from.container(), from.object());
        v = sources.follow(v, false).object();
        if (StaticLargeObject.isSlo(v) || v.metadata().containsKey(ObjectBodies.DLO_MANIFEST)) {
            throw SwiftError.BAD_REQUEST.exception("A large object cannot be the source of an update");
        }
        return v;
    }

    /**
     * Pithos' {@code get_content_range}: {@code {offset, length, total}}, -1 for what the header leaves
     * out ({@code bytes *}{@code /*}: all three); 416 for anything else.
     */
    static long[] contentRange(String header) {
        if (header.equals("bytes */*")) {
            return new long[] {-1, -1, -1};
        }
        Matcher m = RANGE.matcher(header);
        if (!m.matches()) {
            throw invalidRange();
        }
        long offset = Long.parseLong(m.group(1));
        long upto = m.group(2).isEmpty() ? -1 : Long.parseLong(m.group(2));
        long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        if ((upto >= 0 && offset > upto) || (total >= 0 && offset >= total) || (total >= 0 && upto >= total)) {
            throw invalidRange();
        }
        return new long[] {offset, upto < 0 ? -1 : upto - offset + 1, total};
    }

    private static io.tessera.swift.errors.SwiftException invalidRange() {
        return SwiftError.REQUESTED_RANGE_NOT_SATISFIABLE.exception("Invalid Content-Range header");
    }

    /** The body's length, -1 for chunked; 411 when neither is given or the length is not a number, 413 over the limit. */
    private long contentLength(HttpHeaders headers) {
        String te = headers.getHeaderString("Transfer-Encoding");
        if (te != null && te.trim().equalsIgnoreCase("chunked")) {
            return -1;
        }
        String cl = headers.getHeaderString("Content-Length");
        long length = cl == null ? -1 : nonNegative(cl.trim());
        if (length < 0) {
            throw SwiftError.LENGTH_REQUIRED.exception("Missing or invalid Content-Length header");
        }
        if (length > services.limits().maxFileSize()) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Your request is too large.");
        }
        return length;
    }

    /** A non-negative decimal of at most 18 digits, or -1. */
    private static long nonNegative(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
