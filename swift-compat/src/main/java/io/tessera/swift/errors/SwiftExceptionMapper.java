package io.tessera.swift.errors;

import io.tessera.swift.http.RawContentType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Turns a {@link SwiftException} into Swift's reply. */
@Provider
public final class SwiftExceptionMapper implements ExceptionMapper<SwiftException> {
    @Override
    public Response toResponse(SwiftException e) {
        return build(e);
    }

    static Response build(SwiftException e) {
        Response.ResponseBuilder r = Response.status(e.error().code());
        String contentType = SwiftError.CONTENT_TYPE;
        for (var h : e.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("Content-Type")) {
                contentType = h.getValue(); // e.g. a delete marker's 404 names its type
            } else {
                r.header(h.getKey(), h.getValue());
            }
        }
        if (e.error() == SwiftError.NOT_MODIFIED) {
            return r.build();
        }
        return RawContentType.set(r.entity(e.body()), contentType).build();
    }
}
