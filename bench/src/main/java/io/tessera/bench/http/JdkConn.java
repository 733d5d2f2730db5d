package io.tessera.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The same requests through java.net.http.HttpClient (HTTP/1.1, one client — hence one pooled
 * connection — per thread). Only `client-cost` uses it, to compare its CPU per request with
 * {@link HttpConn}; it does bodiless requests only, which is all that comparison needs.
 */
public final class JdkConn implements Conn {
    private final Endpoint endpoint;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final byte[] buf = new byte[64 * 1024];

    public JdkConn(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Response exchange(String method, String path, Map<String, String> headers, Body body, Sink sink)
            throws IOException {
        if (body != null) {
            throw new UnsupportedOperationException("JdkConn sends bodiless requests only");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://" + endpoint.host() + ":" + endpoint.port() + endpoint.basePath() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (endpoint.token() != null) {
            b.header("X-Auth-Token", endpoint.token());
        }
        if (headers != null) {
            headers.forEach(b::header);
        }
        try {
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            long got = 0;
            try (InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) { // bounded by the body's length
                    sink.accept(buf, 0, n);
                    got += n;
                }
            }
            Map<String, String> h = new HashMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
            return new Response(r.statusCode(), h, got);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        // HttpClient in Java 17 has no close(); its idle connection and selector thread go with it.
    }
}
