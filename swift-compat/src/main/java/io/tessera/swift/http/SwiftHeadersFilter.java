package io.tessera.swift.http;

import io.tessera.store.Timestamp;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives every request a transaction id and every reply the headers Swift always sends:
 * {@code X-Trans-Id}, {@code X-Openstack-Request-Id} and {@code X-Timestamp} (the resource's own
 * timestamp where a resource set one, else the time of the request).
 */
@Provider
@PreMatching
public final class SwiftHeadersFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String REQUEST_TIME = "tessera.requestTime";

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(TransactionIds.PROPERTY, TransactionIds.generate(request.getHeaderString("X-Trans-Id-Extra")));
        request.setProperty(REQUEST_TIME, Timestamp.now());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        String transId = TransactionIds.of(request);
        headers.putSingle("X-Trans-Id", transId);
        headers.putSingle("X-Openstack-Request-Id", transId);
        if (!headers.containsKey("X-Timestamp")) {
            Object t = request.getProperty(REQUEST_TIME);
            headers.putSingle("X-Timestamp", (t instanceof Timestamp ts ? ts : Timestamp.now()).toSwift());
        }
    }
}
