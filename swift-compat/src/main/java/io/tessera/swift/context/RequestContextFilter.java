package io.tessera.swift.context;

import io.tessera.swift.http.SwiftConstraints;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;

/**
 * Makes every request's {@link RequestContext}, before any other filter reads it, or takes up the one
 * the plain-read path made for this request before it found that a middleware applies (same
 * transaction id, rows already read).
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class RequestContextFilter implements ContainerRequestFilter {
    private final InfoCache info;
    private final SwiftConstraints limits;

    public RequestContextFilter(InfoCache info, SwiftConstraints limits) {
        this.info = info;
        this.limits = limits;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String raw = request.getUriInfo().getRequestUri().getRawPath();
        Optional<RequestContext> made = RequestContext.ifAny(request)
                .filter(c -> c.method().equals(request.getMethod()) && java.util.Objects.equals(c.rawPath(), raw));
        made.orElseGet(() -> RequestContext.arriving(request.getMethod(), raw, request.getHeaderString("X-Trans-Id-Extra"),
                info, limits)).attachTo(request);
    }
}
