package io.tessera.swift.errors;

import jakarta.ws.rs.core.Response;

/**
 * Swift's error bodies: {@code <html><h1>Title</h1><p>Explanation</p></html>} for the stock
 * statuses (swob's RESPONSE_REASONS), or the plain message a specific check produced.
 */
public final class ErrorBodies {
    private ErrorBodies() {
    }

    public static String body(int status, String message) {
        if (message != null && !message.isEmpty()) {
            return message;
        }
        return "<html><h1>" + title(status) + "</h1><p>" + explanation(status) + "</p></html>";
    }

    /** Swift (swob) labels every error body, message or page, this way. */
    public static final String CONTENT_TYPE = "text/html; charset=UTF-8";

    static String title(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 411 -> "Length Required";
            case 416 -> "Requested Range Not Satisfiable";
            case 422 -> "Unprocessable Entity";
            case 498 -> "Rate Limited";
            case 499 -> "Client Disconnect";
            default -> {
                Response.Status s = Response.Status.fromStatusCode(status);
                yield s != null ? s.getReasonPhrase() : "Error";
            }
        };
    }

    static String explanation(int status) {
        return switch (status) {
            case 400 -> "The server could not comply with the request since it is either malformed or otherwise incorrect.";
            case 401 -> "This server could not verify that you are authorized to access the document you requested.";
            case 403 -> "Access was denied to this resource.";
            case 404 -> "The resource could not be found.";
            case 405 -> "The method is not allowed for this resource.";
            case 408 -> "The server has waited too long for the request to be sent by the client.";
            case 409 -> "There was a conflict when trying to complete your request.";
            case 411 -> "Content-Length header required.";
            case 412 -> "A precondition for this request was not met.";
            case 413 -> "The body of your request was too large for this server.";
            case 416 -> "The Range requested is not available.";
            case 422 -> "Unable to process the contained instructions";
            case 499 -> "The client disconnected during request.";
            case 503 -> "The server is currently unavailable. Please try again at a later time.";
            default -> "The server has either erred or is incapable of performing the requested operation.";
        };
    }
}
