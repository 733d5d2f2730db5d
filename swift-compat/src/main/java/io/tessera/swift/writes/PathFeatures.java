package io.tessera.swift.writes;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.publiclinks.PublicLinks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The internal metadata keys that belong to an object's <em>path</em>, not to one version of its content
 * (Pithos keeps them in tables keyed by path; Tessera keeps them in the object's row): a public link's
 * token, the sharing record ({@code sharing.Sharing#KEY}). They are carried forward from the row being replaced on every write the pipeline publishes (an
 * overwrite keeps the link), never taken from what the write brings (a copy's or a restored version's
 * source row), and go when the row is deleted. A request changes them only by a write of its own
 * ({@link Publisher#publishPathState}: a POST's or PUT's {@code X-Object-Public} or {@code X-Object-Sharing}).
 */
public final class PathFeatures {
    /** The keys; a feature that belongs to the path adds its key here. */
    public static final List<String> KEYS = List.of(PublicLinks.KEY, io.tessera.swift.sharing.Sharing.KEY);

    private PathFeatures() {
    }

    /**
     * The timestamp of a row that only changes the path state of {@code current} (a PUT's, COPY's or
     * POST's {@code X-Object-Public} or {@code X-Object-Sharing}, applied after the row it wrote): two
     * microseconds after it, not now. So a write by someone else that landed in between (later than
     * {@code current}) keeps its place: last writer wins by timestamp, and the follow-up, older than it,
     * is ignored by the store instead of putting {@code current}'s content back over it. Two, not one:
     * the background MD5 of {@code current} replaces its ETag with a write stamped one microsecond after
     * it (Cassandra), and the follow-up must win over that write, never tie with it.
     */
    public static io.tessera.store.Timestamp followUp(ObjectVersion current) {
        return new io.tessera.store.Timestamp(current.timestamp().micros() + 2);
    }

    /** Whether {@code metadata} holds any path key. */
    public static boolean any(Map<String, String> metadata) {
        for (String k : KEYS) {
            if (metadata.containsKey(k)) {
                return true;
            }
        }
        return false;
    }

    /** {@code metadata} without the path keys (a copy's or move's source, a version being restored). */
    public static Map<String, String> stripped(Map<String, String> metadata) {
        if (!any(metadata)) {
            return metadata;
        }
        Map<String, String> out = new LinkedHashMap<>(metadata);
        KEYS.forEach(out::remove);
        return out;
    }

    /**
     * The row to publish at {@code written}'s path: its metadata without path keys of its own, with those of
     * the row it replaces ({@code replaced}, the path's current row, if any).
     */
    public static ObjectVersion carried(ObjectVersion written, Optional<ObjectVersion> replaced) {
        Map<String, String> from = replaced.map(ObjectVersion::metadata).orElse(Map.of());
        if (!any(written.metadata()) && !any(from)) {
            return written; // the usual case: nothing to carry, nothing to strip
        }
        Map<String, String> metadata = new LinkedHashMap<>(stripped(written.metadata()));
        for (String k : KEYS) {
            String value = from.get(k);
            if (value != null) {
                metadata.put(k, value);
            }
        }
        return new ObjectVersion(written.account(), written.container(), written.name(), written.timestamp(),
                written.map(), written.etag(), written.contentType(), metadata);
    }
}
