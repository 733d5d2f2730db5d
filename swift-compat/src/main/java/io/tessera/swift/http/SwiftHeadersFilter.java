package io.tessera.swift.http;

import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
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
 * timestamp where a resource set one, else the time of the request). Refuses a header line longer
 * than {@code max_header_size}, as Swift does.
 */
@Provider
@PreMatching
public final class SwiftHeadersFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String REQUEST_TIME = "tessera.requestTime";
    private final int maxHeaderSize;

    public SwiftHeadersFilter(SwiftConstraints limits) {
        this.maxHeaderSize = limits.maxHeaderSize();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(TransactionIds.PROPERTY, TransactionIds.generate(request.getHeaderString("X-Trans-Id-Extra")));
        request.setProperty(REQUEST_TIME, Timestamp.now());
        for (var header : request.getHeaders().entrySet()) {
            for (String value : header.getValue()) {
                // name + ": " + value, in wire bytes (Jetty gives one char per byte)
                if (header.getKey().length() + 2 + value.length() > maxHeaderSize) {
                    throw SwiftError.BAD_REQUEST.exception("Header value too long: " + header.getKey());
                }
            }
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        String transId = TransactionIds.of(request);
        headers.putSingle("X-Trans-Id", transId);
        headers.putSingle("X-Openstack-Request-Id", transId);
        if (!headers.containsKey(RawContentType.RESPONSE_HEADER) && !response.hasEntity()) {
            headers.remove("Content-Type");
            headers.putSingle(RawContentType.RESPONSE_HEADER, "text/html; charset=UTF-8");
        }
        if (!headers.containsKey("X-Timestamp")) {
            Object t = request.getProperty(REQUEST_TIME);
            headers.putSingle("X-Timestamp", (t instanceof Timestamp ts ? ts : Timestamp.now()).toSwift());
        }
    }
}
