package io.tessera.swift.formpost;

/**
 * A form that cannot be processed: invalid (400, message kept as is) or unauthorized (401, message
 * title-cased as Swift's formpost shows it).
 */
final class FormPostException extends RuntimeException {
    final int status;

    private FormPostException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static FormPostException invalid(String message) {
        return new FormPostException(400, message);
    }

    static FormPostException unauthorized(String message) {
        return new FormPostException(401, message);
    }

    /** The body Swift sends: {@code FormPost: <message>}. */
    String body() {
        return "FormPost: " + (status == 401 ? FormPostResource.title(getMessage()) : getMessage());
    }
}
