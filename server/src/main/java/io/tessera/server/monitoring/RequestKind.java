package io.tessera.server.monitoring;

/**
 * What a request is for, as a pair of labels from fixed sets (so a request can never create a new
 * metric series): the operation, from the raw path's shape, and the method.
 */
final class RequestKind {
    static final String[] OPERATIONS = {"account", "container", "object", "auth", "info", "volumes", "admin", "ui", "other"};
    static final String[] METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE", "COPY", "OPTIONS", "other"};
    static final int ACCOUNT = 0, CONTAINER = 1, OBJECT = 2, AUTH = 3, INFO = 4, VOLUMES = 5, ADMIN = 6, UI = 7, OTHER = 8;

    private RequestKind() {
    }

    /**
     * The operation a raw path names: {@code /v1/a} account, {@code /v1/a/c} container (a trailing slash
     * too, as in Swift), {@code /v1/a/c/o...} object; {@code /auth...}, {@code /info}, {@code /volumes...};
     * {@code /metrics} and {@code /healthcheck} are admin; the web page's {@code /ui/...}, {@code /ui} and
     * {@code /} (which redirects there) are ui, so its files never count as Swift requests.
     */
    static int operation(String path) {
        if (path == null) {
            return OTHER;
        }
        if (path.startsWith("/v1/")) {
            int accountEnd = path.indexOf('/', 4);
            if (accountEnd < 0 || accountEnd == path.length() - 1) {
                return path.length() > 4 ? ACCOUNT : OTHER;
            }
            int containerEnd = path.indexOf('/', accountEnd + 1);
            return containerEnd < 0 || containerEnd == path.length() - 1 ? CONTAINER : OBJECT;
        }
        if (path.startsWith("/auth")) {
            return AUTH;
        }
        if (path.equals("/info")) {
            return INFO;
        }
        if (path.startsWith("/volumes")) {
            return VOLUMES;
        }
        if (path.equals(AdminEndpoints.METRICS) || path.equals(AdminEndpoints.HEALTHCHECK)) {
            return ADMIN;
        }
        if (path.equals("/") || path.equals("/ui") || path.startsWith("/ui/")) {
            return UI;
        }
        return OTHER;
    }

    static int method(String method) {
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "PUT" -> 2;
            case "POST" -> 3;
            case "DELETE" -> 4;
            case "COPY" -> 5;
            case "OPTIONS" -> 6;
            default -> 7;
        };
    }
}
