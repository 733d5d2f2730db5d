package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.store.cassandra.CassandraExtension;
import io.tessera.store.cassandra.TcpProxy;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthcheck}: 200 with every check healthy; 503 naming the failing check when the store cannot
 * be reached (a Cassandra node played by a {@link TcpProxy} that stops) or the data folder's disk is
 * below its threshold; healthy again when the node is back. And who may read it and {@code /metrics}.
 */
class HealthcheckTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void embeddedIsHealthyThen503WhenTheDiskIsBelowItsThreshold() throws Exception {
        try (TestServer server = TestServer.start(home)) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            HttpResponse<byte[]> r = http.send("GET", "/healthcheck");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("healthy").asBoolean()).isTrue();
            assertThat(body.get("checks").fieldNames()).toIterable().containsExactly("disk", "maintenance-jobs", "snapshot-hasher", "store");
            body.get("checks").forEach(check -> assertThat(check.get("healthy").asBoolean()).as(check.toString()).isTrue());
            assertThat(body.at("/checks/disk/message").asText()).contains("MiB free of").contains("(minimum 1024 MiB)");
        }
        // The same store again, with a threshold no disk meets: 503, and only the disk check fails.
        Files.writeString(home.resolve("conf/tessera.yaml"), "admin:\n  min_free_disk_mib: 1000000000000\n",
                StandardOpenOption.APPEND);
        try (TestServer server = TestServer.restart(home)) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            HttpResponse<byte[]> r = http.send("GET", "/healthcheck");
            assertThat(r.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("healthy").asBoolean()).isFalse();
            assertThat(body.at("/checks/disk/healthy").asBoolean()).isFalse();
            assertThat(body.at("/checks/disk/message").asText()).contains("(minimum 1000000000000 MiB)");
            assertThat(body.at("/checks/store/healthy").asBoolean()).isTrue();
            assertThat(http.send("HEAD", "/healthcheck").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void aStoppedCassandraNodeIs503UntilItIsBack() throws Exception {
        TestBackend.Cassandra backend = TestBackend.cassandra(CASSANDRA).withRequestTimeoutSeconds(3);
        try (TcpProxy node = new TcpProxy(CASSANDRA.contactPoint());
             TestServer server = TestServer.start(home, backend.withContactPoints(List.of(node.hostPort())))) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            HttpResponse<byte[]> ok = http.send("GET", "/healthcheck");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).get("checks").fieldNames()).toIterable()
                    .as("no disk check: the data is in the cluster").containsExactly("maintenance-jobs", "snapshot-hasher", "store");

            node.down();
            HttpResponse<byte[]> down = http.send("GET", "/healthcheck");
            assertThat(down.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(down.body());
            assertThat(body.at("/checks/store/healthy").asBoolean()).isFalse();
            assertThat(body.at("/checks/store/message").asText()).startsWith("the store cannot be reached");
            assertThat(body.at("/checks/snapshot-hasher/healthy").asBoolean()).isTrue();
            assertThat(new String(down.body(), StandardCharsets.UTF_8)).doesNotContain("\tat ");

            node.up();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            HttpResponse<byte[]> back = http.send("GET", "/healthcheck");
            while (back.statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                back = http.send("GET", "/healthcheck");
            }
            assertThat(back.statusCode()).as("healthy again once the node is back").isEqualTo(200);
        }
    }

    @Test
    void onlyAllowedHostsReadThemAndNeverThroughAProxy() throws Exception {
        try (TestServer server = TestServer.start(home)) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            for (String path : List.of("/metrics", "/healthcheck")) {
                assertThat(http.send("GET", path, "X-Forwarded-For", "203.0.113.9").statusCode()).as(path).isEqualTo(403);
                assertThat(http.send("GET", path, "Forwarded", "for=203.0.113.9").statusCode()).as(path).isEqualTo(403);
                assertThat(http.send("POST", path).statusCode()).as(path).isEqualTo(405);
                assertThat(http.send("GET", path).statusCode()).as(path).isIn(200);
            }
        }
        // Allowed: only an address this client does not come from.
        Files.writeString(home.resolve("conf/tessera.yaml"), "admin:\n  allowed_hosts: [192.0.2.1]\n", StandardOpenOption.APPEND);
        try (TestServer server = TestServer.restart(home)) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            HttpResponse<byte[]> refused = http.send("GET", "/metrics");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8))
                    .isEqualTo("<html><h1>Forbidden</h1><p>Access was denied to this resource.</p></html>");
            assertThat(http.send("GET", "/healthcheck").statusCode()).isEqualTo(403);
        }
    }
}
