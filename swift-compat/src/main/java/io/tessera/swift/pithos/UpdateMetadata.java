package io.tessera.swift.pithos;

import io.tessera.swift.http.MetadataHeaders;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.objects.ObjectHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An object's metadata after a Pithos POST: with {@code ?update} the request's metadata is merged into
 * what is stored (an empty value, or {@code X-Remove-Object-Meta-*}, deletes that key); without it the
 * request's metadata replaces the user's, as Swift's POST does. Tessera's internal keys stay either way.
 */
public final class UpdateMetadata {
    private UpdateMetadata() {
    }

    public static Map<String, String> of(Map<String, String> current, MultivaluedMap<String, String> headers,
                                         SwiftConstraints limits, boolean update) {
        Map<String, String> requested = ObjectHeaders.fromRequest(headers, limits);
        Map<String, String> result;
        if (update) {
            result = new LinkedHashMap<>(current);
            MetadataHeaders.changes(headers, "object", limits).forEach((k, v) -> {
                if (v.isEmpty()) {
                    result.remove(k);
                }
            });
            result.putAll(requested);
            MetadataHeaders.checkTotal(Map.of(), userOnly(result), "object", limits);
        } else {
            result = requested;
        }
        ObjectHeaders.keepInternal(current, result);
        return result;
    }

    private static Map<String, String> userOnly(Map<String, String> metadata) {
        Map<String, String> user = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith("x-object-meta-")) {
                user.put(k, v);
            }
        });
        return user;
    }
}
