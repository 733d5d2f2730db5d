package io.tessera.swift.bulk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limits of bulk operations, with the defaults of Swift 2.30.1's {@code bulk} middleware, and the
 * {@code bulk_delete} and {@code bulk_upload} sections of {@code /info} that advertise them.
 */
public record BulkLimits(int maxDeletesPerRequest, int maxFailedDeletes, int maxContainersPerExtraction,
                         int maxFailedExtractions, int yieldFrequencySeconds) {
    public static final BulkLimits DEFAULTS = new BulkLimits(10_000, 1000, 10_000, 1000, 10);

    public Map<String, Object> deleteInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_deletes_per_request", maxDeletesPerRequest);
        m.put("max_failed_deletes", maxFailedDeletes);
        return m;
    }

    public Map<String, Object> uploadInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_containers_per_extraction", maxContainersPerExtraction);
        m.put("max_failed_extractions", maxFailedExtractions);
        return m;
    }
}
