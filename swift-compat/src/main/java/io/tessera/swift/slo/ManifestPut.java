package io.tessera.swift.slo;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.bulk.BulkReport;
import io.tessera.swift.bulk.Heartbeat;
import io.tessera.swift.bulk.PathQuote;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.symlink.SymlinkRequest;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.WriteContent;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT ?multipart-manifest=put}: checks a manifest's every segment (it exists and the requester
 * may read it; its ETag and size are what the client says, when it says; its range fits; it is not
 * empty unless last), then stores the manifest, with each segment's ETag, size, type and date filled
 * in, as the object's content. No segment byte is read or copied. With {@code ?heartbeat=on} the reply
 * is 202 at once, whitespace while checking, then the real status in the body (as Swift does for
 * manifests whose checking outlasts a client's timeout).
 */
final class ManifestPut {
    /** What a manifest PUT asks for, besides the body ({@code link}: its {@code X-Symlink-*} headers, or null). */
    record Request(String account, String container, String name, String contentType, Map<String, String> metadata,
                   String clientEtag, boolean ifNoneMatchStar, boolean heartbeat, String accept, SymlinkRequest link) {
    }

    private final SegmentAccess segments;
    private final ObjectWriter writer;
    private final SloLimits limits;

    ManifestPut(SegmentAccess segments, ObjectWriter writer, SloLimits limits) {
        this.segments = segments;
        this.writer = writer;
        this.limits = limits;
    }

    /** @param contentLength the body's announced length, -1 when chunked */
    Response put(Request r, InputStream body, long contentLength) {
        if (contentLength > limits.maxManifestSize()) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Manifest File > " + limits.maxManifestSize() + " bytes");
        }
        List<ManifestInput.Entry> entries = ManifestInput.parse(readBounded(body), r.container(), r.name());
        long objectSegments = entries.stream().filter(e -> !e.isData()).count();
        if (objectSegments > limits.maxManifestSegments()) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Number of object-backed segments must be <= "
                    + limits.maxManifestSegments());
        }
        String format = BulkReport.negotiate(r.accept());
        String out = format != null ? format : BulkReport.TEXT;
        if (r.heartbeat()) {
            StreamingOutput reply = stream -> {
                Heartbeat heartbeat = new Heartbeat(stream, limits.yieldFrequencySeconds(), false);
                heartbeat.beatNow();
                Map<String, Object> values = new LinkedHashMap<>();
                List<List<String>> errors = new ArrayList<>();
                try {
                    ObjectVersion v = checkAndStore(r, entries, errors, heartbeat);
                    values.put("Response Status", BulkReport.statusLine(Response.Status.CREATED));
                    values.put("Response Body", "");
                    values.put("Etag", "\"" + StaticLargeObject.etag(v) + "\"");
                    values.put("Last Modified", HttpDates.format(HttpDates.lastModifiedSeconds(v.timestamp())));
                } catch (SwiftException e) {
                    values.put("Response Status", e.error().statusLine());
                    values.put("Response Body", errorText(e));
                }
                stream.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                stream.write(BulkReport.body(out, values, errors, "upload"));
            };
            return Response.status(Response.Status.ACCEPTED).entity(reply).type(out).build();
        }
        List<List<String>> errors = new ArrayList<>();
        ObjectVersion v;
        try {
            v = checkAndStore(r, entries, errors, null);
        } catch (SwiftException e) {
            if (e.error() == SwiftError.BAD_REQUEST && !errors.isEmpty()) {
                return Response.status(SwiftError.BAD_REQUEST.code())
                        .entity(BulkReport.body(out, Map.of(), errors, "upload")).type(out).build();
            }
            throw e;
        }
        // In a container with object versioning, v is the link to the new version: its id goes in the reply.
        ObjectVersion manifest = StaticLargeObject.isSlo(v) ? v : segments.live(v.container(), v.name()).orElse(v);
        return io.tessera.swift.versioning.VersionedObjects.created(Response.status(Response.Status.CREATED), v)
                .header("ETag", null)
                .header("ETag", "\"" + StaticLargeObject.etag(manifest) + "\"")
                .header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(v.timestamp())))
                .header("X-Timestamp", v.timestamp().toSwift())
                .header("Content-Length", 0)
                .build();
    }

    /** Swift's heartbeat bodies carry the stock text of an error: "Bad Request\nThe server could not...". */
    private static String errorText(SwiftException e) {
        return e.error().heading() + "\n" + e.error().explanation();
    }

    /**
     * Checks every segment (filling {@code errors}: 400 if any), the client's ETag (422), then stores
     * the manifest (412 if If-None-Match: * and the object exists).
     */
    private ObjectVersion checkAndStore(Request r, List<ManifestInput.Entry> entries, List<List<String>> errors,
                                        Heartbeat heartbeat) {
        Map<String, SegmentAccess.Head> heads = new LinkedHashMap<>();
        List<ManifestSegment> stored = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < entries.size(); i++) {
            ManifestInput.Entry e = entries.get(i);
            if (e.isData()) {
                stored.add(ManifestSegment.inline(e.data()));
                total += e.data().length;
                continue;
            }
            SegmentAccess.Head head = heads.get(e.path());
            if (head == null) {
                beat(heartbeat);
                head = head(e.path());
                heads.put(e.path(), head);
            }
            ManifestSegment s = check(e, head, i == entries.size() - 1, errors);
            if (s != null) {
                stored.add(s);
                total += s.length();
            }
        }
        if (!errors.isEmpty()) {
            throw SwiftError.BAD_REQUEST.exception(null);
        }
        MessageDigest md5 = Md5.digest();
        stored.forEach(s -> md5.update(s.etagPart().getBytes(StandardCharsets.US_ASCII)));
        String sloEtag = java.util.HexFormat.of().formatHex(md5.digest());
        if (r.clientEtag() != null && !normalize(r.clientEtag()).equals(sloEtag)) {
            throw SwiftError.UNPROCESSABLE_ENTITY.exception(null);
        }
        byte[] json = ManifestSegment.toJson(stored);
        Map<String, String> metadata = new LinkedHashMap<>(r.metadata());
        metadata.putAll(StaticLargeObject.markers(sloEtag, total));
        return writer.write(new ObjectWrite(new ObjectLocation(r.account(), r.container(), r.name()), r.contentType(),
                metadata, null, r.ifNoneMatchStar(), new WriteContent.Body(new ByteArrayInputStream(json), json.length),
                r.link()));
    }

    private SegmentAccess.Head head(String path) {
        String p = path.replaceAll("^/+", "");
        int slash = p.indexOf('/');
        return segments.head(p.substring(0, slash), p.substring(slash + 1));
    }

    /** The stored form of one entry, or null after adding its problems to {@code errors}. */
    private static ManifestSegment check(ManifestInput.Entry e, SegmentAccess.Head head, boolean last,
                                         List<List<String>> errors) {
        String quoted = PathQuote.quote(e.path());
        if (!head.ok()) {
            errors.add(List.of(quoted, head.failure().statusLine()));
            return null;
        }
        int before = errors.size();
        long length = head.length();
        String range = null;
        long segmentLength = length;
        if (e.range() != null) {
            long[] r = e.range().resolve(length);
            if (r == null) {
                errors.add(List.of(quoted, "Unsatisfiable Range"));
            } else if (r[0] != 0 || r[1] != length - 1) {
                range = r[0] + "-" + r[1];
                segmentLength = r[1] - r[0] + 1;
            }
        }
        if (segmentLength < 1 && !last) {
            errors.add(List.of(quoted, "Too small; each segment must be at least 1 byte."));
        }
        if (e.sizeBytes() != null && e.sizeBytes() != length) {
            errors.add(List.of(quoted, "Size Mismatch"));
        }
        if (e.etag() != null && !e.etag().equals(head.etag())) {
            errors.add(List.of(quoted, "Etag Mismatch"));
        }
        if (errors.size() > before) {
            return null;
        }
        ObjectVersion v = head.version();
        String lastModified = HttpDates.listing(new io.tessera.store.Timestamp(
                HttpDates.lastModifiedSeconds(v.timestamp()) * 1_000_000));
        return new ManifestSegment("/" + e.path().replaceAll("^/+", ""), length, head.etag(), v.contentType(),
                lastModified, range, head.isSlo(), null);
    }

    private static void beat(Heartbeat heartbeat) {
        if (heartbeat != null) {
            try {
                heartbeat.beat();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private byte[] readBounded(InputStream body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = body.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() > limits.maxManifestSize()) {
                    throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Manifest File > " + limits.maxManifestSize() + " bytes");
                }
            }
        } catch (IOException e) {
            throw SwiftError.CLIENT_DISCONNECT.exception("The client disconnected during request.");
        }
        return out.toByteArray();
    }

    private static String normalize(String etag) {
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.toLowerCase(java.util.Locale.ROOT);
    }
}
