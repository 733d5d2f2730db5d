package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of creating or replacing an object goes through the same write pipeline, so quotas and
 * versioning hold whichever writer a client uses: PUT (announced and chunked), COPY,
 * {@code X-Copy-From}, an SLO manifest PUT, a form post and {@code ?extract-archive}. Over real HTTP,
 * once per backend ({@link WritePipelineEmbeddedTest}, {@link WritePipelineCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WritePipelineTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ELEVEN = "eleven byte";
    TestServer server;
    SwiftHttp http;
    SwiftHttp anonymous;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        anonymous = SwiftHttp.anonymous(server.port());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void container(String c, String... headers) throws Exception {
        assertThat(http.send("PUT", A + "/" + c, headers).statusCode()).isIn(201, 202);
    }

    private HttpResponse<byte[]> put(String path, String body, String... headers) throws Exception {
        return http.send("PUT", A + "/" + path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private int status(String method, String path, String... headers) throws Exception {
        return http.send(method, A + "/" + path, headers).statusCode();
    }

    private String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** A form post of one file {@code name} with {@code content} into container {@code c} (its key: "k"). */
    private HttpResponse<byte[]> formPost(String c, String name, String content) throws Exception {
        String boundary = "----pipeline" + System.nanoTime();
        String path = A + "/" + c + "/";
        byte[] body = TestBodies.form(boundary,
                TestBodies.signedForm(path, "", 1_000_000, 1, Instant.now().getEpochSecond() + 3600, "k"),
                List.<String[]>of(new String[] {name, content, "text/plain"}));
        return anonymous.send("POST", path, body, "Content-Type", "multipart/form-data; boundary=" + boundary);
    }

    private JsonNode extract(String c, Map<String, String> files) throws Exception {
        HttpResponse<byte[]> r = http.send("PUT", A + "/" + c + "?extract-archive=tar", TestBodies.tar(files),
                "Accept", "application/json");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void aQuotaHoldsForEveryWriter() throws Exception {
        container("quota", "X-Container-Meta-Quota-Bytes", "10", "X-Temp-URL-Key", "k");
        assertThat(http.send("POST", A + "/quota", "X-Container-Meta-Temp-URL-Key", "k").statusCode()).isEqualTo(204);
        container("src");
        assertThat(put("src/eleven", ELEVEN).statusCode()).isEqualTo(201);

        assertThat(put("quota/put", ELEVEN).statusCode()).isEqualTo(413);
        HttpResponse<byte[]> chunked = http.putChunked(A + "/quota/chunked",
                new java.io.ByteArrayInputStream(ELEVEN.getBytes(StandardCharsets.UTF_8)));
        assertThat(chunked.statusCode()).as("a chunked body passing the quota as it is read").isEqualTo(413);
        assertThat(status("COPY", "src/eleven", "Destination", "quota/copy")).isEqualTo(413);
        assertThat(http.send("PUT", A + "/quota/copied", new byte[0], "X-Copy-From", "src/eleven").statusCode())
                .isEqualTo(413);

        HttpResponse<byte[]> form = formPost("quota", "form.txt", ELEVEN);
        assertThat(text(form)).isEqualTo("413 Request Entity Too Large");

        JsonNode report = extract("quota", Map.of("archived.txt", ELEVEN));
        assertThat(report.path("Number Files Created").asInt()).isZero();
        assertThat(report.path("Errors").toString()).contains("413");

        for (String name : List.of("put", "chunked", "copy", "copied", "form.txt", "archived.txt")) {
            assertThat(status("HEAD", "quota/" + name)).as(name).isEqualTo(404);
        }
        assertThat(http.send("HEAD", A + "/quota").headers().firstValue("X-Container-Bytes-Used")).hasValue("0");

        // Within the quota, each writer still writes.
        assertThat(text(formPost("quota", "small.txt", "12345"))).isEqualTo("201 Created");
        assertThat(extract("quota", Map.of("tiny.txt", "12345")).path("Number Files Created").asInt()).isEqualTo(1);
    }

    @Test
    void historyLocationKeepsWhatEveryWriterReplaces() throws Exception {
        container("hist-archive");
        container("hist", "X-History-Location", "hist-archive");
        assertThat(http.send("POST", A + "/hist", "X-Container-Meta-Temp-URL-Key", "k").statusCode()).isEqualTo(204);
        container("src2");
        assertThat(put("src2/s", "from a copy").statusCode()).isEqualTo(201);

        assertThat(put("hist/o", "v1").statusCode()).isEqualTo(201);
        assertThat(text(formPost("hist", "o", "v2 by form"))).isEqualTo("201 Created");
        assertThat(extract("hist", Map.of("o", "v3 by archive")).path("Number Files Created").asInt()).isEqualTo(1);
        assertThat(status("COPY", "src2/s", "Destination", "hist/o")).isEqualTo(201);
        assertThat(http.send("PUT", A + "/hist/o", new byte[0], "X-Copy-From", "src2/s").statusCode()).isEqualTo(201);

        JsonNode archived = JSON.readTree(http.send("GET", A + "/hist-archive?format=json").body());
        assertThat(archived).as(archived.toString()).hasSize(4);
        List<String> kept = new java.util.ArrayList<>();
        for (JsonNode v : archived) {
            kept.add(text(http.send("GET", A + "/hist-archive/" + v.path("name").asText())));
        }
        assertThat(kept).containsExactly("v1", "v2 by form", "v3 by archive", "from a copy");
    }

    @Test
    void objectVersioningKeepsEveryWritersVersion() throws Exception {
        container("ov", "X-Versions-Enabled", "true");
        assertThat(http.send("POST", A + "/ov", "X-Container-Meta-Temp-URL-Key", "k").statusCode()).isEqualTo(204);
        assertThat(put("ov/o", "v1").statusCode()).isEqualTo(201);
        assertThat(text(formPost("ov", "o", "v2 by form"))).isEqualTo("201 Created");
        assertThat(extract("ov", Map.of("o", "v3 by archive")).path("Number Files Created").asInt()).isEqualTo(1);

        JsonNode versions = JSON.readTree(http.send("GET", A + "/ov?versions&format=json").body());
        assertThat(versions).as(versions.toString()).hasSize(3);
        assertThat(text(http.send("GET", A + "/ov/o"))).isEqualTo("v3 by archive");
        List<String> bodies = new java.util.ArrayList<>();
        for (JsonNode v : versions) {
            bodies.add(text(http.send("GET", A + "/ov/o?version-id=" + v.path("version_id").asText())));
        }
        assertThat(bodies).containsExactly("v3 by archive", "v2 by form", "v1");
    }
}
