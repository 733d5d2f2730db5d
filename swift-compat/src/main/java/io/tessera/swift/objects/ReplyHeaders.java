package io.tessera.swift.objects;

import io.tessera.swift.http.RawContentType;
import jakarta.ws.rs.core.Response;

/**
 * Where an object reply's headers go: a JAX-RS reply (the full pipeline), or the plain-read path's
 * HTTP response ({@link PlainRead}). One header builder ({@link ObjectReads#headers}) writes both.
 * Values are in wire form already (one char per byte).
 */
public interface ReplyHeaders {
    void contentType(String wireValue);

    void header(String name, Object value);

    static ReplyHeaders of(Response.ResponseBuilder reply) {
        return new ReplyHeaders() {
            @Override
            public void contentType(String wireValue) {
                reply.header(RawContentType.RESPONSE_HEADER, null).header(RawContentType.RESPONSE_HEADER, wireValue);
            }

            @Override
            public void header(String name, Object value) {
                reply.header(name, value);
            }
        };
    }
}
