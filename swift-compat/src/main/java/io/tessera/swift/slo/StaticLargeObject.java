package io.tessera.swift.slo;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.http.MetadataReplies;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a Static Large Object is stored: an ordinary object whose content is the manifest (JSON, at most
 * {@link SloLimits#maxManifestSize} bytes) and whose metadata carries the marker
 * {@code x-static-large-object: True} (sent back as the {@code X-Static-Large-Object} header) plus the
 * large object's ETag and size, kept under internal keys so HEAD, conditional requests and listings
 * never read the manifest.
 *
 * <p>Why a JSON object and not a dedicated map kind: it is what Swift stores, so
 * {@code ?multipart-manifest=get} returns it as it is and the container listing's {@code hash} is its
 * MD5; copying the manifest is copying one small map; both backends store it with no change to the
 * store SPI; and segments stay independent objects referenced by name, as in Swift (deleting a
 * segment breaks the large object, and the collector needs no new kind of reference). Reads are still
 * zero-copy: GET streams each segment's own blocks.
 */
public final class StaticLargeObject {
    /** The marker, a stored header ({@code X-Static-Large-Object: True}). */
    public static final String MARKER = "x-static-large-object";
    /** The large object's ETag (MD5 of its segments' ETags, unquoted): Swift's X-Object-Sysmeta-Slo-Etag. */
    static final String ETAG = MetadataReplies.INTERNAL_PREFIX + "slo-etag";
    /** The large object's length in bytes: Swift's X-Object-Sysmeta-Slo-Size. */
    static final String SIZE = MetadataReplies.INTERNAL_PREFIX + "slo-size";

    private StaticLargeObject() {
    }

    public static boolean isSlo(ObjectVersion v) {
        return isSlo(v.metadata());
    }

    static boolean isSlo(Map<String, String> metadata) {
        return "true".equalsIgnoreCase(metadata.getOrDefault(MARKER, ""));
    }

    /** The large object's ETag, unquoted. */
    static String etag(ObjectVersion v) {
        return v.metadata().get(ETAG);
    }

    static long size(ObjectVersion v) {
        return Long.parseLong(v.metadata().get(SIZE));
    }

    /** What a container listing shows as {@code bytes}: the large object's size, not the manifest's. */
    public static long listedBytes(ObjectVersion v) {
        return isSlo(v) ? size(v) : v.length();
    }

    /** The listing's {@code slo_etag} (quoted, as Swift shows it), for a manifest. */
    public static Optional<String> listedSloEtag(ObjectVersion v) {
        return isSlo(v) ? Optional.of("\"" + etag(v) + "\"") : Optional.empty();
    }

    /** The metadata a manifest keeps through a POST, which otherwise replaces all of it. */
    public static Map<String, String> keptOnPost(Map<String, String> old) {
        Map<String, String> kept = new LinkedHashMap<>();
        if (isSlo(old)) {
            kept.put(MARKER, old.get(MARKER));
            kept.put(ETAG, old.get(ETAG));
            kept.put(SIZE, old.get(SIZE));
        }
        return kept;
    }

    /** The metadata of a copy of the large object's bytes, which is not a manifest. */
    public static void forget(Map<String, String> metadata) {
        metadata.remove(MARKER);
        metadata.remove(ETAG);
        metadata.remove(SIZE);
    }

    static Map<String, String> markers(String sloEtag, long size) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MARKER, "True");
        m.put(ETAG, sloEtag);
        m.put(SIZE, Long.toString(size));
        return m;
    }
}
