package io.tessera.swift.slo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limits of Static Large Objects, with the defaults of Swift 2.30.1's {@code slo} middleware, and
 * the {@code slo} section of {@code /info} that advertises them.
 *
 * @param maxManifestSegments   object-backed segments a manifest may name (inline data does not count)
 * @param maxManifestSize       bytes of manifest JSON a PUT may send
 * @param yieldFrequencySeconds with {@code ?heartbeat=on}, how often whitespace goes out while segments are checked
 * @param maxRecursionDepth     how deep manifests may nest when read (Swift's max_slo_recursion_depth)
 */
public record SloLimits(int maxManifestSegments, int maxManifestSize, int yieldFrequencySeconds, int maxRecursionDepth) {
    public static final SloLimits DEFAULTS = new SloLimits(1000, 8 * 1024 * 1024, 10, 10);

    /** The {@code slo} section of {@code /info}, with Swift's field names. */
    public Map<String, Object> asInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_manifest_segments", maxManifestSegments);
        m.put("max_manifest_size", maxManifestSize);
        m.put("yield_frequency", yieldFrequencySeconds);
        m.put("min_segment_size", 1); // Swift reports 1 since the minimum stopped being configurable
        m.put("allow_async_delete", false);
        return m;
    }
}
