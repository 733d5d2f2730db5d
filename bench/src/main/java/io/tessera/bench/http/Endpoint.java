package io.tessera.bench.http;

/**
 * Where requests go: host and port, the path every request path is appended to (a Swift storage
 * URL's path, or "" for a static web server) and the auth token (null for a static web server).
 */
public record Endpoint(String host, int port, String basePath, String token, int timeoutMillis) {

    /** True for a Swift-style endpoint (PUT/DELETE, ETag = MD5, listings); false for static files. */
    public boolean isSwift() {
        return token != null;
    }
}
