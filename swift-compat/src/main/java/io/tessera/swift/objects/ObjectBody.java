package io.tessera.swift.objects;

import io.tessera.hashmap.Hashmap;
import io.tessera.store.content.ContentReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bytes a GET of an object returns and the ETag that describes them: an object's own content
 * (one hashmap), or, for a large-object manifest, its segments one after another (each a range of
 * a hashmap). Ranges, conditional requests and copies work the same on both.
 */
public final class ObjectBody {
    /** Bytes {@code [from, to)} of one hashmap's content. */
    public record Piece(Hashmap map, long from, long to) {
        long length() {
            return to - from;
        }
    }

    private final List<Piece> pieces;
    private final long length;
    private final String etag;
    private final ContentReader reader;

    ObjectBody(List<Piece> pieces, String etag, ContentReader reader) {
        this.pieces = List.copyOf(pieces);
        this.length = pieces.stream().mapToLong(Piece::length).sum();
        this.etag = etag;
        this.reader = reader;
    }

    static ObjectBody of(Hashmap map, String etag, ContentReader reader) {
        return new ObjectBody(List.of(new Piece(map, 0, map.length())), etag, reader);
    }

    public long length() {
        return length;
    }

    /** The ETag as sent: a plain object's MD5, or a manifest's quoted MD5 of its segments' ETags. */
    public String etag() {
        return etag;
    }

    /** Writes bytes {@code [from, to)} of the body, piece by piece, block by block. */
    public void write(long from, long to, OutputStream out) throws IOException {
        long offset = 0;
        for (Piece p : pieces) {
            long start = Math.max(from, offset);
            long end = Math.min(to, offset + p.length());
            if (start < end) {
                reader.copy(p.map(), p.from() + start - offset, p.from() + end - offset, out);
            }
            offset += p.length();
            if (offset >= to) {
                break;
            }
        }
    }

    /** Bytes {@code [from, to)} as a stream, for writing them into another object. */
    public InputStream open(long from, long to) {
        List<InputStream> parts = new ArrayList<>();
        long offset = 0;
        for (Piece p : pieces) {
            long start = Math.max(from, offset);
            long end = Math.min(to, offset + p.length());
            if (start < end) {
                parts.add(reader.open(p.map(), p.from() + start - offset, p.from() + end - offset));
            }
            offset += p.length();
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }
}
