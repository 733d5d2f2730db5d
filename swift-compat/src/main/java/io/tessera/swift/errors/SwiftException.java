package io.tessera.swift.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error vocabulary of the Swift API: an HTTP status, the text Swift would send, and any
 * headers the reply needs (e.g. {@code Content-Range} on a 416). Thrown anywhere below a resource and
 * turned into a reply in one place, {@link SwiftExceptionMapper}.
 */
public final class SwiftException extends RuntimeException {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private SwiftException(int status, String message) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.status = status;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public SwiftException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public static SwiftException of(int status, String message) {
        return new SwiftException(status, message);
    }

    public static SwiftException badRequest(String message) {
        return new SwiftException(400, message);
    }

    public static SwiftException unauthorized() {
        return new SwiftException(401, null);
    }

    public static SwiftException forbidden() {
        return new SwiftException(403, null);
    }

    public static SwiftException notFound() {
        return new SwiftException(404, null);
    }

    public static SwiftException methodNotAllowed() {
        return new SwiftException(405, null);
    }

    public static SwiftException conflict(String message) {
        return new SwiftException(409, message);
    }

    public static SwiftException lengthRequired() {
        return new SwiftException(411, null);
    }

    public static SwiftException preconditionFailed(String message) {
        return new SwiftException(412, message);
    }

    public static SwiftException tooLarge(String message) {
        return new SwiftException(413, message);
    }

    public static SwiftException rangeNotSatisfiable(long length) {
        return new SwiftException(416, null).withHeader("Content-Range", "bytes */" + length);
    }

    public static SwiftException unprocessable(String message) {
        return new SwiftException(422, message);
    }
}
