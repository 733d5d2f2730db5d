package io.tessera.swift.writes;

import io.tessera.swift.sharing.Sharing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The internal metadata keys that belong to the path, not to a version (Pithos sharing; public links
 * will be one more key): carried forward from the row being replaced on every write ({@link #carry},
 * the pipeline's first stage), gone with the row when it is deleted, and stripped from the source's
 * metadata by a copy or move ({@link #strip}), whose destination has only what its own headers set.
 * A write that sets one of them itself keeps its value; an empty value removes the key.
 */
public final class PathFeatures {
    /** The keys. */
    public static final List<String> KEYS = List.of(Sharing.KEY);

    private PathFeatures() {
    }

    /** {@code metadata} with the replaced row's path keys it does not set itself; empty values removed. */
    public static Map<String, String> carry(Map<String, String> replaced, Map<String, String> metadata) {
        Map<String, String> out = null;
        for (String k : KEYS) {
            String mine = metadata.get(k);
            String old = replaced.get(k);
            if (mine == null && old != null) {
                out = out == null ? new HashMap<>(metadata) : out;
                out.put(k, old);
            } else if (mine != null && mine.isEmpty()) {
                out = out == null ? new HashMap<>(metadata) : out;
                out.remove(k);
            }
        }
        return out == null ? metadata : out;
    }

    /** A copy or move's source metadata without the path's keys. */
    public static Map<String, String> strip(Map<String, String> source) {
        Map<String, String> out = null;
        for (String k : KEYS) {
            if (source.containsKey(k)) {
                out = out == null ? new HashMap<>(source) : out;
                out.remove(k);
            }
        }
        return out == null ? source : out;
    }

    /** Whether any path key is set (or explicitly removed) by the write itself. */
    static boolean setsAny(Map<String, String> metadata) {
        return KEYS.stream().anyMatch(metadata::containsKey);
    }
}
