package io.tessera.swift.cors;

import io.tessera.swift.context.InfoSource;
import io.tessera.swift.errors.SwiftError;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code OPTIONS} on any Swift path, as Swift's proxy answers it (no authentication): the methods of
 * that level in {@code Allow}; for a CORS preflight ({@code Origin} given) on a container or object,
 * 401 unless the container allows the origin and {@code Access-Control-Request-Method} is one of those
 * methods, else the CORS grant: allowed origin, methods, the requested headers, and the container's
 * max age.
 */
public final class CorsPreflight {
    static final List<String> ACCOUNT_METHODS = List.of("GET", "HEAD", "OPTIONS", "POST");
    static final List<String> CONTAINER_METHODS = List.of("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT");
    static final List<String> OBJECT_METHODS = List.of("COPY", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT");

    private final InfoSource info;
    private final String account;
    private final String container;
    private final List<String> methods;

    /** @param container null for the account; {@code object} tells a container from an object path */
    public CorsPreflight(InfoSource info, String account, String container, boolean object) {
        this.info = info;
        this.account = account;
        this.container = container;
        this.methods = container == null ? ACCOUNT_METHODS : object ? OBJECT_METHODS : CONTAINER_METHODS;
    }

    @OPTIONS
    public Response options(@Context HttpHeaders headers) {
        String allow = String.join(", ", methods);
        String origin = headers.getHeaderString("Origin");
        if (origin == null || origin.isEmpty() || container == null) {
            return Response.ok().header("Allow", allow).header("Content-Length", 0).build();
        }
        CorsRules rules = CorsRules.of(info.container(account, container));
        String requested = headers.getHeaderString("Access-Control-Request-Method");
        if (!rules.allows(origin) || requested == null || !methods.contains(requested)) {
            return Response.status(SwiftError.UNAUTHORIZED.code()).header("Allow", allow).header("Content-Length", 0).build();
        }
        Response.ResponseBuilder r = Response.ok().header("Allow", allow).header("Content-Length", 0);
        List<String> vary = new java.util.ArrayList<>();
        if (rules.allowsAnyOrigin()) {
            r.header("Access-Control-Allow-Origin", "*");
        } else {
            r.header("Access-Control-Allow-Origin", origin);
            vary.add("Origin");
        }
        if (rules.maxAge() != null) {
            r.header("Access-Control-Max-Age", rules.maxAge());
        }
        r.header("Access-Control-Allow-Methods", allow);
        Set<String> requestedHeaders = new LinkedHashSet<>();
        String list = headers.getHeaderString("Access-Control-Request-Headers");
        if (list != null) {
            for (String h : list.split(",")) {
                if (!h.isBlank()) {
                    requestedHeaders.add(h.trim());
                }
            }
        }
        if (!requestedHeaders.isEmpty()) {
            r.header("Access-Control-Allow-Headers", String.join(", ", requestedHeaders));
            vary.add("Access-Control-Request-Headers");
        }
        if (!vary.isEmpty()) {
            r.header("Vary", String.join(", ", vary));
        }
        return r.build();
    }
}
