package io.tessera.swift.objects;

import io.tessera.hashmap.Hashmap;
import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.swift.http.ByteRanges;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.MetadataHeaders;
import io.tessera.swift.http.RawContentType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds GET and HEAD replies for an object version: its headers, and a body streamed block by
 * block from the store (the whole object, one range, or several as multipart/byteranges).
 */
public final class ObjectReads {
    private final ContentMaps maps;
    private final ContentReader reader;

    public ObjectReads(ContentMaps maps, ContentReader reader) {
        this.maps = maps;
        this.reader = reader;
    }

    /** The headers every GET and HEAD of this version carries. */
    public static Response.ResponseBuilder headers(Response.ResponseBuilder reply, ObjectVersion v) {
        RawContentType.set(reply, v.contentType());
        // An empty ETag means "not known yet": a volume snapshot until the background hasher has run.
        // Then neither ETag nor X-Object-Hash is sent (its map still names unhashed owned blocks), so
        // clients such as `swift download` skip their MD5 check instead of failing it.
        if (!v.etag().isEmpty()) {
            reply.header("ETag", v.etag())
                    .header("X-Object-Hash", v.map().merkleRoot().toHex());
        }
        reply.header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(v.timestamp())))
                .header("X-Timestamp", v.timestamp().toSwift())
                .header("Accept-Ranges", "bytes");
        v.metadata().forEach((k, val) -> reply.header(HeaderText.toWire(MetadataHeaders.headerName(k)), HeaderText.toWire(val)));
        return reply;
    }

    public Response head(ObjectVersion v) {
        return headers(Response.ok(), v).header("Content-Length", v.length()).build();
    }

    public Response get(ObjectVersion v, String rangeHeader) {
        long length = v.length();
        List<ByteRanges.Range> ranges = ByteRanges.parse(rangeHeader, length);
        // Load the map before any byte is sent, so a missing map is an error reply, not a cut body.
        Hashmap map = maps.load(v.map());
        if (ranges == null) {
            return headers(Response.ok(), v).header("Content-Length", length)
                    .entity((StreamingOutput) out -> reader.copy(map, 0, length, out)).build();
        }
        if (ranges.size() == 1) {
            ByteRanges.Range r = ranges.get(0);
            return headers(Response.status(206), v)
                    .header("Content-Length", r.length())
                    .header("Content-Range", "bytes " + r.start() + "-" + r.end() + "/" + length)
                    .entity((StreamingOutput) out -> reader.copy(map, r.start(), r.end() + 1, out)).build();
        }
        return multipart(v, map, ranges);
    }

    private Response multipart(ObjectVersion v, Hashmap map, List<ByteRanges.Range> ranges) {
        String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        List<byte[]> partHeaders = new ArrayList<>();
        long total = 0;
        for (ByteRanges.Range r : ranges) {
            byte[] h = ("--" + boundary + "\r\nContent-Type: " + v.contentType() + "\r\nContent-Range: bytes "
                    + r.start() + "-" + r.end() + "/" + v.length() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            partHeaders.add(h);
            total += h.length + r.length() + 2;
        }
        byte[] closing = ("--" + boundary + "--").getBytes(StandardCharsets.UTF_8);
        total += closing.length;
        StreamingOutput body = out -> {
            for (int i = 0; i < ranges.size(); i++) {
                out.write(partHeaders.get(i));
                reader.copy(map, ranges.get(i).start(), ranges.get(i).end() + 1, out);
                out.write('\r');
                out.write('\n');
            }
            out.write(closing);
        };
        return RawContentType.set(headers(Response.status(206), v), "multipart/byteranges;boundary=" + boundary)
                .header("Content-Length", total)
                .entity(body).build();
    }
}
