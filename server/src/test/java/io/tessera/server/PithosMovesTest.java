package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pithos moves and bulk operations at the HTTP level (issue 14, items 3 and 8): MOVE and
 * {@code X-Move-From} (the map moves, no block is read or written; the source is gone), cross-user
 * MOVE and DELETE refused, COPY with Pithos' {@code Destination-Account}/{@code X-Source-Account},
 * bulk copy, move and delete of a prefix with {@code ?delimiter=/}, and a container emptied and kept.
 * Runs once per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PithosMovesTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final String A2 = "/v1/AUTH_test2";
    static final int MIB = 1024 * 1024;

    TestServer server;
    SwiftHttp http;
    SwiftHttp other;
    SwiftHttp member;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        member = new SwiftHttp(server.port(), "test:tester3", "testing3");
        for (String c : List.of("m1", "m2", "bulk", "bulk2", "empty-me", "shared")) {
            assertThat(http.send("PUT", A + "/" + c).statusCode()).isIn(201, 202);
        }
        assertThat(other.send("PUT", A2 + "/theirs").statusCode()).isIn(201, 202);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    long meter(String name) {
        return server.server.metrics().meter(name).getCount();
    }

    void put(SwiftHttp client, String path, byte[] data, String... headers) throws Exception {
        assertThat(client.send("PUT", path, data, headers).statusCode()).as("PUT " + path).isEqualTo(201);
    }

    int status(String method, String path, String... headers) throws Exception {
        return http.send(method, path, headers).statusCode();
    }

    @Test
    void moveKeepsTheMapAndTheSourceIsGone() throws Exception {
        byte[] data = random(9 * MIB, 1);
        put(http, A + "/m1/a", data, "Content-Type", "text/x-a", "X-Object-Meta-Color", "blue");
        String hash = http.send("HEAD", A + "/m1/a").headers().firstValue("X-Object-Hash").orElseThrow();
        long written = meter("content.blocks.written");
        long verified = meter("content.blocks.verified");
        HttpResponse<byte[]> r = http.send("MOVE", A + "/m1/a", (byte[]) null, "Destination", "/m2/b", "X-Object-Meta-Size", "big");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(meter("content.blocks.written")).isEqualTo(written);
        assertThat(meter("content.blocks.verified")).isEqualTo(verified);
        assertThat(status("HEAD", A + "/m1/a")).isEqualTo(404);
        HttpResponse<byte[]> head = http.send("HEAD", A + "/m2/b");
        assertThat(head.headers().firstValue("X-Object-Hash")).hasValue(hash);
        assertThat(head.headers().firstValue("Content-Type")).hasValue("text/x-a");
        assertThat(head.headers().firstValue("X-Object-Meta-Color")).hasValue("blue");
        assertThat(head.headers().firstValue("X-Object-Meta-Size")).hasValue("big");
        assertThat(Arrays.equals(http.send("GET", A + "/m2/b").body(), data)).isTrue();
        // PUT with X-Move-From moves it back
        r = http.send("PUT", A + "/m1/c", new byte[0], "X-Move-From", "/m2/b");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(status("HEAD", A + "/m2/b")).isEqualTo(404);
        assertThat(http.send("HEAD", A + "/m1/c").headers().firstValue("X-Object-Hash")).hasValue(hash);
        // and a missing source, a missing destination container, a bad header
        assertThat(status("MOVE", A + "/m1/nothing", "Destination", "/m2/x")).isEqualTo(404);
        assertThat(status("MOVE", A + "/m1/c", "Destination", "/no-such-container/x")).isEqualTo(404);
        assertThat(status("MOVE", A + "/m1/c")).isEqualTo(400);
        assertThat(http.send("PUT", A + "/m1/d", new byte[0], "X-Move-From", "nonsense").statusCode()).isBetween(400, 412);
        assertThat(status("HEAD", A + "/m1/c")).isEqualTo(200);
    }

    @Test
    void hostileMovesAre4xxAndMoveNothing() throws Exception {
        put(http, A + "/m1/h", new byte[] {1});
        for (String dest : List.of("/m2/" + "n".repeat(2000), "/", "/m2", "m2/", "/m2/")) {
            int s = http.send("MOVE", A + "/m1/h", (byte[]) null, "Destination", dest).statusCode();
            assertThat(s).as(dest).isBetween(400, 412);
        }
        assertThat(http.send("MOVE", A + "/m1/h", (byte[]) null, "Destination", "/m2/h", "Destination-Account",
                "AUTH_nobody").statusCode()).isBetween(403, 404);
        assertThat(http.send("MOVE", A + "/m1/h?delimiter=" + "%2F".repeat(300), (byte[]) null, "Destination", "/m2/h")
                .statusCode()).isEqualTo(400);
        assertThat(status("HEAD", A + "/m1/h")).isEqualTo(200);
        // a move onto itself changes nothing and loses nothing
        assertThat(http.send("MOVE", A + "/m1/h", (byte[]) null, "Destination", "/m1/h").statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/m1/h").body()).isEqualTo(new byte[] {1});
    }

    @Test
    void moveInAVersionedContainerLeavesADeleteThere() throws Exception {
        assertThat(http.send("PUT", A + "/mv", (byte[]) null, "X-Versions-Enabled", "true").statusCode()).isIn(201, 202);
        put(http, A + "/mv/doc", "one".getBytes(StandardCharsets.UTF_8));
        put(http, A + "/mv/doc", "two".getBytes(StandardCharsets.UTF_8));
        assertThat(status("MOVE", A + "/mv/doc", "Destination", "/m2/doc")).isEqualTo(201);
        assertThat(status("GET", A + "/mv/doc")).isEqualTo(404);
        assertThat(new String(http.send("GET", A + "/m2/doc").body(), StandardCharsets.UTF_8)).isEqualTo("two");
        String versions = new String(http.send("GET", A + "/mv?versions&format=json").body(), StandardCharsets.UTF_8);
        assertThat(versions).contains("application/x-deleted;swift_versions_deleted=1");
    }

    @Test
    void crossUserMoveAndDeleteAre403EvenWithWriteAccess() throws Exception {
        assertThat(http.send("POST", A + "/shared", (byte[]) null, "X-Container-Write", "test2:tester2", "X-Container-Read", "test2:tester2")
                .statusCode()).isEqualTo(204);
        put(http, A + "/shared/o", "mine".getBytes(StandardCharsets.UTF_8));
        put(http, A + "/shared/dir/x", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(other.send("MOVE", A + "/shared/o", (byte[]) null, "Destination", "/theirs/o", "Destination-Account", "AUTH_test2")
                .statusCode()).isEqualTo(403);
        assertThat(other.send("PUT", A2 + "/theirs/o", new byte[0], "X-Move-From", "/shared/o", "X-Source-Account",
                "AUTH_test").statusCode()).isEqualTo(403);
        assertThat(other.send("DELETE", A + "/shared/dir?delimiter=/").statusCode()).isEqualTo(403);
        assertThat(member.send("DELETE", A + "/shared/dir?delimiter=/").statusCode()).isEqualTo(403);
        assertThat(other.send("DELETE", A + "/shared?delimiter=/").statusCode()).isEqualTo(403);
        assertThat(status("HEAD", A + "/shared/o")).isEqualTo(200);
        assertThat(status("HEAD", A + "/shared/dir/x")).isEqualTo(200);
        // a copy out of it into their own account is allowed (they may read), with Pithos' headers
        assertThat(other.send("COPY", A + "/shared/o", (byte[]) null, "Destination", "/theirs/copied", "Destination-Account", "AUTH_test2")
                .statusCode()).isEqualTo(201);
        assertThat(new String(other.send("GET", A2 + "/theirs/copied").body(), StandardCharsets.UTF_8)).isEqualTo("mine");
        assertThat(other.send("PUT", A2 + "/theirs/copied2", new byte[0], "X-Copy-From", "/shared/o",
                "X-Source-Account", "AUTH_test").statusCode()).isEqualTo(201);
        assertThat(new String(other.send("GET", A2 + "/theirs/copied2").body(), StandardCharsets.UTF_8)).isEqualTo("mine");
        // and a copy into an account where they may not write is 403
        assertThat(other.send("COPY", A2 + "/theirs/copied", (byte[]) null, "Destination", "/m1/stolen", "Destination-Account", "AUTH_test")
                .statusCode()).isEqualTo(403);
    }

    @Test
    void bulkDeleteWithDelimiter() throws Exception {
        for (String n : List.of("d", "d/1", "d/2", "d/sub/3", "d2", "dx/4", "e")) {
            put(http, A + "/bulk/" + n, n.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(status("DELETE", A + "/bulk/d?delimiter=/")).isEqualTo(204);
        for (String n : List.of("d", "d/1", "d/2", "d/sub/3")) {
            assertThat(status("HEAD", A + "/bulk/" + n)).as(n).isEqualTo(404);
        }
        for (String n : List.of("d2", "dx/4", "e")) {
            assertThat(status("HEAD", A + "/bulk/" + n)).as(n).isEqualTo(200);
        }
        // a prefix with no object of its own name
        put(http, A + "/bulk/p/1", new byte[] {1});
        assertThat(status("DELETE", A + "/bulk/p?delimiter=/")).isEqualTo(204);
        assertThat(status("HEAD", A + "/bulk/p/1")).isEqualTo(404);
        assertThat(status("DELETE", A + "/bulk/p?delimiter=/")).isEqualTo(404);
        assertThat(status("DELETE", A + "/bulk/p?delimiter=")).isEqualTo(400);
    }

    @Test
    void bulkCopyAndMoveWithDelimiter() throws Exception {
        for (String n : List.of("src", "src/a", "src/b/c", "srcx")) {
            put(http, A + "/bulk2/" + n, n.getBytes(StandardCharsets.UTF_8), "X-Object-Meta-Name", n.replace('/', '-'));
        }
        assertThat(http.send("COPY", A + "/bulk2/src?delimiter=/", (byte[]) null, "Destination", "/m2/copy").statusCode()).isEqualTo(201);
        for (String n : List.of("", "/a", "/b/c")) {
            HttpResponse<byte[]> r = http.send("GET", A + "/m2/copy" + n);
            assertThat(r.statusCode()).as(n).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("src" + n);
            assertThat(r.headers().firstValue("X-Object-Meta-Name")).hasValue(("src" + n).replace('/', '-'));
        }
        assertThat(status("HEAD", A + "/m2/copyx")).isEqualTo(404);
        assertThat(status("HEAD", A + "/bulk2/src/a")).isEqualTo(200);
        // copy into its own prefix: what the copy writes is not copied again
        assertThat(http.send("PUT", A + "/bulk2/src/in", new byte[0], "X-Copy-From", "/bulk2/src")
                .statusCode()).isEqualTo(201);
        assertThat(http.send("PUT", A + "/bulk2/src/deep?delimiter=/", new byte[0], "X-Copy-From", "/bulk2/src")
                .statusCode()).isEqualTo(201);
        assertThat(status("HEAD", A + "/bulk2/src/deep/a")).isEqualTo(200);
        assertThat(status("HEAD", A + "/bulk2/src/deep/deep/a")).isEqualTo(404);
        // move with X-Move-From and a delimiter
        assertThat(http.send("PUT", A + "/m1/moved?delimiter=/", new byte[0], "X-Move-From", "/bulk2/src")
                .statusCode()).isEqualTo(201);
        assertThat(status("HEAD", A + "/bulk2/src")).isEqualTo(404);
        assertThat(status("HEAD", A + "/bulk2/src/a")).isEqualTo(404);
        assertThat(status("HEAD", A + "/bulk2/srcx")).isEqualTo(200);
        assertThat(new String(http.send("GET", A + "/m1/moved/b/c").body(), StandardCharsets.UTF_8)).isEqualTo("src/b/c");
        assertThat(new String(http.send("GET", A + "/m1/moved/deep/a").body(), StandardCharsets.UTF_8)).isEqualTo("src/a");
        // MOVE with a delimiter
        assertThat(http.send("MOVE", A + "/m1/moved?delimiter=/", (byte[]) null, "Destination", "/m2/moved").statusCode()).isEqualTo(201);
        assertThat(status("HEAD", A + "/m1/moved/a")).isEqualTo(404);
        assertThat(status("HEAD", A + "/m2/moved/a")).isEqualTo(200);
    }

    @Test
    void bulkOperationsPageThroughMoreObjectsThanOneListingPage() throws Exception {
        assertThat(http.send("PUT", A + "/many", (byte[]) null).statusCode()).isIn(201, 202);
        java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 2100; i++) {
            files.put(String.format("d/%04d", i), "x" + i);
        }
        files.put("other", "kept");
        HttpResponse<byte[]> r = http.send("PUT", A + "/many?extract-archive=tar", TestBodies.tar(files),
                "Accept", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"Number Files Created\":2101");
        assertThat(http.send("MOVE", A + "/many/d?delimiter=/", (byte[]) null, "Destination", "/many/e").statusCode())
                .isEqualTo(201);
        HttpResponse<byte[]> head = http.send("HEAD", A + "/many");
        assertThat(head.headers().firstValue("X-Container-Object-Count")).hasValue("2101");
        assertThat(status("HEAD", A + "/many/d/2099")).isEqualTo(404);
        assertThat(new String(http.send("GET", A + "/many/e/2099").body(), StandardCharsets.UTF_8)).isEqualTo("x2099");
        assertThat(status("DELETE", A + "/many/e?delimiter=/")).isEqualTo(204);
        head = http.send("HEAD", A + "/many");
        assertThat(head.headers().firstValue("X-Container-Object-Count")).hasValue("1");
        assertThat(status("HEAD", A + "/many/other")).isEqualTo(200);
    }

    @Test
    void containerDeleteWithDelimiterEmptiesItAndKeepsIt() throws Exception {
        for (int i = 0; i < 25; i++) {
            put(http, A + "/empty-me/o" + i + (i % 3 == 0 ? "/x" : ""), new byte[] {(byte) i});
        }
        assertThat(status("DELETE", A + "/empty-me")).isEqualTo(409);
        assertThat(status("DELETE", A + "/empty-me?delimiter=/")).isEqualTo(204);
        HttpResponse<byte[]> head = http.send("HEAD", A + "/empty-me");
        assertThat(head.statusCode()).isEqualTo(204);
        assertThat(head.headers().firstValue("X-Container-Object-Count")).hasValue("0");
        assertThat(status("DELETE", A + "/empty-me?delimiter=/")).isEqualTo(204);
        assertThat(status("DELETE", A + "/no-such-container?delimiter=/")).isEqualTo(404);
        assertThat(status("DELETE", A + "/empty-me")).isEqualTo(204);
    }
}
