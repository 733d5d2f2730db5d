package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.hashmap.BlockHasher;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} after real traffic: request counts by operation, method and status class, body bytes
 * in and out, blocks written against blocks deduplicated when the same data is uploaded twice. Runs on
 * both backends ({@link MetricsEndpointEmbeddedTest}, {@link MetricsEndpointCassandraTest}).
 */
abstract class MetricsEndpointTest {
    private static final String A = "/v1/" + TestServer.ACCOUNT;
    private static final int BLOCK = 4 * 1024 * 1024;
    private static final String OBJECT_PUT = "{operation=\"object\",method=\"PUT\"";
    private static final String OBJECT_GET = "{operation=\"object\",method=\"GET\"";

    @TempDir
    Path home;

    abstract TestBackend backend();

    @Test
    void requestsBytesAndDeduplicationAreCounted() throws Exception {
        try (TestServer server = TestServer.start(home, backend())) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            assertThat(http.send("PUT", A + "/m").statusCode()).isEqualTo(201);
            byte[] data = new byte[2 * BLOCK + 12345]; // three blocks, all distinct
            new Random(7).nextBytes(data);
            Scrape before = Scrape.of(http);

            assertThat(http.send("PUT", A + "/m/one", data).statusCode()).isEqualTo(201);
            Scrape afterFirst = Scrape.until(http, s -> s.get("tessera_content_blocks_written_total") > 0
                    && s.get("tessera_http_requests_seconds_count" + OBJECT_PUT + "}") > before.get("tessera_http_requests_seconds_count" + OBJECT_PUT + "}"));
            assertThat(http.send("PUT", A + "/m/two", data).statusCode()).isEqualTo(201);
            HttpResponse<byte[]> get = http.send("GET", A + "/m/one");
            assertThat(get.body()).isEqualTo(data);
            assertThat(http.send("GET", A + "/m/missing").statusCode()).isEqualTo(404);
            assertThat(http.send("HEAD", A + "/m").statusCode()).isEqualTo(204);
            String containerHead = "tessera_http_responses_total{operation=\"container\",method=\"HEAD\",status=\"2xx\"}";
            String objectGet404 = "tessera_http_responses_total" + OBJECT_GET + ",status=\"4xx\"}";
            Scrape after = Scrape.until(http, s -> s.get(containerHead) - before.get(containerHead) >= 1
                    && s.get(objectGet404) - before.get(objectGet404) >= 1
                    && s.get("tessera_http_requests_seconds_count" + OBJECT_GET + "}") - before.get("tessera_http_requests_seconds_count" + OBJECT_GET + "}") >= 2
                    && s.get("tessera_http_requests_seconds_count" + OBJECT_PUT + "}") - before.get("tessera_http_requests_seconds_count" + OBJECT_PUT + "}") >= 2);

            // requests: rate (count) and latency (a summary in seconds), by operation and method; replies by status class
            assertThat(delta(before, after, "tessera_http_requests_seconds_count" + OBJECT_PUT + "}")).isEqualTo(2);
            assertThat(delta(before, after, "tessera_http_requests_seconds_count" + OBJECT_GET + "}")).isEqualTo(2);
            assertThat(delta(before, after, "tessera_http_responses_total" + OBJECT_PUT + ",status=\"2xx\"}")).isEqualTo(2);
            assertThat(delta(before, after, "tessera_http_responses_total" + OBJECT_GET + ",status=\"2xx\"}")).isEqualTo(1);
            assertThat(delta(before, after, "tessera_http_responses_total" + OBJECT_GET + ",status=\"4xx\"}")).isEqualTo(1);
            assertThat(delta(before, after, "tessera_http_responses_total{operation=\"container\",method=\"HEAD\",status=\"2xx\"}"))
                    .isEqualTo(1);
            assertThat(after.get("tessera_http_requests_seconds" + OBJECT_PUT + ",quantile=\"0.99\"}")).isPositive();
            assertThat(delta(before, after, "tessera_http_responses_total{operation=\"admin\",method=\"GET\",status=\"2xx\"}"))
                    .as("the scrapes before this one").isGreaterThanOrEqualTo(2);

            // bytes: request and reply bodies at the HTTP level, object content at the store level
            assertThat(delta(before, after, "tessera_http_bytes_in_total")).isEqualTo(2.0 * data.length);
            assertThat(delta(before, after, "tessera_http_bytes_out_total")).isGreaterThanOrEqualTo(data.length);
            assertThat(delta(before, after, "tessera_content_bytes_in_total")).isEqualTo(2.0 * data.length);
            assertThat(delta(before, after, "tessera_content_bytes_out_total")).isEqualTo(data.length);

            // dedup: the first upload writes its three blocks, the second finds all three
            assertThat(delta(before, afterFirst, "tessera_content_blocks_written_total")).isEqualTo(3);
            assertThat(delta(before, afterFirst, "tessera_content_blocks_deduplicated_total")).isZero();
            assertThat(delta(afterFirst, after, "tessera_content_blocks_written_total")).isZero();
            assertThat(delta(afterFirst, after, "tessera_content_blocks_deduplicated_total")).isEqualTo(3);
            long stripped = 0;
            for (int from = 0; from < data.length; from += BLOCK) {
                stripped += BlockHasher.strippedLength(data, from, Math.min(BLOCK, data.length - from));
            }
            assertThat(delta(afterFirst, after, "tessera_content_bytes_deduplicated_total")).isEqualTo(stripped);
            assertThat(after.get("tessera_content_blocks_corrupt_total")).as("every block read was intact").isZero();
            assertThat(after.has("tessera_content_blocks_corrupt_total")).isTrue();
        }
    }

    private static double delta(Scrape from, Scrape to, String series) {
        assertThat(to.has(series)).as(series + " in\n" + to.text).isTrue();
        return to.get(series) - from.get(series);
    }
}
