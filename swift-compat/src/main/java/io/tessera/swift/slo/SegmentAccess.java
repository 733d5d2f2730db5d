package io.tessera.swift.slo;

import io.tessera.hashmap.Hashmap;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.objects.ObjectBody;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.symlink.SymlinkResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Segments as one requester sees them: looked up by name in the manifest's account, with that
 * requester's read access to the segment's container (Swift makes each segment request with the
 * client's own token, so a manifest never reads what its reader could not).
 */
final class SegmentAccess {
    /** What a HEAD of a segment answers: the object and what a GET of it would return, or why not. */
    record Head(ObjectVersion version, long length, String etag, boolean isSlo, SwiftError failure) {
        static Head failed(SwiftError error) {
            return new Head(null, 0, null, false, error);
        }

        boolean ok() {
            return failure == null;
        }
    }

    private final MetadataStore metadata;
    private final ContentMaps maps;
    private final ContentReader reader;
    private final String account;
    private final BiPredicate<String, String> mayRead;
    private final boolean authenticated;
    private final com.codahale.metrics.Meter segmentsRead;
    private final com.codahale.metrics.Meter dloSegmentsRead;

    /**
     * @param mayRead       whether the requester may read objects of a container of {@code account}
     * @param authenticated whether the requester presented a token (a refusal is then 403, else 401)
     */
    SegmentAccess(MetadataStore metadata, ContentMaps maps, ContentReader reader, String account,
                  BiPredicate<String, String> mayRead, boolean authenticated, com.codahale.metrics.Meter segmentsRead,
                  com.codahale.metrics.Meter dloSegmentsRead) {
        this.metadata = metadata;
        this.maps = maps;
        this.reader = reader;
        this.account = account;
        this.mayRead = mayRead;
        this.authenticated = authenticated;
        this.segmentsRead = segmentsRead;
        this.dloSegmentsRead = dloSegmentsRead;
    }

    /** Counts a segment a large-object read has reached (metric swift.slo.segments.read). */
    void segmentRead() {
        segmentsRead.mark();
    }

    String account() {
        return account;
    }

    /** HEAD of {@code /container/object}: its length and ETag as a GET of it would send them. */
    Head head(String container, String object) {
        if (!mayRead.test(account, container)) {
            return Head.failed(authenticated ? SwiftError.FORBIDDEN : SwiftError.UNAUTHORIZED);
        }
        Optional<ObjectVersion> found = live(container, object);
        if (found.isEmpty()) {
            return Head.failed(SwiftError.NOT_FOUND);
        }
        ObjectVersion v = found.get();
        if (StaticLargeObject.isSlo(v)) {
            return new Head(v, StaticLargeObject.size(v), StaticLargeObject.etag(v), true, null);
        }
        if (v.metadata().containsKey(ObjectBodies.DLO_MANIFEST)) {
            ObjectBody dlo = new ObjectBodies(metadata, maps, reader, segment -> segment, dloSegmentsRead)
                    .of(v, false, mayRead);
            return new Head(v, dlo.length(), unquote(dlo.etag()), false, null);
        }
        return new Head(v, v.length(), v.etag(), false, null);
    }

    /** The segment's current version; a symlink reads as its target, as Swift's segment GETs follow links. */
    Optional<ObjectVersion> live(String container, String object) {
        Optional<ObjectVersion> found = liveIn(account, container, object);
        if (found.isEmpty() || !Symlink.isLink(found.get())) {
            return found;
        }
        SymlinkResolver links = new SymlinkResolver(this::liveIn, (a, c) -> {
            if (!mayRead.test(a, c)) {
                throw authenticated ? SwiftError.FORBIDDEN.exception() : SwiftError.UNAUTHORIZED.exception();
            }
        });
        try {
            return Optional.of(links.follow(found.get()).object());
        } catch (SwiftException broken) {
            return Optional.empty(); // a dangling or looping link is a missing segment
        }
    }

    private Optional<ObjectVersion> liveIn(String acct, String container, String object) {
        return metadata.getObject(acct, container, object).filter(v -> !ObjectHeaders.isExpired(v.metadata()));
    }

    boolean mayRead(String container) {
        return mayRead.test(account, container);
    }

    Hashmap map(ObjectVersion v) {
        return maps.load(v.map());
    }

    /** A manifest's stored segments (its content: at most a few MiB of JSON). */
    List<ManifestSegment> manifest(ObjectVersion v) {
        Hashmap map = maps.load(v.map());
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(map.length(), 1 << 20));
        try {
            reader.copy(map, 0, map.length(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ManifestSegment.fromJson(out.toByteArray());
    }

    ContentReader reader() {
        return reader;
    }

    private static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
