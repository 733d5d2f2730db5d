package io.tessera.swift.formpost;

import io.tessera.swift.errors.SwiftError;

/**
 * A form that cannot be processed: invalid (400, message kept as is) or unauthorized (401, message
 * title-cased as Swift's formpost shows it).
 */
final class FormPostException extends RuntimeException {
    final SwiftError error;

    private FormPostException(SwiftError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    static FormPostException invalid(String message) {
        return new FormPostException(SwiftError.BAD_REQUEST, message);
    }

    static FormPostException unauthorized(String message) {
        return new FormPostException(SwiftError.UNAUTHORIZED, message);
    }

    /** The body Swift sends: {@code FormPost: <message>}. */
    String body() {
        return "FormPost: " + (error == SwiftError.UNAUTHORIZED ? FormPostResource.title(getMessage()) : getMessage());
    }
}
