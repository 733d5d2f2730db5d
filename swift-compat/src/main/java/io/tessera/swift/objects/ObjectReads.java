package io.tessera.swift.objects;

import io.tessera.store.CorruptBlockException;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.ByteRanges;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.http.RawContentType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds GET and HEAD replies for an object version: its headers, and its body streamed block by
 * block from the store (the whole body, one range, or several as multipart/byteranges).
 */
public final class ObjectReads {
    private static final Logger log = LoggerFactory.getLogger(ObjectReads.class);

    private ObjectReads() {
    }

    /**
     * Headers a feature adds to the reply of the path's latest version (Pithos sharing:
     * {@code sharing.SharingReplies}); the read paths pass them, or null when a version was asked for.
     */
    public interface ExtraHeaders {
        void add(ReplyHeaders reply, ObjectVersion v);
    }

    /** The headers every GET and HEAD of this version carries; the ETag is the body's. */
    public static Response.ResponseBuilder headers(Response.ResponseBuilder reply, ObjectVersion v, ObjectBody body) {
        return headers(reply, v, body, null);
    }

    /** The same, with a feature's {@code extra} headers (or null). */
    public static Response.ResponseBuilder headers(Response.ResponseBuilder reply, ObjectVersion v, ObjectBody body,
                                                   ExtraHeaders extra) {
        headers(ReplyHeaders.of(reply), v, body.etag(), extra);
        return reply;
    }

    /** The same headers, wherever they go; {@code etag} as sent (quoted or not). */
    public static void headers(ReplyHeaders reply, ObjectVersion v, String etag) {
        headers(reply, v, etag, null);
    }

