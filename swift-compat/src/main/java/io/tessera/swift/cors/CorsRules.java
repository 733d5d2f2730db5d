package io.tessera.swift.cors;

import io.tessera.store.ContainerInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A container's CORS settings, from its metadata as Swift keeps them:
 * {@code X-Container-Meta-Access-Control-Allow-Origin} (space-separated origins, or {@code *}),
 * {@code -Max-Age} and {@code -Expose-Headers}. Tessera runs in Swift's strict CORS mode: an origin not
 * listed gets no CORS headers.
 */
public record CorsRules(String allowOrigin, String maxAge, String exposeHeaders) {
    static final CorsRules NONE = new CorsRules(null, null, null);
    private static final String PREFIX = "x-container-meta-access-control-";

    public static CorsRules of(Optional<ContainerInfo> container) {
        if (container.isEmpty()) {
            return NONE;
        }
        Map<String, String> m = container.get().metadata();
        return new CorsRules(m.get(PREFIX + "allow-origin"), m.get(PREFIX + "max-age"), m.get(PREFIX + "expose-headers"));
    }

    public boolean allows(String origin) {
        if (allowOrigin == null) {
            return false;
        }
        return Arrays.stream(allowOrigin.split(" ")).map(String::trim).anyMatch(o -> o.equals(origin) || o.equals("*"));
    }

    /** Whether every origin is allowed: replies then say {@code *} rather than echo the origin. */
    public boolean allowsAnyOrigin() {
        return allowOrigin != null && allowOrigin.trim().equals("*");
    }
}
