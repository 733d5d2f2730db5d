package io.tessera.swift.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Swift error on its way to the client: a {@link SwiftError}, the text to send instead of its stock
 * page (if any), and any headers the reply needs (e.g. {@code Content-Range} on a 416). Made with
 * {@link SwiftError#exception(String)}, thrown anywhere below a resource and turned into a reply in
 * one place, {@link SwiftExceptionMapper}.
 */
public final class SwiftException extends RuntimeException {
    private final SwiftError error;
    private final Map<String, String> headers = new LinkedHashMap<>();

    SwiftException(SwiftError error, String message) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.error = error;
    }

    public SwiftError error() {
        return error;
    }

    /** The reply's body: the message it was thrown with, or its error's stock page. */
    public String body() {
        return error.body(getMessage());
    }

    public Map<String, String> headers() {
        return headers;
    }

    public SwiftException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