    /** The same, with a feature's {@code extra} headers (or null). */
    public static void headers(ReplyHeaders reply, ObjectVersion v, String etag, ExtraHeaders extra) {
        reply.contentType(HeaderText.toWire(v.contentType()));
        // An empty ETag means "not known yet": a volume snapshot until the background hasher has run.
        // Then neither ETag nor X-Object-Hash is sent (its map still names unhashed owned blocks), so
        // clients such as `swift download` skip their MD5 check instead of failing it.
        if (!etag.isEmpty()) {
            reply.header("ETag", etag);
            reply.header("X-Object-Hash", v.map().merkleRoot().toHex());
        }
        reply.header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(v.timestamp())));
        String timestamp = v.timestamp().toSwift();
        reply.header("X-Timestamp", timestamp);
        reply.header("Accept-Ranges", "bytes");
        MetadataReplies.addAll(reply::header, v.metadata());
        // X-Object-Version, -UUID, ...: a plain row's version id is its X-Timestamp (the 10 µs grid)
        io.tessera.swift.pithos.versions.PithosVersions.replyHeaders(reply, v, timestamp);
        if (extra != null) {
            extra.add(reply, v);
        }
    }

    /** Swift answers a failed condition or range (304, 412, 416) with the object's headers too. */
    public static SwiftException describe(SwiftException e, ObjectVersion v, ObjectBody body) {
        return describe(e, v, body.etag());
    }

    /** The same, with the ETag the reply would have carried. */
    public static SwiftException describe(SwiftException e, ObjectVersion v, String etag) {
        e.withHeader("ETag", etag)
                .withHeader("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(v.timestamp())))
                .withHeader("X-Timestamp", v.timestamp().toSwift())
                .withHeader("Accept-Ranges", "bytes");
        return e;
    }

    public static Response head(ObjectVersion v, ObjectBody body) {
        return head(v, body, null);
    }

    public static Response head(ObjectVersion v, ObjectBody body, ExtraHeaders extra) {
        return headers(Response.ok(), v, body, extra).header("Content-Length", body.length()).build();
    }

    public static Response get(ObjectVersion v, ObjectBody body, String rangeHeader) {
        return get(v, body, rangeHeader, null);
    }

    public static Response get(ObjectVersion v, ObjectBody body, String rangeHeader, ExtraHeaders extra) {
        long length = body.length();
        List<ByteRanges.Range> ranges = ByteRanges.parse(rangeHeader, length);
        if (ranges != null && ranges.size() > 1 && !body.servesMultipleRanges()) {
            ranges = null;
        }
        if (ranges == null) {
            ObjectBody.Reading all = firstSegmentChecked(body, 0, length);
            return headers(Response.ok(), v, body, extra).header("Content-Length", length)
                    .entity(logCorruption(v, all::writeTo)).build();
        }
        if (ranges.size() == 1) {
            ByteRanges.Range r = ranges.get(0);
            ObjectBody.Reading part = firstSegmentChecked(body, r.start(), r.end() + 1);
            return headers(Response.status(Response.Status.PARTIAL_CONTENT), v, body, extra)
                    .header("Content-Length", r.length())
                    .header("Content-Range", "bytes " + r.start() + "-" + r.end() + "/" + length)
                    .entity(logCorruption(v, part::writeTo)).build();
        }
        return multipart(v, body, ranges, extra);
    }

    /** Starts a read; a large object whose first segment is broken is a 409, as in Swift. */
    private static ObjectBody.Reading firstSegmentChecked(ObjectBody body, long from, long to) {
        try {
            return body.read(from, to);
        } catch (ObjectBody.SegmentException e) {
            log.warn("large object read refused: {}", e.getMessage());
            throw SwiftError.CONFLICT.exception(null);
        }
    }

    private static Response multipart(ObjectVersion v, ObjectBody body, List<ByteRanges.Range> ranges,
                                      ExtraHeaders extra) {
        String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        List<byte[]> partHeaders = new ArrayList<>();
        long total = 0;
        for (ByteRanges.Range r : ranges) {
            byte[] h = ("--" + boundary + "\r\nContent-Type: " + v.contentType() + "\r\nContent-Range: bytes "
                    + r.start() + "-" + r.end() + "/" + body.length() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            partHeaders.add(h);
            total += h.length + r.length() + 2;
        }
        byte[] closing = ("--" + boundary + "--").getBytes(StandardCharsets.UTF_8);
        total += closing.length;
        ObjectBody.Reading first = firstSegmentChecked(body, ranges.get(0).start(), ranges.get(0).end() + 1);
        StreamingOutput parts = out -> {
            for (int i = 0; i < ranges.size(); i++) {
                out.write(partHeaders.get(i));
                ObjectBody.Reading part;
                try {
                    part = i == 0 ? first : body.read(ranges.get(i).start(), ranges.get(i).end() + 1);
                } catch (ObjectBody.SegmentException e) {
                    throw new java.io.IOException(e.getMessage(), e);
                }
                part.writeTo(out);
                out.write('\r');
                out.write('\n');
            }
            out.write(closing);
        };
        Response.ResponseBuilder partial = headers(Response.status(Response.Status.PARTIAL_CONTENT), v, body, extra);
        return RawContentType.set(partial, "multipart/byteranges;boundary=" + boundary)
                .header("Content-Length", total)
                .entity(logCorruption(v, parts)).build();
    }

    /**
     * Names the object when a damaged block stops its body ({@link CorruptBlockException}). The exception
     * goes on: before the first byte it becomes a 500; after, the server cuts the connection, so the
     * client sees a body shorter than its Content-Length and never a wrong byte.
     */
    private static StreamingOutput logCorruption(ObjectVersion v, StreamingOutput body) {
        return out -> write(v, body::write, out);
    }

    /** Writes a read of {@code v}'s body, naming the object if a damaged block stops it. */
    static void write(ObjectVersion v, ObjectBody.Reading reading, OutputStream out) throws IOException {
        write(v, reading::writeTo, out);
    }

    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    private static void write(ObjectVersion v, BodyWriter body, OutputStream out) throws IOException {
        CountingOutputStream counted = new CountingOutputStream(out);
        try {
            body.write(counted);
        } catch (CorruptBlockException e) {
            log.error("GET {}/{}/{} failed after {} bytes of its body: block {} is corrupt", v.account(),
                    v.container(), v.name(), counted.count, e.block());
            throw e;
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
