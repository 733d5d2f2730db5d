package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.gc.Collector;
import io.tessera.store.gc.GcProgress;
import io.tessera.store.gc.GcSettings;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pithos versions at the HTTP level against a real server (issue 14, item 2): container versioning and
 * quota policies, the version headers of reads and writes (version id and time, UUID, author), the
 * version list and reads of one version ({@code ?version=}, with hashmaps and ranges), copies of a
 * version ({@code X-Source-Version}), time travel on container and account listings ({@code until}),
 * history purges ({@code DELETE ?until=}) and the collector after them, extended listing fields, and
 * hostile values. Runs once per backend ({@link PithosVersionsEmbeddedTest}, {@link PithosVersionsCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PithosVersionsTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final ObjectMapper JSON = new ObjectMapper();

    TestServer server;
    SwiftHttp http;
    Path home;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<byte[]> put(String path, String body, String... headers) throws Exception {
        return http.send("PUT", path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private void versionedContainer(String c) throws Exception {
        assertThat(http.send("PUT", A + "/" + c, "X-Container-Policy-Versioning", "auto").statusCode()).isEqualTo(201);
    }

    /** The container, made again if a purge deleted it (or kept, as it is). */
    private void ensureVersionedContainer(String c) throws Exception {
        assertThat(http.send("PUT", A + "/" + c, "X-Container-Policy-Versioning", "auto").statusCode()).isIn(201, 202);
    }

    /** The ids of an object's version list (JSON), oldest first. */
    private List<String> versions(String path) throws Exception {
        HttpResponse<byte[]> r = http.send("GET", path + "?version=list&format=json");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode v : JSON.readTree(r.body()).get("versions")) {
            assertThat(v.get(1).isNumber()).isTrue();
            assertThat(v.get(1).asDouble()).isEqualTo(Double.parseDouble(v.get(0).asText()));
            ids.add(v.get(0).asText());
        }
        return ids;
    }

    // ---- policies ----

    @Test
    void versioningPolicyOnPutAndPostAndItsDefault() throws Exception {
        assertThat(http.send("PUT", A + "/pol-default").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> head = http.send("HEAD", A + "/pol-default");
        assertThat(header(head, "X-Container-Policy-Versioning")).isEqualTo("none");
        assertThat(header(head, "X-Container-Policy-Quota")).isEqualTo("0");
        assertThat(header(head, "X-Versions-Enabled")).isNull();

        versionedContainer("pol-auto");
        head = http.send("HEAD", A + "/pol-auto");
        assertThat(header(head, "X-Container-Policy-Versioning")).isEqualTo("auto");
        assertThat(header(head, "X-Versions-Enabled")).isEqualTo("True");
        assertThat(header(http.send("GET", A + "/pol-auto"), "X-Container-Policy-Versioning")).isEqualTo("auto");

        assertThat(http.send("POST", A + "/pol-auto", "X-Container-Policy-Versioning", "none").statusCode()).isEqualTo(204);
        assertThat(header(http.send("HEAD", A + "/pol-auto"), "X-Container-Policy-Versioning")).isEqualTo("none");
        assertThat(http.send("POST", A + "/pol-auto?update", "X-Container-Policy-Versioning", "AUTO").statusCode())
                .isEqualTo(202);
        assertThat(header(http.send("HEAD", A + "/pol-auto"), "X-Container-Policy-Versioning")).isEqualTo("auto");
        // a PUT on an existing container changes its policy too
        assertThat(http.send("PUT", A + "/pol-default", "X-Container-Policy-Versioning", "auto").statusCode()).isEqualTo(202);
        assertThat(header(http.send("HEAD", A + "/pol-default"), "X-Container-Policy-Versioning")).isEqualTo("auto");
    }

    @Test
    void badPoliciesAre400AndChangeNothing() throws Exception {
        assertThat(http.send("PUT", A + "/pol-bad").statusCode()).isEqualTo(201);
        for (String[] h : List.of(new String[] {"X-Container-Policy-Versioning", "sometimes"},
                new String[] {"X-Container-Policy-Versioning", ""},
                new String[] {"X-Container-Policy-Quota", "-1"},
                new String[] {"X-Container-Policy-Quota", "abc"},
                new String[] {"X-Container-Policy-Quota", "1e3"},
                new String[] {"X-Container-Policy-Quota", "9".repeat(10_000)},
                new String[] {"X-Container-Policy-Project", "p"},
                new String[] {"X-Container-Policy-Colour", "blue"})) {
            HttpResponse<byte[]> r = http.send("POST", A + "/pol-bad", h);
            assertThat(r.statusCode()).as(h[0] + ": " + h[1] + " " + text(r)).isEqualTo(400);
            r = http.send("PUT", A + "/pol-bad-new", h);
            assertThat(r.statusCode()).as("PUT " + h[0]).isEqualTo(400);
        }
        assertThat(http.send("HEAD", A + "/pol-bad-new").statusCode()).isEqualTo(404);
        assertThat(header(http.send("HEAD", A + "/pol-bad"), "X-Container-Policy-Versioning")).isEqualTo("none");
    }

    @Test
    void quotaPolicyIsTheContainersByteQuota() throws Exception {
        assertThat(http.send("PUT", A + "/pol-quota", "X-Container-Policy-Quota", "10").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> head = http.send("HEAD", A + "/pol-quota");
        assertThat(header(head, "X-Container-Policy-Quota")).isEqualTo("10");
        assertThat(header(head, "X-Container-Meta-Quota-Bytes")).isEqualTo("10");
        assertThat(put(A + "/pol-quota/small", "12345").statusCode()).isEqualTo(201);
        assertThat(put(A + "/pol-quota/big", "12345678901").statusCode()).isEqualTo(413);
        assertThat(http.send("POST", A + "/pol-quota", "X-Container-Policy-Quota", "0").statusCode()).isEqualTo(204);
        assertThat(header(http.send("HEAD", A + "/pol-quota"), "X-Container-Policy-Quota")).isEqualTo("0");
        assertThat(put(A + "/pol-quota/big", "12345678901").statusCode()).isEqualTo(201);
    }

    // ---- version headers ----

    @Test
    void readsAndWritesCarryVersionUuidAndAuthor() throws Exception {
        assertThat(http.send("PUT", A + "/hdr").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> created = put(A + "/hdr/o", "one");
        String v1 = header(created, "X-Object-Version");
        String uuid = header(created, "X-Object-UUID");
        assertThat(v1).matches("\\d{10}\\.\\d{5}");
        assertThat(header(created, "X-Object-Version-Timestamp")).isEqualTo(v1);
        assertThat(uuid).matches("[0-9a-f-]{36}");
        assertThat(header(created, "X-Object-Modified-By")).isEqualTo(TestServer.USER);
        for (String method : List.of("GET", "HEAD")) {
            HttpResponse<byte[]> r = http.send(method, A + "/hdr/o");
            assertThat(header(r, "X-Object-Version")).isEqualTo(v1);
            assertThat(Double.parseDouble(header(r, "X-Object-Version-Timestamp")))
                    .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(120.0));
            assertThat(header(r, "X-Object-UUID")).isEqualTo(uuid);
            assertThat(header(r, "X-Object-Modified-By")).isEqualTo(TestServer.USER);
            assertThat(header(r, "X-Object-Meta-Pithos-Uuid")).isNull();
        }
        // a new version of the same object keeps its UUID
        HttpResponse<byte[]> again = put(A + "/hdr/o", "two");
        assertThat(header(again, "X-Object-UUID")).isEqualTo(uuid);
        assertThat(header(again, "X-Object-Version")).isNotEqualTo(v1);
        // a copy is a new object
        HttpResponse<byte[]> copy = http.send("COPY", A + "/hdr/o", "Destination", "/hdr/copy");
        assertThat(copy.statusCode()).isEqualTo(201);
        assertThat(header(copy, "X-Object-UUID")).isNotEqualTo(uuid).matches("[0-9a-f-]{36}");
        HttpResponse<byte[]> copyFrom = put(A + "/hdr/copy2", "", "X-Copy-From", "/hdr/o");
        assertThat(header(copyFrom, "X-Object-UUID")).isNotEqualTo(uuid).isNotEqualTo(header(copy, "X-Object-UUID"));
        // metadata POSTs keep it, and their author is who posted
        assertThat(http.send("PUT", A + "/hdr", "X-Container-Write", "test:tester3", "X-Container-Read", "test:tester3")
                .statusCode()).isEqualTo(202);
        SwiftHttp tester3 = new SwiftHttp(server.port(), "test:tester3", "testing3");
        HttpResponse<byte[]> posted = tester3.send("POST", A + "/hdr/o", "X-Object-Meta-Colour", "blue");
        assertThat(posted.statusCode()).isEqualTo(202);
        HttpResponse<byte[]> after = http.send("HEAD", A + "/hdr/o");
        assertThat(header(posted, "X-Object-Version")).isEqualTo(header(after, "X-Object-Version"))
                .isNotEqualTo(header(again, "X-Object-Version"));
        assertThat(header(after, "X-Object-UUID")).isEqualTo(uuid);
        assertThat(header(after, "X-Object-Modified-By")).isEqualTo("test:tester3");
        assertThat(tester3.send("PUT", A + "/hdr/by3", "x".getBytes()).statusCode()).isEqualTo(201);
        assertThat(header(http.send("HEAD", A + "/hdr/by3"), "X-Object-Modified-By")).isEqualTo("test:tester3");
        // a client cannot set them as metadata
        HttpResponse<byte[]> forged = put(A + "/hdr/forged", "f", "X-Object-Meta-Tessera-Pithos-Uuid", "mine");
        assertThat(header(forged, "X-Object-UUID")).isNotEqualTo("mine");
    }

    // ---- version lists and reads ----

    @Test
    void versionListReadsAndCopiesOfVersions() throws Exception {
        versionedContainer("ver");
        List<String> ids = new ArrayList<>();
        for (String body : List.of("first", "second!", "third")) {
            ids.add(header(put(A + "/ver/o", body), "X-Object-Version"));
        }
        assertThat(versions(A + "/ver/o")).containsExactlyElementsOf(ids);
        assertThat(ids).isSorted();

        HttpResponse<byte[]> r = http.send("GET", A + "/ver/o?version=" + ids.get(0));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(r)).isEqualTo("first");
        assertThat(header(r, "X-Object-Version")).isEqualTo(ids.get(0));
        r = http.send("HEAD", A + "/ver/o?version=" + ids.get(1));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Length")).isEqualTo("7");
        assertThat(header(r, "X-Object-Version")).isEqualTo(ids.get(1));
        r = http.send("GET", A + "/ver/o?version=" + ids.get(1), "Range", "bytes=1-3");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(text(r)).isEqualTo("eco");
        r = http.send("GET", A + "/ver/o?hashmap&format=json&version=" + ids.get(0));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode map = JSON.readTree(r.body());
        assertThat(map.get("bytes").asLong()).isEqualTo(5);
        assertThat(map.get("hashes").get(0).asText()).isEqualTo(BlockHasher.hash("first".getBytes()).toHex());
        // the current version is the newest
        assertThat(header(http.send("HEAD", A + "/ver/o"), "X-Object-Version")).isEqualTo(ids.get(2));

        // copies of a version
        r = put(A + "/ver/restored", "", "X-Copy-From", "/ver/o", "X-Source-Version", ids.get(0));
        assertThat(r.statusCode()).as(text(r)).isEqualTo(201);
        assertThat(text(http.send("GET", A + "/ver/restored"))).isEqualTo("first");
        r = http.send("COPY", A + "/ver/o", "Destination", "/ver/restored2", "X-Source-Version", ids.get(1));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(text(http.send("GET", A + "/ver/restored2"))).isEqualTo("second!");
        // a restore onto itself: a new version, the same UUID
        String uuid = header(http.send("HEAD", A + "/ver/o"), "X-Object-UUID");
        r = put(A + "/ver/o", "", "X-Copy-From", "/ver/o", "X-Source-Version", ids.get(0));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(header(r, "X-Object-UUID")).isEqualTo(uuid);
        assertThat(text(http.send("GET", A + "/ver/o"))).isEqualTo("first");
        assertThat(versions(A + "/ver/o")).hasSize(4).startsWith(ids.toArray(new String[0]));

        // a delete leaves the history (and no delete marker in it)
        assertThat(http.send("DELETE", A + "/ver/o").statusCode()).isEqualTo(204);
        assertThat(http.send("GET", A + "/ver/o").statusCode()).isEqualTo(404);
        assertThat(versions(A + "/ver/o")).hasSize(4);
        assertThat(text(http.send("GET", A + "/ver/o?version=" + ids.get(2)))).isEqualTo("third");

        // XML and text
        r = http.send("GET", A + "/ver/o?version=list&format=xml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(r)).contains("<object name=\"o\">").contains("<version timestamp=\"" + ids.get(0) + "\">" + ids.get(0) + "</version>");
        r = http.send("GET", A + "/ver/o?version=list&format=text");
        assertThat(text(r).split("\n")).hasSize(4);
        assertThat(text(r)).startsWith(ids.get(0) + " " + ids.get(0) + "\n");
    }

    @Test
    void anUnversionedObjectHasOneVersion() throws Exception {
        assertThat(http.send("PUT", A + "/plain").statusCode()).isEqualTo(201);
        put(A + "/plain/o", "old");
        String id = header(put(A + "/plain/o", "new"), "X-Object-Version");
        assertThat(versions(A + "/plain/o")).containsExactly(id);
        assertThat(text(http.send("GET", A + "/plain/o?version=" + id))).isEqualTo("new");
        assertThat(versions(A + "/plain/none")).isEmpty();
        // turning versioning on keeps that version under the same id
        assertThat(http.send("POST", A + "/plain", "X-Container-Policy-Versioning", "auto").statusCode()).isEqualTo(204);
        String id2 = header(put(A + "/plain/o", "newer"), "X-Object-Version");
        assertThat(versions(A + "/plain/o")).containsExactly(id, id2);
        assertThat(text(http.send("GET", A + "/plain/o?version=" + id))).isEqualTo("new");
    }

    @Test
    void hostileVersionIdsAre400Or404() throws Exception {
        versionedContainer("ver-bad");
        put(A + "/ver-bad/o", "x");
        String never = "1000000000.00000";
        for (String id : List.of("abc", "..%2F..%2Fx", "../../x", "-1", "1e400", "99999999999", "1.2.3", "9".repeat(10_000),
                "%00", never)) {
            for (String method : List.of("GET", "HEAD")) {
                HttpResponse<byte[]> r = http.send(method, A + "/ver-bad/o?version=" + id.replace("/", "%2F"));
                assertThat(r.statusCode()).as(method + " version=" + id.substring(0, Math.min(20, id.length())))
                        .isIn(400, 404, 414); // 414: Jetty refuses a request line that long before we see it
                if (id.equals(never)) {
                    assertThat(r.statusCode()).isEqualTo(404);
                }
            }
            HttpResponse<byte[]> r = put(A + "/ver-bad/copy", "", "X-Copy-From", "/ver-bad/o", "X-Source-Version", id);
            assertThat(r.statusCode()).isIn(400, 404, 431);
        }
        assertThat(http.send("HEAD", A + "/ver-bad/copy").statusCode()).isEqualTo(404);
        assertThat(http.send("GET", A + "/ver-bad/missing?version=list").statusCode()).isEqualTo(200);
        assertThat(http.send("GET", A + "/no-such-container/o?version=list").statusCode()).isEqualTo(404);
    }

    // ---- until ----

    @Test
    void untilOnAVersionedContainerListsEachNameAsItWas() throws Exception {
        versionedContainer("tt");
        String a1 = header(put(A + "/tt/a", "a-one"), "X-Object-Version");
        String b1 = header(put(A + "/tt/b", "b-one"), "X-Object-Version");
        String a2 = header(put(A + "/tt/a", "a-two!!"), "X-Object-Version");
        assertThat(http.send("DELETE", A + "/tt/b").statusCode()).isEqualTo(204);
        String afterDelete = String.format("%.6f", System.currentTimeMillis() / 1000.0 + 0.001);
        Thread.sleep(5);
        String c1 = header(put(A + "/tt/c/d", "c"), "X-Object-Version");

        JsonNode at1 = listing("tt", "until=" + b1);
        assertThat(names(at1)).containsExactly("a", "b");
        assertThat(at1.get(0).get("bytes").asLong()).isEqualTo(5);
        assertThat(at1.get(0).get("hash").asText()).isEqualTo(md5("a-one"));
        assertThat(at1.get(0).get("x_object_version").asText()).isEqualTo(a1);
        assertThat(at1.get(0).get("x_object_hash").asText()).isEqualTo(BlockHasher.hash("a-one".getBytes()).toHex());
        assertThat(at1.get(0).get("x_object_modified_by").asText()).isEqualTo(TestServer.USER);
        assertThat(at1.get(0).get("x_object_uuid").asText()).matches("[0-9a-f-]{36}");
        JsonNode at2 = listing("tt", "until=" + a2);
        assertThat(names(at2)).containsExactly("a", "b");
        assertThat(at2.get(0).get("bytes").asLong()).isEqualTo(7);
        assertThat(names(listing("tt", "until=" + afterDelete))).containsExactly("a");
        assertThat(names(listing("tt", "until=" + c1))).containsExactly("a", "c/d");
        assertThat(names(listing("tt", "until=" + a1))).containsExactly("a");
        assertThat(names(listing("tt", "until=1000"))).isEmpty();
        // paging, prefix, delimiter
        assertThat(names(listing("tt", "until=" + c1 + "&limit=1"))).containsExactly("a");
        assertThat(names(listing("tt", "until=" + c1 + "&marker=a"))).containsExactly("c/d");
        assertThat(names(listing("tt", "until=" + b1 + "&marker=a"))).containsExactly("b");
        assertThat(names(listing("tt", "until=" + c1 + "&end_marker=b"))).containsExactly("a");
        assertThat(names(listing("tt", "until=" + c1 + "&prefix=c"))).containsExactly("c/d");
        JsonNode dirs = listing("tt", "until=" + c1 + "&delimiter=/");
        assertThat(dirs.get(1).get("subdir").asText()).isEqualTo("c/");
        // plain text too, and the reply says the time
        HttpResponse<byte[]> plain = http.send("GET", A + "/tt?until=" + b1);
        assertThat(text(plain)).isEqualTo("a\nb\n");
        assertThat(header(plain, "X-Container-Until-Timestamp")).isNotNull();
        assertThat(header(http.send("HEAD", A + "/tt?until=" + b1), "X-Container-Until-Timestamp")).isNotNull();
        // a listing of now is Swift's, without Pithos' fields
        JsonNode now = JSON.readTree(http.send("GET", A + "/tt?format=json").body());
        assertThat(names(now)).containsExactly("a", "c/d");
        assertThat(now.get(0).has("x_object_uuid")).isFalse();
        // the web UI lists with path=: it gets them
        JsonNode ui = JSON.readTree(http.send("GET", A + "/tt?format=json&path=").body());
        assertThat(ui.get(0).get("x_object_version").asText()).isEqualTo(a2);
        assertThat(ui.get(0).get("x_object_hash").asText()).isEqualTo(BlockHasher.hash("a-two!!".getBytes()).toHex());
        assertThat(ui.get(0).get("x_object_modified_by").asText()).isEqualTo(TestServer.USER);
    }

    @Test
    void untilOnAnUnversionedContainerShowsCurrentRowsMadeByThen() throws Exception {
        assertThat(http.send("PUT", A + "/tt-plain").statusCode()).isEqualTo(201);
        String x = header(put(A + "/tt-plain/x", "x"), "X-Object-Version");
        Thread.sleep(5);
        String y = header(put(A + "/tt-plain/y", "y"), "X-Object-Version");
        assertThat(names(listing("tt-plain", "until=" + x))).containsExactly("x");
        assertThat(names(listing("tt-plain", "until=" + y))).containsExactly("x", "y");
        JsonNode ext = listing("tt-plain", "until=" + y);
        assertThat(ext.get(1).get("x_object_version").asText()).isEqualTo(y);
    }

    @Test
    void untilOnTheAccountListsContainersCreatedByThen() throws Exception {
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        String a2 = "/v1/AUTH_test2";
        assertThat(other.send("PUT", a2 + "/first").statusCode()).isEqualTo(201);
        String t = String.format("%.6f", System.currentTimeMillis() / 1000.0 + 0.001);
        Thread.sleep(10);
        assertThat(other.send("PUT", a2 + "/second").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> r = other.send("GET", a2 + "?until=" + t);
        assertThat(text(r)).isEqualTo("first\n");
        assertThat(header(r, "X-Account-Until-Timestamp")).isNotNull();
        assertThat(text(other.send("GET", a2))).isEqualTo("first\nsecond\n");
        assertThat(header(other.send("HEAD", a2 + "?until=" + t), "X-Account-Until-Timestamp")).isNotNull();
        assertThat(JSON.readTree(other.send("GET", a2 + "?format=json&until=" + t).body()).get(0).get("name").asText())
                .isEqualTo("first");
    }

    /**
     * Review finding: ?version=, ?version=list and X-Source-Version showed old and deleted versions to
     * every reader of a container (here a public one), where ?version-id= is the owner's only.
     */
    @Test
    void oldVersionsAreTheOwnersOnly() throws Exception {
        versionedContainer("vers-acl");
        assertThat(http.send("POST", A + "/vers-acl", "X-Container-Read", ".r:*,test2:tester2").statusCode()).isEqualTo(204);
        String v1 = header(put(A + "/vers-acl/doc", "OLD-SECRET-v1"), "X-Object-Version");
        put(A + "/vers-acl/doc", "v2");
        assertThat(http.send("DELETE", A + "/vers-acl/doc").statusCode()).isEqualTo(204);
        SwiftHttp anonymous = SwiftHttp.anonymous(server.port());
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        assertThat(anonymous.send("GET", A + "/vers-acl/doc?version=list").statusCode()).isEqualTo(401);
        assertThat(anonymous.send("GET", A + "/vers-acl/doc?version=" + v1).statusCode()).isEqualTo(401);
        assertThat(other.send("GET", A + "/vers-acl/doc?version=list").statusCode()).isEqualTo(403);
        assertThat(other.send("GET", A + "/vers-acl/doc?version=" + v1).statusCode()).isEqualTo(403);
        assertThat(other.send("PUT", "/v1/AUTH_test2/mine").statusCode()).isIn(201, 202);
        assertThat(other.send("COPY", A + "/vers-acl/doc", "Destination", "mine/stolen", "Destination-Account", "AUTH_test2",
                "X-Source-Version", v1).statusCode()).isIn(403, 404);
        assertThat(other.send("GET", "/v1/AUTH_test2/mine/stolen").statusCode()).isEqualTo(404);
        assertThat(other.send("DELETE", "/v1/AUTH_test2/mine").statusCode()).isEqualTo(204); // the account as it was
        // the owner reads them
        assertThat(text(http.send("GET", A + "/vers-acl/doc?version=" + v1))).isEqualTo("OLD-SECRET-v1");
    }

    /**
     * Pithos lets whoever may read an object through sharing read its versions too (the note's table:
     * get_object_meta, list_versions and _copy_object all ask _can_read_object of the path as shared
     * now); container ACLs still do not reach them ({@link #oldVersionsAreTheOwnersOnly}).
     */
    @Test
    void sharingGranteesReadTheVersionsOfWhatIsSharedWithThem() throws Exception {
        versionedContainer("vers-shared");
        String v1 = header(put(A + "/vers-shared/doc", "shared-v1-longer"), "X-Object-Version");
        String v2 = header(put(A + "/vers-shared/doc", "v2", "X-Object-Sharing", "read=AUTH_test2"), "X-Object-Version");
        assertThat(http.send("PUT", A + "/vers-shared/dir", new byte[0], "Content-Type", "application/directory",
                "X-Object-Sharing", "read=AUTH_test2").statusCode()).isEqualTo(201);
        String d1 = header(put(A + "/vers-shared/dir/inner", "inner-v1"), "X-Object-Version");
        put(A + "/vers-shared/dir/inner", "inner-v2");
        String n1 = header(put(A + "/vers-shared/not-shared", "private-v1"), "X-Object-Version");
        put(A + "/vers-shared/not-shared", "private-v2");
        SwiftHttp grantee = new SwiftHttp(server.port(), "test2:tester2", "testing2");

        HttpResponse<byte[]> list = grantee.send("GET", A + "/vers-shared/doc?version=list&format=json");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(text(list)).contains(v1).contains(v2);
        assertThat(text(grantee.send("GET", A + "/vers-shared/doc?version=" + v1))).isEqualTo("shared-v1-longer");
        HttpResponse<byte[]> head = grantee.send("HEAD", A + "/vers-shared/doc?version=" + v1);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(header(head, "Content-Length")).isEqualTo("16");
        // through a shared directory, as the current object is
        assertThat(text(grantee.send("GET", A + "/vers-shared/dir/inner?version=" + d1))).isEqualTo("inner-v1");
        // a copy of a version into the grantee's own account
        assertThat(grantee.send("PUT", "/v1/AUTH_test2/vers-copies").statusCode()).isIn(201, 202);
        assertThat(grantee.send("COPY", A + "/vers-shared/doc", "Destination", "vers-copies/old",
                "Destination-Account", "AUTH_test2", "X-Source-Version", v1).statusCode()).isEqualTo(201);
        assertThat(text(grantee.send("GET", "/v1/AUTH_test2/vers-copies/old"))).isEqualTo("shared-v1-longer");

        // what is not shared stays the owner's, and so does everything once unshared
        assertThat(grantee.send("GET", A + "/vers-shared/not-shared?version=list").statusCode()).isEqualTo(403);
        assertThat(grantee.send("GET", A + "/vers-shared/not-shared?version=" + n1).statusCode()).isEqualTo(403);
        assertThat(grantee.send("COPY", A + "/vers-shared/not-shared", "Destination", "vers-copies/stolen",
                "Destination-Account", "AUTH_test2", "X-Source-Version", n1).statusCode()).isEqualTo(403);
        assertThat(http.send("POST", A + "/vers-shared/doc", "X-Object-Sharing", "").statusCode()).isIn(202, 204);
        assertThat(grantee.send("GET", A + "/vers-shared/doc?version=list").statusCode()).isEqualTo(403);
        assertThat(grantee.send("GET", A + "/vers-shared/doc?version=" + v1).statusCode()).isEqualTo(403);
        grantee.send("DELETE", "/v1/AUTH_test2/vers-copies/old");
        assertThat(grantee.send("DELETE", "/v1/AUTH_test2/vers-copies").statusCode()).isEqualTo(204);
    }

    @Test
    void untilIsForTheOwnerOnlyAndHostileValuesAre400() throws Exception {
        versionedContainer("tt-acl");
        assertThat(http.send("POST", A + "/tt-acl", "X-Container-Read", "test:tester3,test2:tester2").statusCode()).isEqualTo(204);
        put(A + "/tt-acl/o", "o");
        SwiftHttp tester3 = new SwiftHttp(server.port(), "test:tester3", "testing3");
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        String now = String.format("%.6f", System.currentTimeMillis() / 1000.0 + 1);
        for (SwiftHttp c : List.of(tester3, other)) {
            assertThat(c.send("GET", A + "/tt-acl").statusCode()).isEqualTo(200);
            assertThat(c.send("GET", A + "/tt-acl?until=" + now).statusCode()).isEqualTo(403);
            assertThat(c.send("HEAD", A + "/tt-acl?until=" + now).statusCode()).isEqualTo(403);
            assertThat(c.send("DELETE", A + "/tt-acl?until=" + now).statusCode()).isEqualTo(403);
            assertThat(c.send("DELETE", A + "/tt-acl/o?until=" + now).statusCode()).isEqualTo(403);
        }
        assertThat(other.send("GET", A + "?until=" + now).statusCode()).isEqualTo(403);
        for (String bad : List.of("abc", "1e400", "-1", "", "NaN", "Infinity", "1" + "0".repeat(2_000), "%00",
                "10000000000", "1,5")) {
            for (String path : List.of(A + "/tt-acl", A)) {
                for (String method : List.of("GET", "HEAD")) {
                    HttpResponse<byte[]> r = http.send(method, path + "?until=" + bad);
                    assertThat(r.statusCode()).as(method + " " + path + " until=" + bad.substring(0, Math.min(10, bad.length())))
                            .isEqualTo(400);
                }
            }
            assertThat(http.send("DELETE", A + "/tt-acl?until=" + bad).statusCode()).isEqualTo(400);
            assertThat(http.send("DELETE", A + "/tt-acl/o?until=" + bad).statusCode()).isEqualTo(400);
        }
        assertThat(text(http.send("GET", A + "/tt-acl/o"))).isEqualTo("o");
        assertThat(versions(A + "/tt-acl/o")).hasSize(1);
    }

    // ---- purge ----

    @Test
    void objectPurgeRemovesHistoryUpToThenAndTheObjectWhenThatOld() throws Exception {
        versionedContainer("purge");
        List<String> ids = new ArrayList<>();
        for (String body : List.of("p1", "p2", "p3", "p4")) {
            ids.add(header(put(A + "/purge/o", body), "X-Object-Version"));
        }
        assertThat(http.send("DELETE", A + "/purge/o?until=" + ids.get(1)).statusCode()).isEqualTo(204);
        assertThat(versions(A + "/purge/o")).containsExactly(ids.get(2), ids.get(3));
        assertThat(http.send("GET", A + "/purge/o?version=" + ids.get(0)).statusCode()).isEqualTo(404);
        assertThat(text(http.send("GET", A + "/purge/o"))).isEqualTo("p4");
        // up to the current version: the object goes too
        assertThat(http.send("DELETE", A + "/purge/o?until=" + ids.get(3)).statusCode()).isEqualTo(204);
        assertThat(http.send("GET", A + "/purge/o").statusCode()).isEqualTo(404);
        assertThat(versions(A + "/purge/o")).isEmpty();
        // an object without versioning: gone when it is that old, kept when newer
        assertThat(http.send("PUT", A + "/purge-plain").statusCode()).isEqualTo(201);
        String id = header(put(A + "/purge-plain/o", "x"), "X-Object-Version");
        assertThat(http.send("DELETE", A + "/purge-plain/o?until=1000").statusCode()).isEqualTo(204);
        assertThat(http.send("GET", A + "/purge-plain/o").statusCode()).isEqualTo(200);
        assertThat(http.send("DELETE", A + "/purge-plain/o?until=" + id).statusCode()).isEqualTo(204);
        assertThat(http.send("GET", A + "/purge-plain/o").statusCode()).isEqualTo(404);
        assertThat(http.send("DELETE", A + "/purge-plain/never?until=" + id).statusCode()).isEqualTo(204);
        assertThat(http.send("DELETE", A + "/no-such-container/o?until=" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void containerPurgeKeepsTheCurrentVersions() throws Exception {
        versionedContainer("cpurge");
        List<String> a = new ArrayList<>();
        for (String body : List.of("a1", "a2", "a3")) {
            a.add(header(put(A + "/cpurge/a", body), "X-Object-Version"));
        }
        String b1 = header(put(A + "/cpurge/b", "b1"), "X-Object-Version");
        assertThat(http.send("DELETE", A + "/cpurge/b").statusCode()).isEqualTo(204);
        String c1 = header(put(A + "/cpurge/c", "c1"), "X-Object-Version");
        String later = header(put(A + "/cpurge/c", "c2"), "X-Object-Version");
        assertThat(http.send("DELETE", A + "/cpurge?until=" + c1).statusCode()).isEqualTo(204);
        assertThat(versions(A + "/cpurge/a")).containsExactly(a.get(2));
        assertThat(versions(A + "/cpurge/b")).isEmpty();
        assertThat(versions(A + "/cpurge/c")).containsExactly(later);
        assertThat(text(http.send("GET", A + "/cpurge/a"))).isEqualTo("a3");
        assertThat(text(http.send("GET", A + "/cpurge/c"))).isEqualTo("c2");
        assertThat(http.send("HEAD", A + "/cpurge").statusCode()).isEqualTo(204);
        // A purge that leaves the container empty deletes it, as kamaki's `container delete` expects (it ends
        // with DELETE ?until=<now>); one that leaves objects keeps it (above).
        assertThat(http.send("DELETE", A + "/cpurge/a").statusCode()).isEqualTo(204);
        assertThat(http.send("DELETE", A + "/cpurge/c").statusCode()).isEqualTo(204);
        String now = String.format("%.6f", System.currentTimeMillis() / 1000.0 + 1);
        assertThat(http.send("DELETE", A + "/cpurge?until=" + now).statusCode()).isEqualTo(204);
        assertThat(http.send("HEAD", A + "/cpurge").statusCode()).isEqualTo(404);
        assertThat(b1).isNotNull();
    }

    @Test
    void purgesRacingWritesNeverLeaveAnObjectWithoutItsVersion() throws Exception {
        versionedContainer("race");
        String far = "9999999999";
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Integer> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread purger = new Thread(() -> {
            try {
                while (writing.get()) {
                    int s = http.send("DELETE", A + "/race?until=" + far).statusCode();
                    int o = http.send("DELETE", A + "/race/o?until=" + far).statusCode();
                    int g = http.send("GET", A + "/race/o").statusCode();
                    for (int code : new int[] {s, o, g}) {
                        if (code >= 500) {
                            bad.add(code);
                        }
                    }
                }
            } catch (Exception e) {
                bad.add(-1);
            }
        });
        purger.start();
        try {
            for (int i = 0; i < 40; i++) {
                // 404 when a purge had left the container empty and deleted it (a write racing a delete)
                int status = put(A + "/race/o", "body-" + i).statusCode();
                assertThat(status).isIn(201, 404);
                if (status == 404) {
                    ensureVersionedContainer("race");
                }
            }
        } finally {
            writing.set(false);
            purger.join();
        }
        assertThat(bad).isEmpty();
        // whatever the purges took, the object is either gone or readable with a version that exists
        HttpResponse<byte[]> head = http.send("HEAD", A + "/race/o");
        if (head.statusCode() == 200) {
            HttpResponse<byte[]> get = http.send("GET", A + "/race/o");
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(text(get)).startsWith("body-");
            assertThat(versions(A + "/race/o")).contains(header(get, "X-Object-Version"));
        } else {
            assertThat(head.statusCode()).isEqualTo(404);
        }
        ensureVersionedContainer("race");
        String last = header(put(A + "/race/o", "final"), "X-Object-Version");
        assertThat(text(http.send("GET", A + "/race/o"))).isEqualTo("final");
        assertThat(versions(A + "/race/o")).endsWith(last);
    }

    @Test
    void afterAPurgeTheCollectorFreesOnlyWhatNoRowNames() throws Exception {
        versionedContainer("gcv");
        Random random = new Random(14);
        byte[] shared = new byte[3000];
        byte[] unique = new byte[3000];
        byte[] current = new byte[3000];
        random.nextBytes(shared);
        random.nextBytes(unique);
        random.nextBytes(current);
        http.send("PUT", A + "/gcv/o", shared);
        String v2 = header(http.send("PUT", A + "/gcv/o", unique), "X-Object-Version");
        http.send("PUT", A + "/gcv/o", current);
        assertThat(http.send("PUT", A + "/gcv/other", shared).statusCode()).isEqualTo(201);
        assertThat(http.send("DELETE", A + "/gcv/o?until=" + v2).statusCode()).isEqualTo(204);
        assertThat(versions(A + "/gcv/o")).hasSize(1);

        io.tessera.store.Store store = server.server.store();
        BlockHash sharedHash = BlockHasher.hash(shared);
        BlockHash uniqueHash = BlockHasher.hash(unique);
        BlockHash currentHash = BlockHasher.hash(current);
        Duration grace = Duration.ofMillis(500);
        Collector collector = new Collector(store, new GcSettings(grace, 1e-6, home.resolve("gc-v"), true), "pithos-versions",
                new GcProgress());
        for (int i = 0; i < 3; i++) {
            Thread.sleep(grace.toMillis() + 100);
            assertThat(collector.runOnce()).isPresent();
        }
        assertThat(store.blocks().get(uniqueHash)).as("the purged version's own block").isEmpty();
        assertThat(store.blocks().get(sharedHash)).as("a block another object names").isPresent();
        assertThat(store.blocks().get(currentHash)).as("the current version's block").isPresent();
        assertThat(http.send("GET", A + "/gcv/other").body()).isEqualTo(shared);
        assertThat(http.send("GET", A + "/gcv/o").body()).isEqualTo(current);
    }

    private JsonNode listing(String container, String query) throws Exception {
        HttpResponse<byte[]> r = http.send("GET", A + "/" + container + "?format=json&" + query);
        assertThat(r.statusCode()).as(query + ": " + text(r)).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> names(JsonNode listing) {
        List<String> names = new ArrayList<>();
        listing.forEach(n -> names.add(n.has("name") ? n.get("name").asText() : n.get("subdir").asText()));
        return names;
    }

    private static String md5(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
