package io.tessera.swift.bulk;

import jakarta.ws.rs.core.Response;

/** {@code 404 Not Found}: a status as Swift's bulk bodies name it. */
public final class StatusLines {
    private StatusLines() {
    }

    public static String of(int status) {
        String reason = switch (status) {
            case 413 -> "Request Entity Too Large";
            case 422 -> "Unprocessable Entity";
            case 499 -> "Client Disconnect";
            case 500 -> "Internal Error";
            default -> {
                Response.Status s = Response.Status.fromStatusCode(status);
                yield s != null ? s.getReasonPhrase() : "Unknown";
            }
        };
        return status + " " + reason;
    }
}
