package io.tessera.swift.cors;

import io.tessera.swift.context.RequestContext;
import io.tessera.swift.http.SwiftPath;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * CORS on actual requests (Swift's cors_validation): a request with an {@code Origin} the container
 * allows gets {@code Access-Control-Allow-Origin} ({@code *}, or the origin with {@code Vary: Origin})
 * and {@code Access-Control-Expose-Headers}: the simple response headers, Swift's own (ETag,
 * X-Timestamp, X-Trans-Id, X-Openstack-Request-Id), the reply's user metadata headers, and those the
 * container lists in {@code X-Container-Meta-Access-Control-Expose-Headers}.
 */
@Provider
public final class CorsReplyFilter implements ContainerResponseFilter {
    private static final Set<String> ALWAYS_EXPOSED = Set.of("cache-control", "content-language", "content-type",
            "expires", "last-modified", "pragma", "etag", "x-timestamp", "x-trans-id", "x-openstack-request-id");

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String origin = request.getHeaderString("Origin");
        if (origin == null || origin.isEmpty()) {
            return;
        }
        RequestContext context = RequestContext.ifAny(request).orElse(null);
        if (context == null || !context.isCorsApplied()) {
            return;
        }
        SwiftPath path = context.path();
        CorsRules rules = CorsRules.of(context.container(path.account(), path.container()));
        if (!rules.allows(origin)) {
            return;
        }
        var headers = response.getHeaders();
        if (!headers.containsKey("Access-Control-Expose-Headers")) {
            Set<String> expose = new LinkedHashSet<>(ALWAYS_EXPOSED);
            for (String name : headers.keySet()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith("x-container-meta") || lower.startsWith("x-object-meta")) {
                    expose.add(lower);
                }
            }
            if (rules.exposeHeaders() != null) {
                for (String h : rules.exposeHeaders().split(" ")) {
                    if (!h.isBlank()) {
                        expose.add(h.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
            headers.putSingle("Access-Control-Expose-Headers", String.join(", ", expose));
        }
        if (!headers.containsKey("Access-Control-Allow-Origin")) {
            if (rules.allowsAnyOrigin()) {
                headers.putSingle("Access-Control-Allow-Origin", "*");
            } else {
                headers.putSingle("Access-Control-Allow-Origin", origin);
                Object vary = headers.getFirst("Vary");
                headers.putSingle("Vary", vary == null ? "Origin" : vary + ", Origin");
            }
        }
    }
}
