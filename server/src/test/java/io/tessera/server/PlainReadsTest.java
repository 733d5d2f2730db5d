package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lean path for plain object GETs and HEADs (issue 13, item 7): it answers exactly as the full
 * path would (same status, headers and bytes), and only where no middleware applies; everything else
 * reaches the full path, which these tests tell apart by the swift.plain_reads meter.
 */
class PlainReadsTest {
    @TempDir
    Path home;
    private TestServer server;
    private SwiftHttp owner;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(home);
        owner = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        assertThat(owner.send("PUT", "/v1/AUTH_test/c").statusCode()).isEqualTo(201);
        assertThat(owner.send("PUT", "/v1/AUTH_test/c/o", "hello, plain reads".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/x-weird; q=\"1\"", "X-Object-Meta-Color", "blue").statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private long plainReads() {
        return server.server.metrics().meter("swift.plain_reads").getCount();
    }

    /** The headers a client compares: all but those that differ per request or per reply. */
    private static Map<String, List<String>> comparable(HttpResponse<byte[]> r) {
        Map<String, List<String>> h = new TreeMap<>(r.headers().map());
        h.remove("x-trans-id");
        h.remove("x-openstack-request-id");
        h.remove("date");
        return h;
    }

    @Test
    void aPlainGetOrHeadIsAnsweredByTheLeanPathExactlyAsByTheFullOne() throws Exception {
        for (String method : List.of("GET", "HEAD")) {
            for (String[] range : List.of(new String[0], new String[] {"Range", "bytes=7-11"}, new String[] {"Range", "bytes=-5"})) {
                long before = plainReads();
                HttpResponse<byte[]> lean = owner.send(method, "/v1/AUTH_test/c/o", range);
                assertThat(plainReads()).as(method + " " + List.of(range) + " took the lean path").isEqualTo(before + 1);
                // A query no middleware reads sends the same request down the full path.
                HttpResponse<byte[]> full = owner.send(method, "/v1/AUTH_test/c/o?full=path", range);
                assertThat(plainReads()).isEqualTo(before + 1);
                assertThat(lean.statusCode()).isEqualTo(full.statusCode());
                assertThat(comparable(lean)).isEqualTo(comparable(full));
                assertThat(lean.body()).isEqualTo(full.body());
                assertThat(lean.headers().firstValue("X-Trans-Id")).isPresent();
            }
        }
        HttpResponse<byte[]> ranged = owner.send("GET", "/v1/AUTH_test/c/o", "Range", "bytes=7-11");
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(new String(ranged.body(), StandardCharsets.UTF_8)).isEqualTo("plain");
        assertThat(ranged.headers().firstValue("Content-Type")).hasValue("text/x-weird; q=\"1\"");
        assertThat(ranged.headers().firstValue("X-Object-Meta-Color")).hasValue("blue");
    }

    @Test
    void requestsAMiddlewareActsOnTakeTheFullPath() throws Exception {
        assertThat(owner.send("POST", "/v1/AUTH_test/c", "X-Container-Meta-Access-Control-Allow-Origin", "*").statusCode())
                .isEqualTo(204);
        assertThat(owner.send("PUT", "/v1/AUTH_test/c/link", new byte[0], "X-Symlink-Target", "c/o").statusCode())
                .isEqualTo(201);
        assertThat(owner.send("PUT", "/v1/AUTH_test/c/gone", "x".getBytes(StandardCharsets.UTF_8),
                "X-Delete-After", "1").statusCode()).isEqualTo(201);
        long before = plainReads();
        HttpResponse<byte[]> cors = owner.send("GET", "/v1/AUTH_test/c/o", "Origin", "http://example.com");
        assertThat(cors.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(owner.send("GET", "/v1/AUTH_test/c/o", "If-None-Match", "*").statusCode()).isEqualTo(304);
        assertThat(owner.send("GET", "/v1/AUTH_test/c/o", "Range", "bytes=0-1,3-4").statusCode()).isEqualTo(206);
        assertThat(owner.send("GET", "/v1/AUTH_test/c/o", "Range", "bytes=100-").statusCode()).isEqualTo(416);
        HttpResponse<byte[]> link = owner.send("GET", "/v1/AUTH_test/c/link");
        assertThat(new String(link.body(), StandardCharsets.UTF_8)).isEqualTo("hello, plain reads");
        assertThat(link.headers().firstValue("Content-Location")).hasValue("/v1/AUTH_test/c/o");
        assertThat(owner.send("GET", "/v1/AUTH_test/c/missing").statusCode()).isEqualTo(404);
        assertThat(SwiftHttp.anonymous(server.port()).send("GET", "/v1/AUTH_test/c/o").statusCode()).isEqualTo(401);
        assertThat(SwiftHttp.withToken(server.port(), "AUTH_tknotvalid").send("GET", "/v1/AUTH_test/c/o").statusCode())
                .isEqualTo(401);
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        assertThat(other.send("GET", "/v1/AUTH_test/c/o").statusCode()).isEqualTo(403);
        Thread.sleep(1_100);
        assertThat(owner.send("GET", "/v1/AUTH_test/c/gone").statusCode()).isEqualTo(404);
        assertThat(plainReads()).as("none of these took the lean path").isEqualTo(before);

        // A user a container ACL lets read is answered by the lean path, as the owner is.
        assertThat(owner.send("POST", "/v1/AUTH_test/c", "X-Container-Read", "test2:tester2").statusCode()).isEqualTo(204);
        assertThat(other.send("GET", "/v1/AUTH_test/c/o").statusCode()).isEqualTo(200);
        assertThat(plainReads()).isEqualTo(before + 1);
    }

    /** Found in review: each of these was answered differently by the lean path than by the full one. */
    @Test
    void requestsTheLeanPathOnceReadDifferentlyGetTheFullPathsAnswer() throws Exception {
        assertThat(owner.send("PUT", "/v1/AUTH_test/c/%F0%9F%98%80", "emoji".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(201);
        assertThat(owner.send("PUT", "/v1/AUTH_test/c/%3F%3F", "two question marks".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(201);
        // A name beyond the BMP sent as raw UTF-8 (its two UTF-16 halves were re-encoded one at a time: "??").
        SwiftHttp.RawResponse emoji = owner.raw("GET /v1/AUTH_test/c/\uD83D\uDE00 HTTP/1.1", null, false);
        assertThat(emoji.status()).isEqualTo(200);
        assertThat(emoji.body()).isEqualTo("emoji");

        // A header sent twice is read as JAX-RS reads it: a junk second token is a 401 on both paths.
        SwiftHttp.RawResponse twoTokens = owner.raw("GET /v1/AUTH_test/c/o HTTP/1.1\r\nX-Auth-Token: " + owner.token
                + "\r\nX-Auth-Token: AUTH_tkjunk", null, false);
        assertThat(twoTokens.status()).isEqualTo(401);
        SwiftHttp.RawResponse twoRanges = owner.raw("GET /v1/AUTH_test/c/o HTTP/1.1\r\nRange: bytes=0-1\r\nRange: bytes=0-1",
                null, false);
        SwiftHttp.RawResponse twoRangesFull = owner.raw("GET /v1/AUTH_test/c/o?full HTTP/1.1\r\nRange: bytes=0-1\r\nRange: bytes=0-1",
                null, false);
        assertThat(twoRanges.status()).isEqualTo(twoRangesFull.status());
        assertThat(twoRanges.body()).isEqualTo(twoRangesFull.body());

        // Swift's header line limit holds on the lean path too (the connection refuses the line first).
        assertThat(owner.send("GET", "/v1/AUTH_test/c/o", "X-Foo", "x".repeat(9000)).statusCode()).isEqualTo(400);
    }

    @Test
    void objectsInAVersionedContainerAndLargeObjectsTakeTheFullPath() throws Exception {
        assertThat(owner.send("PUT", "/v1/AUTH_test/v", "X-Versions-Enabled", "true").statusCode()).isEqualTo(201);
        assertThat(owner.send("PUT", "/v1/AUTH_test/v/o", "one".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
        assertThat(owner.send("PUT", "/v1/AUTH_test/c/dlo", new byte[0], "X-Object-Manifest", "c/o").statusCode())
                .isEqualTo(201);
        long before = plainReads();
        HttpResponse<byte[]> versioned = owner.send("GET", "/v1/AUTH_test/v/o");
        assertThat(versioned.headers().firstValue("X-Object-Version-Id")).isPresent();
        assertThat(new String(owner.send("GET", "/v1/AUTH_test/c/dlo").body(), StandardCharsets.UTF_8))
                .isEqualTo("hello, plain reads");
        assertThat(plainReads()).isEqualTo(before);
    }

    @Test
    void etagsAreQuotedWhereTheContainerAsks() throws Exception {
        assertThat(owner.send("POST", "/v1/AUTH_test/c", "X-Container-Rfc-Compliant-Etags", "true").statusCode())
                .isEqualTo(204);
        long before = plainReads();
        HttpResponse<byte[]> lean = owner.send("HEAD", "/v1/AUTH_test/c/o");
        assertThat(plainReads()).isEqualTo(before + 1);
        assertThat(lean.headers().firstValue("ETag").orElseThrow()).startsWith("\"").endsWith("\"");
        assertThat(lean.headers().firstValue("ETag")).isEqualTo(owner.send("HEAD", "/v1/AUTH_test/c/o?x").headers().firstValue("ETag"));
    }
}
