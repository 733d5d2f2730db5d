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
    private HttpResponse<byte[]> formPost(String c, String name, String content, String... headers) throws Exception {
        String boundary = "----pipeline" + System.nanoTime();
        String path = A + "/" + c + "/";
        byte[] body = TestBodies.form(boundary,
                TestBodies.signedForm(path, "", 1_000_000, 1, Instant.now().getEpochSecond() + 3600, "k"),
                List.<String[]>of(new String[] {name, content, "text/plain"}));
        List<String> all = new java.util.ArrayList<>(List.of(headers));
        all.addAll(List.of("Content-Type", "multipart/form-data; boundary=" + boundary));
        return anonymous.send("POST", path, body, all.toArray(String[]::new));
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

    private static String md5(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Swift's symlink middleware sits below copy, slo, bulk and formpost: it sees every PUT they make.
     * A copy keeps the client's X-Symlink-* headers (so its content must be empty, and it makes a link);
     * a copy of a link itself carries the link's headers (its target is checked again); form posts and
     * archive entries pass no such header down.
     */
    @Test
    void symlinkRulesHoldForEveryWriter() throws Exception {
        container("links", "X-Container-Meta-Temp-URL-Key", "k");
        assertThat(put("links/target", ELEVEN).statusCode()).isEqualTo(201);
        assertThat(put("links/empty", "", "Content-Type", "text/x-empty").statusCode()).isEqualTo(201);
        String[] asLink = {"X-Symlink-Target", "links/target"};

        HttpResponse<byte[]> copyFrom = http.send("PUT", A + "/links/from-copy", new byte[0],
                "X-Copy-From", "links/target", asLink[0], asLink[1]);
        assertThat(copyFrom.statusCode()).isEqualTo(400);
        assertThat(text(copyFrom)).isEqualTo("Symlink requests require a zero byte body");
        HttpResponse<byte[]> copy = http.send("COPY", A + "/links/target", "Destination", "links/by-copy",
                asLink[0], asLink[1]);
        assertThat(copy.statusCode()).isEqualTo(400);
        assertThat(text(copy)).isEqualTo("Symlink requests require a zero byte body");
        assertThat(status("HEAD", "links/from-copy")).isEqualTo(404);
        assertThat(status("HEAD", "links/by-copy")).isEqualTo(404);

        // An empty source copied with X-Symlink-Target is a link (with the source's type, as copy sets it).
        assertThat(http.send("PUT", A + "/links/copied-link", new byte[0], "X-Copy-From", "links/empty",
                asLink[0], asLink[1]).statusCode()).isEqualTo(201);
        assertThat(text(http.send("GET", A + "/links/copied-link"))).isEqualTo(ELEVEN);
        HttpResponse<byte[]> itself = http.send("HEAD", A + "/links/copied-link?symlink=get");
        assertThat(itself.headers().firstValue("X-Symlink-Target")).hasValue("links/target");
        assertThat(itself.headers().firstValue("Content-Type")).hasValue("text/x-empty");

        // A copy of a link itself may not point the new link at itself, and a static link's target is checked again.
        assertThat(http.send("COPY", A + "/links/copied-link?symlink=get", "Destination", "links/target").statusCode())
                .isEqualTo(400);
        assertThat(text(http.send("GET", A + "/links/target"))).isEqualTo(ELEVEN);
        assertThat(put("links/pinned", "", asLink[0], asLink[1], "X-Symlink-Target-Etag", md5(ELEVEN)).statusCode())
                .isEqualTo(201);
        assertThat(status("COPY", "links/pinned?symlink=get", "Destination", "links/pinned-copy")).isEqualTo(201);
        assertThat(put("links/target", "changed").statusCode()).isEqualTo(201);
        assertThat(status("COPY", "links/pinned?symlink=get", "Destination", "links/pinned-copy2")).isEqualTo(409);

        // A form post's file and an archive's entries are plain objects whatever headers the request has.
        assertThat(text(formPost("links", "form.txt", "by form", asLink[0], asLink[1]))).isEqualTo("201 Created");
        assertThat(text(http.send("GET", A + "/links/form.txt"))).isEqualTo("by form");
        HttpResponse<byte[]> extracted = http.send("PUT", A + "/links?extract-archive=tar",
                TestBodies.tar(Map.of("archived.txt", "by archive")), "Accept", "application/json", asLink[0], asLink[1]);
        assertThat(JSON.readTree(extracted.body()).path("Number Files Created").asInt()).isEqualTo(1);
        assertThat(text(http.send("GET", A + "/links/archived.txt"))).isEqualTo("by archive");
    }

    /** PUT ?version-id= publishes its link below versioning: the version list is what it was. */
    @Test
    void aVersionMadeCurrentAgainIsNotVersionedAgain() throws Exception {
        container("restore", "X-Versions-Enabled", "true");
        assertThat(put("restore/o", "v1").statusCode()).isEqualTo(201);
        assertThat(put("restore/o", "v2").statusCode()).isEqualTo(201);
        JsonNode versions = JSON.readTree(http.send("GET", A + "/restore?versions&format=json").body());
        assertThat(versions).hasSize(2);
        String first = versions.get(1).path("version_id").asText();
        HttpResponse<byte[]> restored = http.send("PUT", A + "/restore/o?version-id=" + first, new byte[0]);
        assertThat(restored.statusCode()).isEqualTo(201);
        assertThat(restored.headers().firstValue("X-Object-Version-Id")).hasValue(first);
        assertThat(text(http.send("GET", A + "/restore/o"))).isEqualTo("v1");
        assertThat(JSON.readTree(http.send("GET", A + "/restore?versions&format=json").body())).hasSize(2);
    }
}
