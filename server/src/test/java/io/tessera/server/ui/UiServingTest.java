package io.tessera.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Timer;
import io.tessera.server.UiTestServer;
import io.tessera.server.monitoring.MetricNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page as the server serves it, over raw HTTP/1.1 (a socket, so that paths reach the server
 * exactly as written: {@code ..}, {@code %2e%2e}, backslashes): content types, the security headers on
 * every reply, the redirects, HEAD, 304, and 404 for anything that is not one of the page's files.
 */
class UiServingTest {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "worker-src 'self' blob:; connect-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @TempDir
    static Path home;
    static UiTestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = UiTestServer.start(home, null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One request on its own connection, the path sent byte for byte as given. */
    static Reply send(String method, String rawPath, String... headerLines) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1\r\nConnection: close\r\n");
            for (String h : headerLines) {
                req.append(h).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] all = readAll(s.getInputStream());
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
            byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
            return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no end of headers in the reply");
    }

    static void assertPageHeaders(Reply r) {
        assertThat(r.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    void theIndexAndItsFilesHaveTheirTypesAndTheHeaders() throws Exception {
        Reply index = send("GET", "/ui/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(index.text()).contains("<script type=\"module\"");
        assertThat(index.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(index.header("ETag")).matches("\"[0-9a-f]{32}\"");
        assertThat(index.header("Content-Length")).isEqualTo(String.valueOf(index.body().length));
        assertPageHeaders(index);
        assertThat(send("GET", "/ui/index.html").body()).isEqualTo(index.body());
        assertThat(send("GET", "/ui/?anything=1").body()).as("a query is ignored").isEqualTo(index.body());

        Reply js = send("GET", "/ui/js/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertPageHeaders(js);
        Reply css = send("GET", "/ui/css/app.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertPageHeaders(css);
        Reply svg = send("GET", "/ui/img/folder.svg");
        if (svg.status() == 200) { // the icons come with the page's views (VIEWS); the type is checked where present
            assertThat(svg.header("Content-Type")).isEqualTo("image/svg+xml");
            assertPageHeaders(svg);
        }
    }

    @Test
    void rootAndUiRedirectToThePage() throws Exception {
        for (String path : new String[] {"/", "/ui", "/ui?x=1"}) {
            for (String method : new String[] {"GET", "HEAD"}) {
                Reply r = send(method, path);
                assertThat(r.status()).as(method + " " + path).isEqualTo(302);
                assertThat(r.header("Location")).isEqualTo("/ui/");
                assertThat(r.body()).isEmpty();
                assertPageHeaders(r);
            }
        }
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        Reply get = send("GET", "/ui/js/app.js");
        Reply head = send("HEAD", "/ui/js/app.js");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
        assertThat(head.header("ETag")).isEqualTo(get.header("ETag"));
        assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
        assertPageHeaders(head);
        assertThat(send("HEAD", "/ui/nothing.js").status()).isEqualTo(404);
    }

    @Test
    void aMatchingEtagIs304() throws Exception {
        String etag = send("GET", "/ui/").header("ETag");
        Reply same = send("GET", "/ui/", "If-None-Match: " + etag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.header("ETag")).isEqualTo(etag);
        assertPageHeaders(same);
        assertThat(send("GET", "/ui/", "If-None-Match: \"other\", W/" + etag).status()).as("in a list, weak").isEqualTo(304);
        assertThat(send("GET", "/ui/", "If-None-Match: *").status()).isEqualTo(304);
        assertThat(send("GET", "/ui/", "If-None-Match: \"other\"").status()).isEqualTo(200);
    }

    @Test
    void traversalAndUnknownFilesAre404WithoutAListingOrAStackTrace() throws Exception {
        String[] paths = {
            "/ui/nothing.html", "/ui/js/", "/ui/js", "/ui/css/", "/ui//index.html", "/ui/./index.html",
            "/ui/../ui/index.html", "/ui/js/../index.html", "/ui/../info", "/ui/%2e%2e/info", "/ui/%2E%2E/v1/AUTH_test",
            "/ui/js%2fapp.js", "/ui/js%2Fapp.js", "/ui/js\\app.js", "/ui/..\\index.html", "/ui/.hidden", "/ui/%69ndex.html", "/ui/index.html/",
            "/ui/..%2f..%2fetc%2fpasswd", "/ui/META-INF/MANIFEST.MF", "/ui/io/tessera/server/http/UiHandler.class",
        };
        for (String path : paths) {
            Reply r = send("GET", path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.header("Content-Type")).as(path).isEqualTo("text/plain; charset=utf-8");
            assertThat(r.text()).as(path).isEqualTo("Not Found\n");
            assertPageHeaders(r);
        }
        // These never reach a handler: Jetty's parser refuses an encoded NUL and a path above the root,
        // answered as Swift answers them (412, 400), without a stack trace.
        for (String path : new String[] {"/ui/index.html%00", "/ui/%00", "/ui/../../etc/passwd"}) {
            Reply r = send("GET", path);
            assertThat(r.status()).as(path).isIn(400, 412);
            assertThat(r.text()).as(path).doesNotContain("at io.", "Exception");
        }
    }

    @Test
    void otherMethodsOnThePageAre405() throws Exception {
        for (String method : new String[] {"PUT", "POST", "DELETE", "OPTIONS"}) {
            Reply r = send(method, "/ui/index.html", "Content-Length: 0");
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
            assertPageHeaders(r);
        }
    }

    @Test
    void swiftRequestsAreUntouchedAndThePageCountsAsUi() throws Exception {
        Reply info = send("GET", "/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.header("Content-Security-Policy")).isNull();
        assertThat(send("GET", "/auth/v1.0").status()).as("no credentials").isEqualTo(401);
        Reply account = send("GET", "/v1/" + UiTestServer.ACCOUNT);
        assertThat(account.status()).isEqualTo(401);
        assertThat(account.header("Content-Security-Policy")).isNull();
        assertThat(send("PUT", "/", "Content-Length: 0").status()).as("not a page request: Swift's answer").isNotEqualTo(302);

        Timer ui = server.metrics().timer(MetricNames.tagged("http.requests", "operation", "ui", "method", "GET"));
        Timer other = server.metrics().timer(MetricNames.tagged("http.requests", "operation", "other", "method", "GET"));
        long uiBefore = ui.getCount();
        long otherBefore = other.getCount();
        send("GET", "/ui/");
        send("GET", "/ui/nothing");
        send("GET", "/");
        long deadline = System.currentTimeMillis() + 5_000; // counted when the exchange completes
        while (ui.getCount() < uiBefore + 3 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(ui.getCount()).isEqualTo(uiBefore + 3);
        assertThat(other.getCount()).isEqualTo(otherBefore);
        assertThat(server.metrics().meter("swift.plain_reads").getCount()).as("never the Swift read path").isZero();
        assertThat(send("GET", "/uix").header("Content-Security-Policy")).isNull();
    }
}
