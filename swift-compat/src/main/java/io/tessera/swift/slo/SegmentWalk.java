package io.tessera.swift.slo;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectBody;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The pieces of a Static Large Object that cover a byte range, found one at a time as the read
 * advances: entries before the range are skipped by their recorded lengths alone (a sub-manifest that
 * lies wholly before it is never fetched), a segment is looked up and checked against the manifest
 * (still there, same ETag and length) only when it is reached, and a sub-manifest is opened like a
 * segment, up to {@link SloLimits#maxRecursionDepth} levels deep. Memory: one manifest per level.
 */
final class SegmentWalk implements Iterator<ObjectBody.Piece> {
    /** One manifest being walked: its entries, the next one, and the wanted bytes relative to it. */
    private static final class Level {
        final List<ManifestSegment> segments;
        final String name;
        final int depth;
        int index;
        long first;
        long last; // inclusive; may go negative once the range is past

        Level(List<ManifestSegment> segments, String name, int depth, long first, long last) {
            this.segments = segments;
            this.name = name;
            this.depth = depth;
            this.first = first;
            this.last = last;
        }
    }

    private final SegmentAccess access;
    private final String manifestName;
    private final int maxDepth;
    private final Deque<Level> levels = new ArrayDeque<>();
    /** The manifests of {@link #levels}: one that names an ancestor (a loop) is refused when reached. */
    private final ManifestVisits open = new ManifestVisits(Integer.MAX_VALUE);
    private ObjectBody.Piece pending;

    /** Bytes {@code [from, to)} of the large object whose manifest holds {@code segments}. */
    SegmentWalk(SegmentAccess access, String manifestName, List<ManifestSegment> segments, long from, long to,
                int maxDepth) {
        this.access = access;
        this.manifestName = manifestName;
        this.maxDepth = maxDepth;
        if (from < to) {
            levels.push(new Level(segments, manifestName, 1, from, to - 1));
            open.open(manifestName);
        }
    }

    @Override
    public boolean hasNext() {
        while (pending == null && !levels.isEmpty()) {
            advance();
        }
        return pending != null;
    }

    @Override
    public ObjectBody.Piece next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ObjectBody.Piece p = pending;
        pending = null;
        return p;
    }

    private void advance() {
        Level level = levels.peek();
        if (level.index >= level.segments.size() || level.last < 0) {
            open.close(levels.pop().name);
            return;
        }
        ManifestSegment seg = level.segments.get(level.index++);
        long length = seg.length();
        long first = level.first;
        long last = level.last;
        level.first -= length;
        level.last -= length;
        if (first >= length) {
            return; // wholly before the range
        }
        long start = Math.max(0, first);
        long end = Math.min(length - 1, last);
        if (seg.isData()) {
            pending = ObjectBody.Piece.inline(seg.data(), start, end + 1);
            return;
        }
        long rangeFirst = seg.rangeFirst();
        ObjectVersion v = resolve(seg);
        if (seg.subSlo()) {
            // A manifest that is its own ancestor would nest until the depth limit: refused at once, with
            // the same answer (a sibling named twice is no loop and is read twice).
            if (level.depth >= maxDepth || !open.open(seg.name())) {
                throw new ObjectBody.SegmentException("While processing manifest " + manifestName
                        + ", max recursion depth was exceeded");
            }
            levels.push(new Level(access.manifest(v), seg.name(), level.depth + 1, rangeFirst + start, rangeFirst + end));
            return;
        }
        pending = new ObjectBody.Piece(access.map(v), rangeFirst + start, rangeFirst + end + 1);
        access.segmentRead();
    }

    /** The segment's object, if it is still what the manifest recorded (else the read cannot go on). */
    private ObjectVersion resolve(ManifestSegment seg) {
        String container = seg.container();
        if (!access.mayRead(container)) {
            throw new ObjectBody.SegmentException("segment " + seg.name() + " of " + manifestName + ": access denied");
        }
        ObjectVersion v = access.live(container, seg.object()).orElseThrow(() -> new ObjectBody.SegmentException(
                "segment " + seg.name() + " of " + manifestName + " is missing"));
        boolean isSlo = StaticLargeObject.isSlo(v);
        if (seg.subSlo() != isSlo) {
            throw changed(seg);
        }
        String etag = isSlo ? StaticLargeObject.etag(v) : v.etag();
        long length = isSlo ? StaticLargeObject.size(v) : v.length();
        if ((seg.hash() != null && !seg.hash().equals(etag)) || length != seg.bytes()) {
            throw changed(seg);
        }
        return v;
    }

    private ObjectBody.SegmentException changed(ManifestSegment seg) {
        return new ObjectBody.SegmentException("Object segment no longer valid: " + seg.name() + " of " + manifestName);
    }
}
