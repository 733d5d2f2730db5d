package io.tessera.swift.http;

import io.tessera.store.Timestamp;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Optional;
import java.util.function.BiConsumer;
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
    private final int maxHeaderSize;

    public SwiftHeadersFilter(SwiftConstraints limits) {
        this.maxHeaderSize = limits.maxHeaderSize();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        for (var header : request.getHeaders().entrySet()) {
            for (String value : header.getValue()) {
                // name + ": " + value, in wire bytes (Jetty gives one char per byte)
                if (header.getKey().length() + 2 + value.length() > maxHeaderSize) {
                    throw SwiftError.BAD_REQUEST.exception("Header value too long: " + header.getKey());
                }
            }
        }
    }

    /** The headers that name a request's transaction on its reply. */
    public static void transactionHeaders(BiConsumer<String, Object> reply, String transId) {
        reply.accept("X-Trans-Id", transId);
        reply.accept("X-Openstack-Request-Id", transId);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        Optional<RequestContext> context = RequestContext.ifAny(request);
        String transId = context.map(RequestContext::transactionId).orElseGet(() -> TransactionIds.generate(null));
        transactionHeaders(headers::putSingle, transId);
        if (!headers.containsKey(RawContentType.RESPONSE_HEADER) && !response.hasEntity()) {
            headers.remove("Content-Type");
            headers.putSingle(RawContentType.RESPONSE_HEADER, "text/html; charset=UTF-8");
        }
        if (!headers.containsKey("X-Timestamp")) {
            headers.putSingle("X-Timestamp", context.map(RequestContext::time).orElseGet(Timestamp::now).toSwift());
        }
    }
}
