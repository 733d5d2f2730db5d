package io.tessera.swift.objects;

import io.tessera.hashmap.Hashmap;
import io.tessera.store.content.ContentReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;

/**
 * The bytes a GET of an object returns and the ETag that describes them: an object's own content
 * (one hashmap), or, for a large object, its segments one after another (each a range of a hashmap,
 * or a few inline bytes). Ranges, conditional requests and copies work the same on all of them.
 *
 * <p>The pieces of a large object are produced as a read reaches them ({@link Pieces}): a Static
 * Large Object's segment is looked up, checked and its map loaded only when the bytes before it have
 * been sent, so memory stays O(block size) whatever the number of segments.
 */
public final class ObjectBody {
    /** Bytes {@code [from, to)} of one hashmap's content, or of {@code data} when it is not null. */
    public record Piece(Hashmap map, byte[] data, long from, long to) {
        public Piece(Hashmap map, long from, long to) {
            this(map, null, from, to);
        }

        public static Piece inline(byte[] data, long from, long to) {
            return new Piece(null, data, from, to);
        }

        long length() {
            return to - from;
        }
    }

    /** The pieces that cover bytes {@code [from, to)} of a body, in order, each clipped to that range. */
    public interface Pieces {
        Iterator<Piece> covering(long from, long to);
    }

    /**
     * Thrown while walking a large object's segments when one is missing, unreadable or changed since
     * the manifest was written. Before the first byte is sent it becomes a 409; after, the connection
     * is cut short (Swift does the same: the client sees fewer bytes than Content-Length).
     */
    public static final class SegmentException extends RuntimeException {
        public SegmentException(String message) {
            super(message, null, false, false);
        }
    }

    private final Pieces pieces;
    private final long length;
    private final String etag;
    private final ContentReader reader;
    private final boolean multipleRanges;

    public ObjectBody(Pieces pieces, long length, String etag, ContentReader reader, boolean multipleRanges) {
        this.pieces = pieces;
        this.length = length;
        this.etag = etag;
        this.reader = reader;
        this.multipleRanges = multipleRanges;
    }

    ObjectBody(List<Piece> pieces, String etag, ContentReader reader, boolean multipleRanges) {
        this(new Listed(List.copyOf(pieces)), pieces.stream().mapToLong(Piece::length).sum(), etag, reader,
                multipleRanges);
    }

    static ObjectBody of(Hashmap map, String etag, ContentReader reader) {
        // One piece (every plain read): its length is the map's, no stream over a list to sum it.
        return new ObjectBody(new Listed(List.of(new Piece(map, 0, map.length()))), map.length(), etag, reader, true);
    }

    /** A body of a few bytes held in memory (e.g. a manifest rewritten for its reader). */
    public static ObjectBody ofBytes(byte[] data, String etag, ContentReader reader) {
        return new ObjectBody(List.of(Piece.inline(data, 0, data.length)), etag, reader, true);
    }

    public long length() {
        return length;
    }

    /** The ETag as sent: a plain object's MD5, or a manifest's quoted MD5 of its segments' ETags. */
    public String etag() {
        return etag;
    }

    /**
     * Whether a Range header with several ranges gets a multipart reply; Swift's DLO middleware
     * answers those with the whole object instead.
     */
    public boolean servesMultipleRanges() {
        return multipleRanges;
    }

    /**
     * Starts reading bytes {@code [from, to)}: the first piece is resolved now, so a broken first
     * segment is an error reply ({@link SegmentException}) rather than a cut connection.
     */
    public Reading read(long from, long to) {
        Iterator<Piece> it = pieces.covering(from, to);
        Piece first = it.hasNext() ? it.next() : null;
        return new Reading(first, it);
    }

    /** Writes bytes {@code [from, to)} of the body, piece by piece, block by block. */
    public void write(long from, long to, OutputStream out) throws IOException {
        read(from, to).writeTo(out);
    }

    /** A read begun with {@link #read}: its first piece already resolved. */
    public final class Reading {
        private Piece next;
        private final Iterator<Piece> rest;

        private Reading(Piece first, Iterator<Piece> rest) {
            this.next = first;
            this.rest = rest;
        }

        public void writeTo(OutputStream out) throws IOException {
            // Consecutive pieces often lie in one block (ranged segments of one object): read it once.
            ContentReader.LastBlock lastBlock = new ContentReader.LastBlock();
            try {
                while (next != null) {
                    Piece p = next;
                    if (p.data() != null) {
                        out.write(p.data(), (int) p.from(), (int) p.length());
                    } else {
                        reader.copy(p.map(), p.from(), p.to(), out, lastBlock);
                    }
                    next = rest.hasNext() ? rest.next() : null;
                }
            } catch (SegmentException e) {
                // Headers and some bytes are out: all we can do is stop short of Content-Length.
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /** Bytes {@code [from, to)} as a stream, for writing them into another object. */
    public InputStream open(long from, long to) {
        Iterator<Piece> it = pieces.covering(from, to);
        return new SequenceInputStream(new Enumeration<InputStream>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public InputStream nextElement() {
                Piece p = it.next();
                return p.data() != null
                        ? new ByteArrayInputStream(p.data(), (int) p.from(), (int) p.length())
                        : reader.open(p.map(), p.from(), p.to());
            }
        });
    }

    /** Pieces known up front (an object's own map, a DLO's segments), clipped to the range asked for. */
    private record Listed(List<Piece> all) implements Pieces {
        @Override
        public Iterator<Piece> covering(long from, long to) {
            if (all.size() == 1) { // an object's own map: no list to build
                Piece p = all.get(0);
                long start = Math.max(from, 0);
                long end = Math.min(to, p.length());
                if (start >= end) {
                    return java.util.Collections.emptyIterator();
                }
                Piece clipped = start == 0 && end == p.length() ? p
                        : new Piece(p.map(), p.data(), p.from() + start, p.from() + end);
                return List.of(clipped).iterator();
            }
            java.util.List<Piece> out = new java.util.ArrayList<>();
            long offset = 0;
            for (Piece p : all) {
                long start = Math.max(from, offset);
                long end = Math.min(to, offset + p.length());
                if (start < end) {
                    out.add(new Piece(p.map(), p.data(), p.from() + start - offset, p.from() + end - offset));
                }
                offset += p.length();
                if (offset >= to) {
                    break;
                }
            }
            return out.iterator();
        }
    }
}
