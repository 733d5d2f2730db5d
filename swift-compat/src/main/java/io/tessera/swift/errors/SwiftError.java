package io.tessera.swift.errors;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Swift's error vocabulary, in one home: each status the Swift API answers with other than a success,
 * its reason as swob's RESPONSE_REASONS names it, and the explanation on swob's stock page.
 * Exceptions, Jetty's own errors, form posts and bulk reports take their code, status line and page
 * from here: there is no second table of titles to drift from this one.
 *
 * <p>Where our replies have always differed from swob's, ours are kept and the constant says what
 * swob has: the 500 page's heading, the explanations of 406, 414, 415, 417, 499, 501 and 502.
 * Statuses swob does not name are here because we answer them: 429 (an auth flood), 431 and 505
 * (Jetty's), 498 (Swift's ratelimit middleware).
 */
public enum SwiftError {
    /** Not an error, but a page of swob's: static web's redirect of a directory to its trailing slash. */
    MOVED_PERMANENTLY(301, "Moved Permanently", "The resource has moved permanently."),
    NOT_MODIFIED(304, "Not Modified", ""),
    TEMPORARY_REDIRECT(307, "Temporary Redirect", "The resource has moved temporarily."),
    BAD_REQUEST(400, "Bad Request",
            "The server could not comply with the request since it is either malformed or otherwise incorrect."),
    UNAUTHORIZED(401, "Unauthorized",
            "This server could not verify that you are authorized to access the document you requested."),
    FORBIDDEN(403, "Forbidden", "Access was denied to this resource."),
    NOT_FOUND(404, "Not Found", "The resource could not be found."),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed", "The method is not allowed for this resource."),
    /** swob: "The resource is not available in a format acceptable to your browser." */
    NOT_ACCEPTABLE(406, "Not Acceptable", Texts.ERRED),
    REQUEST_TIMEOUT(408, "Request Timeout", "The server has waited too long for the request to be sent by the client."),
    CONFLICT(409, "Conflict", "There was a conflict when trying to complete your request."),
    LENGTH_REQUIRED(411, "Length Required", "Content-Length header required."),
    PRECONDITION_FAILED(412, "Precondition Failed", "A precondition for this request was not met."),
    REQUEST_ENTITY_TOO_LARGE(413, "Request Entity Too Large", "The body of your request was too large for this server."),
    /**
     * Jetty's, for a request line too long, named with Jersey's reason; swob: "Request URI Too Long",
     * "The request URI was too long for this server."
     */
    REQUEST_URI_TOO_LONG(414, "Request-URI Too Long", Texts.ERRED),
    /** swob: "The request media type is not supported by this server." */
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported Media Type", Texts.ERRED),
    REQUESTED_RANGE_NOT_SATISFIABLE(416, "Requested Range Not Satisfiable", "The Range requested is not available."),
    /** swob: "Expectation failed." */
    EXPECTATION_FAILED(417, "Expectation Failed", Texts.ERRED),
    UNPROCESSABLE_ENTITY(422, "Unprocessable Entity", "Unable to process the contained instructions"),
    /** Not in swob: answers an auth flood (always with a message of its own). */
    TOO_MANY_REQUESTS(429, "Too Many Requests", Texts.ERRED),
    /** Not in swob: Jetty's, for a request head too large. */
    REQUEST_HEADER_FIELDS_TOO_LARGE(431, "Request Header Fields Too Large", Texts.ERRED),
    /** Not in swob: Swift's ratelimit middleware answers it with a body of its own. */
    RATE_LIMITED(498, "Rate Limited", Texts.ERRED),
    /** swob: "The client was disconnected during request." */
    CLIENT_DISCONNECT(499, "Client Disconnect", "The client disconnected during request."),
    INTERNAL_ERROR(500, "Internal Error", Texts.ERRED) {
        /** Our 500 page has always been headed with Jersey's reason phrase, swob's with "Internal Error". */
        @Override
        public String heading() {
            return "Internal Server Error";
        }
    },
    /** swob: "The requested method is not implemented by this server." */
    NOT_IMPLEMENTED(501, "Not Implemented", Texts.ERRED),
    /** swob: "Bad gateway." */
    BAD_GATEWAY(502, "Bad Gateway", Texts.ERRED),
    SERVICE_UNAVAILABLE(503, "Service Unavailable",
            "The server is currently unavailable. Please try again at a later time."),
    /** Not in swob: Jetty's, for a request line of another HTTP version. */
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported", Texts.ERRED);

    /** Swift (swob) labels every error body, message or page, this way. */
    public static final String CONTENT_TYPE = "text/html; charset=UTF-8";

    private static final Map<Integer, SwiftError> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(SwiftError::code, Function.identity()));

    private final int code;
    private final String title;
    private final String explanation;

    SwiftError(int code, String title, String explanation) {
        this.code = code;
        this.title = title;
        this.explanation = explanation;
    }

    /**
     * The error for a status that comes from outside the Swift layers (Jetty's, Jersey's). A status
     * Swift never answers with is taken as the nearest one: 500 for a server's, else 400.
     */
    public static SwiftError of(int code) {
        SwiftError e = BY_CODE.get(code);
        if (e != null) {
            return e;
        }
        return code >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
    }

    public int code() {
        return code;
    }

    /** The reason, as swob names it: {@code Request Entity Too Large}. */
    public String title() {
        return title;
    }

    /** What the stock page says of it (swob's, but where the constant says otherwise); empty if the reply has no body. */
    public String explanation() {
        return explanation;
    }

    /** The stock page's {@code <h1>}: the title, but for the 500 page, which has always said otherwise. */
    public String heading() {
        return title;
    }

    /** The status as Swift's bulk bodies and heartbeat replies report it: {@code 413 Request Entity Too Large}. */
    public String statusLine() {
        return code + " " + title;
    }

    /**
     * The stock page, {@code <html><h1>Heading</h1><p>Explanation</p></html>}; empty, as swob's, for a
     * status without an explanation.
     */
    public String page() {
        return explanation.isEmpty() ? "" : "<html><h1>" + heading() + "</h1><p>" + explanation + "</p></html>";
    }

    /** The body of a reply with this status: {@code message} when there is one, else the stock page. */
    public String body(String message) {
        return message != null && !message.isEmpty() ? message : page();
    }

    /** A 3xx (301, 304, 307): an answer of another kind than an error, given the same way. */
    public boolean isRedirection() {
        return code < 400;
    }

    /** A 5xx: the server failed, not the request. */
    public boolean isServerError() {
        return code >= 500;
    }

    /** This error, to throw: its body will be {@code message} (or the stock page if that is null or empty). */
    public SwiftException exception(String message) {
        return new SwiftException(this, message);
    }

    /** This error, to throw, answered with the stock page. */
    public SwiftException exception() {
        return new SwiftException(this, null);
    }

    /** A text several constants share (they cannot refer to a static field of their own enum). */
    private static final class Texts {
        /** swob's explanation of a 500, which our pages have always given where swob has another or none. */
        static final String ERRED = "The server has either erred or is incapable of performing the requested operation.";
    }
}
