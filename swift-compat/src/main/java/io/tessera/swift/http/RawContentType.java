package io.tessera.swift.http;

import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * {@code Content-Type} exactly as clients send it and as objects return it. Swift stores any text
 * there, but JAX-RS parses it as a media type both ways and fails on anything else. So the HTTP layer
 * (the server's RawContentTypeFilter) keeps the client's value under {@link #PROPERTY}, and a reply
 * names its type in {@link #RESPONSE_HEADER}, which that filter writes out as the real Content-Type.
 */
public final class RawContentType {
    public static final String PROPERTY = "tessera.rawContentType";
    public static final String RESPONSE_HEADER = "X-Tessera-Raw-Content-Type";

    private RawContentType() {
    }

    /** The client's Content-Type, or null if it sent none. */
    public static String of(ContainerRequestContext request) {
        Object raw = request.getProperty(PROPERTY);
        return raw == null ? null : HeaderText.fromWire(raw.toString());
    }

    /** Gives a reply this Content-Type, whatever its text. */
    public static jakarta.ws.rs.core.Response.ResponseBuilder set(jakarta.ws.rs.core.Response.ResponseBuilder reply,
                                                                  String contentType) {
        return reply.header(RESPONSE_HEADER, null).header(RESPONSE_HEADER, HeaderText.toWire(contentType));
    }
}
