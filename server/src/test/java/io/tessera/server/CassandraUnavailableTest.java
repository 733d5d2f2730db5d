package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.store.cassandra.CassandraExtension;
import io.tessera.store.cassandra.TcpProxy;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the cluster cannot serve, every store-backed request is answered quickly with Swift's 503 and a
 * Retry-After, never a hang, a 500 or a trace; when the node is back the same server serves again. The
 * server reaches the node through a {@link TcpProxy} that plays a node that stops, comes back, or hangs.
 */
class CassandraUnavailableTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();
    private static final String A = "/v1/" + TestServer.ACCOUNT;
    private static final int REQUEST_TIMEOUT_SECONDS = 3;

    @BeforeAll
    static void oneNode() {
        // With more nodes the driver would find them and go around the proxy.
        assertThat(CASSANDRA.session().getMetadata().getNodes())
                .as("this test plays the only node with a proxy: it needs a one-node cluster").hasSize(1);
    }

    private static TestBackend through(TcpProxy node) {
        return TestBackend.cassandra(CASSANDRA).withContactPoints(List.of(node.hostPort()))
                .withRequestTimeoutSeconds(REQUEST_TIMEOUT_SECONDS);
    }

    @Test
    void aStoppedNodeIs503WithRetryAfterAndTheServerServesAgainWhenItIsBack(@TempDir Path home) throws Exception {
        try (TcpProxy node = new TcpProxy(CASSANDRA.contactPoint()); TestServer server = TestServer.start(home, through(node))) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            assertThat(http.send("PUT", A + "/c").statusCode()).isEqualTo(201);
            assertThat(http.send("PUT", A + "/c/before", "kept".getBytes()).statusCode()).isEqualTo(201);

            node.down();
            assertUnavailable(http, "GET", A + "/c/before", null);
            assertUnavailable(http, "HEAD", A + "/c/before", null);
            assertUnavailable(http, "PUT", A + "/c/during", new byte[10_000]);
            assertUnavailable(http, "DELETE", A + "/c/before", null);
            assertUnavailable(http, "GET", A + "/c", null);
            assertUnavailable(http, "HEAD", A, null);
            assertUnavailable(http, "PUT", A + "/c2", null);
            assertThat(http.send("GET", "/info").statusCode()).as("what needs no store still works").isEqualTo(200);

            node.up();
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send("GET", A + "/c/before");
            while (r.statusCode() == 503 && System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos()) {
                Thread.sleep(500);
                r = http.send("GET", A + "/c/before");
            }
            assertThat(r.statusCode()).as("serving again once the node is back").isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("kept");
            assertThat(http.send("PUT", A + "/c/after", "new".getBytes()).statusCode()).isEqualTo(201);
            assertThat(new String(http.send("GET", A + "/c").body(), StandardCharsets.UTF_8).lines().toList())
                    .containsExactly("after", "before");
        }
    }

    @Test
    void aHungNodeIs503AfterTheRequestTimeoutNotAHang(@TempDir Path home) throws Exception {
        try (TcpProxy node = new TcpProxy(CASSANDRA.contactPoint()); TestServer server = TestServer.start(home, through(node))) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            assertThat(http.send("PUT", A + "/h").statusCode()).isEqualTo(201);
            node.freeze();
            assertUnavailable(http, "GET", A + "/h/x", null);
            assertUnavailable(http, "PUT", A + "/h/y", "y".getBytes());
        }
    }

    /** 503, soon, with a Retry-After in seconds and Swift's body; no detail of the failure. */
    private static void assertUnavailable(SwiftHttp http, String method, String path, byte[] body) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(method, path, body);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String what = method + " " + path;
        assertThat(r.statusCode()).as(what).isEqualTo(503);
        assertThat(took).as(what + " answered within the request timeout and its slack")
                .isLessThan(Duration.ofSeconds(3L * REQUEST_TIMEOUT_SECONDS + 5));
        assertThat(r.headers().firstValue("Retry-After")).as(what).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        assertThat(r.headers().firstValue("X-Trans-Id")).as(what).isPresent();
        String text = new String(r.body(), StandardCharsets.UTF_8);
        if (!method.equals("HEAD")) {
            assertThat(text).as(what).isEqualTo("<html><h1>Service Unavailable</h1><p>The server is currently unavailable."
                    + " Please try again at a later time.</p></html>");
        }
        assertThat(text).as(what).doesNotContain("Exception").doesNotContain("Cassandra");
    }
}
