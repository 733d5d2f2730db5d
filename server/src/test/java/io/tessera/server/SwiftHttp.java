package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A Swift client for tests at the HTTP level: {@link #send} goes through java.net.http (a real,
 * well-behaved client), {@link #raw} writes bytes on a socket for the requests a well-behaved client
 * cannot make (no length, short bodies, invalid UTF-8 in the path).
 */
final class SwiftHttp {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final int port;
    final String token;

    SwiftHttp(int port, String user, String key) throws Exception {
        this.port = port;
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/auth/v1.0"))
                .header("X-Auth-User", user).header("X-Auth-Key", key).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("auth").isEqualTo(200);
        this.token = r.headers().firstValue("X-Auth-Token").orElseThrow();
    }

    private SwiftHttp(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** A client that sends no token at all: anonymous requests, temporary URLs, form posts. */
    static SwiftHttp anonymous(int port) {
        return new SwiftHttp(port, null);
    }

    /** A client of the server on {@code port} that presents {@code token} (issued by any server) without asking for one. */
    static SwiftHttp withToken(int port, String token) {
        return new SwiftHttp(port, token);
    }

    HttpResponse<byte[]> send(String method, String rawPath, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + rawPath))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> send(String method, String rawPath, String... headers) throws Exception {
        return send(method, rawPath, null, headers);
    }

    /** A PUT whose body has no known length: java.net.http sends it chunked. */
    HttpResponse<byte[]> putChunked(String rawPath, InputStream body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + rawPath))
                .header("X-Auth-Token", token)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    record RawResponse(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line) and {@code body} as they
     * are; with {@code closeOutput} the client then half-closes, as one that gives up mid-body.
     */
    RawResponse raw(String head, byte[] body, boolean closeOutput) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            // A head that sets X-Auth-Token itself (empty: anonymous) replaces ours.
            String auth = head.contains("X-Auth-Token:") ? "" : "\r\nX-Auth-Token: " + token;
            out.write((head.replace("X-Auth-Token: \r\n", "").replaceAll("\r\nX-Auth-Token: $", "") + "\r\nHost: 127.0.0.1:" + port + auth + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8)); // header values go out as UTF-8 bytes, as swiftclient sends them
            if (body != null) {
                out.write(body);
            }
            out.flush();
            if (closeOutput) {
                s.shutdownOutput();
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // the server may reset after answering an unread body: keep what arrived
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return new RawResponse(-1, Map.of(), text);
            }
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }
}
