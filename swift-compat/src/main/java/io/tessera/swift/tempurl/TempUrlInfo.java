package io.tessera.swift.tempurl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code tempurl} section of {@code /info}, with the fields Swift 2.30's proxy shows. */
public final class TempUrlInfo {
    private TempUrlInfo() {
    }

    public static Map<String, Object> section() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("methods", TempUrlFilter.METHODS);
        m.put("incoming_remove_headers", List.of("x-timestamp"));
        m.put("incoming_allow_headers", List.of());
        m.put("outgoing_remove_headers", List.of("x-object-meta-*"));
        m.put("outgoing_allow_headers", List.of("x-object-meta-public-*"));
        m.put("allowed_digests", Signature.ALLOWED_DIGESTS);
        m.put("deprecated_digests", Signature.DEPRECATED_DIGESTS);
        return m;
    }
}
