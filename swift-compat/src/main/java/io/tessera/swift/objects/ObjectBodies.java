package io.tessera.swift.objects;

import com.codahale.metrics.Meter;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.SwiftPath;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Resolves what a GET of an object returns: its own content, or — for a Dynamic Large Object, whose
 * {@code X-Object-Manifest: <container>/<prefix>} names its segments — every object under that prefix
 * in name order, concatenated. The manifest's ETag is then the quoted MD5 of its segments' ETags, as
 * in Swift. Segments are referenced, never copied.
 */
public final class ObjectBodies {
    public static final String DLO_MANIFEST = "x-object-manifest";
    private static final int PAGE = 1000;

    private final MetadataStore metadata;
    private final ContentMaps maps;
    private final ContentReader reader;
    private final java.util.function.UnaryOperator<ObjectVersion> segments;
    private final Meter segmentsRead;

    /**
     * @param segments     what a segment reads as (e.g. a symlink's target, as Swift's DLO reads segments with GETs)
     * @param segmentsRead marked for each DLO segment whose map a read loads (metric swift.dlo.segments.read)
     */
    public ObjectBodies(MetadataStore metadata, ContentMaps maps, ContentReader reader,
                        java.util.function.UnaryOperator<ObjectVersion> segments, Meter segmentsRead) {
        this.metadata = metadata;
        this.maps = maps;
        this.reader = reader;
        this.segments = segments;
        this.segmentsRead = segmentsRead;
    }

    /**
     * @param manifestItself {@code ?multipart-manifest=get}: the manifest object's own bytes
     * @param mayRead        whether the requester may read a segment container (account, container)
     */
    public ObjectBody of(ObjectVersion v, boolean manifestItself, BiPredicate<String, String> mayRead) {
        String manifest = v.metadata().get(DLO_MANIFEST);
        if (manifest == null || manifestItself) {
            return ObjectBody.of(maps.load(v.map()), v.etag(), reader);
        }
        Location segments = Location.parse(manifest);
        if (!mayRead.test(v.account(), segments.container())) {
            throw SwiftError.FORBIDDEN.exception();
        }
        // Content-Length and ETag from the listing alone (each segment's length and ETag): no segment's
        // map is loaded and nothing per segment is kept, so HEAD loads none and GET's headers wait for none.
        long length = 0;
        MessageDigest etags = md5();
        for (Iterator<ObjectVersion> it = listing(v.account(), segments); it.hasNext(); ) {
            ObjectVersion content = this.segments.apply(it.next());
            length += content.length();
            etags.update(content.etag().getBytes(StandardCharsets.US_ASCII));
        }
        // The bytes: the listing again, page by page, each segment's map loaded when the read reaches it
        // (one page and one map held at a time). A segment changed in between is clipped to what it holds
        // now, as Swift's DLO, which also lists then reads, sends what it finds.
        ObjectBody.Pieces lazy = (from, to) -> new Iterator<>() {
            private final Iterator<ObjectVersion> listed = listing(v.account(), segments);
            private long offset;
            private ObjectBody.Piece next;

            @Override
            public boolean hasNext() {
                while (next == null && offset < to && listed.hasNext()) {
                    ObjectVersion content = ObjectBodies.this.segments.apply(listed.next());
                    long start = offset;
                    offset += content.length();
                    if (offset <= from || content.length() == 0) {
                        continue; // wholly before the range: its map is never loaded
                    }
                    Hashmap map = maps.load(content.map());
                    segmentsRead.mark();
                    long pieceFrom = Math.max(0, from - start);
                    long pieceTo = Math.min(map.length(), Math.min(content.length(), to - start));
                    if (pieceFrom < pieceTo) {
                        next = new ObjectBody.Piece(map, pieceFrom, pieceTo);
                    }
                }
                return next != null;
            }

            @Override
            public ObjectBody.Piece next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                ObjectBody.Piece p = next;
                next = null;
                return p;
            }
        };
        // Swift's DLO middleware answers a request for several ranges with the whole object.
        return new ObjectBody(lazy, length, "\"" + HexFormat.of().formatHex(etags.digest()) + "\"", reader, false);
    }

    /** The live (unexpired) segments of a DLO in name order, listed a page at a time as iterated. */
    private Iterator<ObjectVersion> listing(String account, Location segments) {
        return new Iterator<>() {
            private List<ObjectVersion> page = List.of();
            private int index;
            private String after;
            private boolean last;
            private ObjectVersion next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    if (index < page.size()) {
                        ObjectVersion o = page.get(index++);
                        if (!ObjectHeaders.isExpired(o.metadata())) {
                            next = o;
                        }
                        continue;
                    }
                    if (last) {
                        return false;
                    }
                    page = metadata.listObjects(account, segments.container(),
                            new ListQuery(segments.prefix(), after, null, false, PAGE));
                    index = 0;
                    last = page.size() < PAGE;
                    if (!page.isEmpty()) {
                        after = page.get(page.size() - 1).name();
                    }
                }
                return true;
            }

            @Override
            public ObjectVersion next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                ObjectVersion o = next;
                next = null;
                return o;
            }
        };
    }

    /**
     * Checks an {@code X-Object-Manifest} value a client wants to store: {@code <container>/<prefix>},
     * split as sent (Swift's dlo validates the value before decoding it).
     */
    public static String validManifest(String value) {
        String v = value.startsWith("/") ? value.substring(1) : value;
        if (v.indexOf('/') <= 0) {
            throw notContainerPrefix();
        }
        Location.parse(value);
        return value;
    }

    private static SwiftException notContainerPrefix() {
        return SwiftError.BAD_REQUEST.exception("X-Object-Manifest must be in the format container/prefix");
    }

    /** The segments' container and prefix: the stored value decoded, then split (as Swift's dlo reads it). */
    private record Location(String container, String prefix) {
        static Location parse(String manifest) {
            String[] parts = SwiftPath.splitDecoded(manifest, "X-Object-Manifest");
            if (parts == null) {
                throw notContainerPrefix();
            }
            return new Location(parts[0], parts[1]);
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
