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
        return build(e.status(), e.getMessage(), e);
    }

    static Response build(int status, String message, SwiftException withHeaders) {
        Response.ResponseBuilder r = Response.status(status);
        String contentType = ErrorBodies.CONTENT_TYPE;
        if (withHeaders != null) {
            for (var h : withHeaders.headers().entrySet()) {
                if (h.getKey().equalsIgnoreCase("Content-Type")) {
                    contentType = h.getValue(); // e.g. a delete marker's 404 names its type
                } else {
                    r.header(h.getKey(), h.getValue());
                }
            }
        }
        if (status == 304) {
            return r.build();
        }
        return RawContentType.set(r.entity(ErrorBodies.body(status, message)), contentType).build();
    }
}
