package io.tessera.swift.versioning;

import io.tessera.swift.objects.ObjectHeaders;
import jakarta.ws.rs.core.MultivaluedMap;

/** Swift's object_versioning API ({@code X-Versions-Enabled}); see the package for the rest. */
public final class ObjectVersioning {
    static final String ENABLED_HEADER = "x-versions-enabled";

    private ObjectVersioning() {
    }

    /** Whether a container request asks to enable object versioning. */
    static boolean isEnabled(MultivaluedMap<String, String> headers) {
        return ObjectHeaders.isTrue(headers.getFirst(ENABLED_HEADER));
    }
}
