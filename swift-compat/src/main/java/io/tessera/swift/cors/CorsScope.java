package io.tessera.swift.cors;

import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * The container whose CORS rules apply to a request, recorded once the request has been authorized
 * (Swift adds CORS headers to what its controllers answer, never to an auth refusal).
 */
public record CorsScope(String account, String container) {
    static final String PROPERTY = "tessera.corsScope";

    public static void set(ContainerRequestContext request, String account, String container) {
        request.setProperty(PROPERTY, new CorsScope(account, container));
    }
}
