package io.tessera.swift.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limits we enforce, with Swift's defaults (swift/common/constraints.py), advertised in
 * {@code GET /info} exactly as enforced.
 */
public record SwiftConstraints(long maxFileSize, int maxMetaNameLength, int maxMetaValueLength, int maxMetaCount,
                               int maxMetaOverallSize, int maxHeaderSize, int maxObjectNameLength,
                               int maxContainerNameLength, int maxAccountNameLength,
                               int containerListingLimit, int accountListingLimit) {

    public static final SwiftConstraints DEFAULTS = new SwiftConstraints(
            5_368_709_122L, 128, 256, 90, 4096, 8192, 1024, 256, 256, 10_000, 10_000);

    /** The {@code swift} section of {@code /info}. */
    public Map<String, Object> asInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", "tessera-0.1");
        m.put("max_file_size", maxFileSize);
        m.put("max_meta_name_length", maxMetaNameLength);
        m.put("max_meta_value_length", maxMetaValueLength);
        m.put("max_meta_count", maxMetaCount);
        m.put("max_meta_overall_size", maxMetaOverallSize);
        m.put("max_header_size", maxHeaderSize);
        m.put("max_object_name_length", maxObjectNameLength);
        m.put("max_container_name_length", maxContainerNameLength);
        m.put("max_account_name_length", maxAccountNameLength);
        m.put("container_listing_limit", containerListingLimit);
        m.put("account_listing_limit", accountListingLimit);
        m.put("extra_header_count", 0);
        m.put("valid_api_versions", java.util.List.of("v1", "v1.0"));
        m.put("allow_account_management", false);
        m.put("account_autocreate", true);
        m.put("strict_cors_mode", true);
        m.put("policies", java.util.List.of(Map.of("name", "default", "default", true)));
        return m;
    }
}
