package io.tessera.swift.context;

import io.tessera.swift.http.SwiftConstraints;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/** Makes every request's {@link RequestContext}, before any other filter reads it. */
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
        RequestContext.arriving(request.getMethod(), request.getUriInfo().getRequestUri().getRawPath(),
                request.getHeaderString("X-Trans-Id-Extra"), info, limits).attachTo(request);
    }
}
