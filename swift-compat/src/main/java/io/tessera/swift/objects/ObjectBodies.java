package io.tessera.swift.objects;

import com.codahale.metrics.Meter;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.SwiftPath;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
            throw SwiftException.forbidden();
        }
        List<ObjectBody.Piece> pieces = new ArrayList<>();
        MessageDigest etags = md5();
        String after = null;
        while (true) {
            List<ObjectVersion> page = metadata.listObjects(v.account(), segments.container(),
                    new ListQuery(segments.prefix(), after, null, false, PAGE));
            for (ObjectVersion segment : page) {
                if (ObjectHeaders.isExpired(segment.metadata())) {
                    continue;
                }
                ObjectVersion content = this.segments.apply(segment);
                Hashmap map = maps.load(content.map());
                segmentsRead.mark();
                pieces.add(new ObjectBody.Piece(map, 0, map.length()));
                etags.update(content.etag().getBytes(StandardCharsets.US_ASCII));
                after = segment.name();
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).name();
        }
        // Swift's DLO middleware answers a request for several ranges with the whole object.
        return new ObjectBody(pieces, "\"" + HexFormat.of().formatHex(etags.digest()) + "\"", reader, false);
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
        return SwiftException.badRequest("X-Object-Manifest must be in the format container/prefix");
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
