package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pithos public links at the HTTP level against a real server (issue 14, item 5): {@code X-Object-Public}
 * publishes and unpublishes, {@code /public/<token>} serves the object to anyone without a token (ranges,
 * conditions, disposition, Pithos's restricted headers), the owner alone sees the URL, hostile tokens and
 * methods. Runs once per backend ({@link PithosPublicLinksEmbeddedTest}, {@link PithosPublicLinksCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PithosPublicLinksTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final ObjectMapper JSON = new ObjectMapper();

    TestServer server;
    SwiftHttp http;
    SwiftHttp other;   // test2:tester2, admin of another account
    SwiftHttp member;  // test:tester3, a non-admin member of AUTH_test
    SwiftHttp anonymous;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        member = new SwiftHttp(server.port(), "test:tester3", "testing3");
        anonymous = SwiftHttp.anonymous(server.port());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers ----

    String container(String name) throws Exception {
        assertThat(http.send("PUT", A + "/" + name).statusCode()).isIn(201, 202);
        return A + "/" + name;
    }

    void put(String path, String body, String... headers) throws Exception {
        assertThat(http.send("PUT", path, body.getBytes(StandardCharsets.UTF_8), headers).statusCode()).isEqualTo(201);
    }

    int publish(String path, String value) throws Exception {
        return http.send("POST", path, "X-Object-Public", value).statusCode();
    }

    /** The owner's X-Object-Public, or null. */
    String urlOf(String path) throws Exception {
        HttpResponse<byte[]> r = http.send("HEAD", path);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("X-Object-Public").orElse(null);
    }

    /** The path part of a public URL: /public/<token>. */
    String pathOf(String url) {
        assertThat(url).startsWith("http://127.0.0.1:" + server.port() + "/public/");
        return url.substring(("http://127.0.0.1:" + server.port()).length());
    }

    static String tokenOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** No header of a public reply tells anything but the bytes' own description. */
    static void restricted(HttpResponse<byte[]> r) {
        // Every reply carries an X-Timestamp; a public one has the request's time, never the object's.
        long sent = (long) Double.parseDouble(r.headers().firstValue("X-Timestamp").orElse("0"));
        assertThat(sent).isGreaterThanOrEqualTo(java.time.Instant.now().getEpochSecond() - 60);
        for (String name : r.headers().map().keySet()) {
            String h = name.toLowerCase(Locale.ROOT);
            assertThat(h).as("header " + name).doesNotStartWith("x-object-").doesNotStartWith("x-tessera")
                    .doesNotStartWith("x-static-large-object").doesNotStartWith("x-symlink").doesNotStartWith("content-location")
                    .doesNotStartWith("x-object-manifest").doesNotStartWith("x-delete");
        }
    }

    // ---- the lifecycle ----

    @Test
    void publishServeUnpublishRepublishDelete() throws Exception {
        String c = container("life");
        String o = c + "/report.txt";
        put(o, "0123456789abcdef", "X-Object-Meta-Color", "blue", "Content-Type", "text/plain");
        assertThat(urlOf(o)).isNull();

        assertThat(publish(o, "True ")).isEqualTo(202); // spaces removed, case ignored
        String url = urlOf(o);
        assertThat(url).isNotNull();
        String token = tokenOf(url);
        assertThat(token).matches("[0-9A-Za-z]{1,22}");
        assertThat(http.send("GET", o).headers().firstValue("X-Object-Public")).contains(url);

        String objectTimestamp = http.send("HEAD", o).headers().firstValue("X-Timestamp").orElseThrow();
        Thread.sleep(20);
        HttpResponse<byte[]> get = anonymous.send("GET", pathOf(url));
        assertThat(get.headers().firstValue("X-Timestamp")).isNotEqualTo(java.util.Optional.of(objectTimestamp));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(text(get)).isEqualTo("0123456789abcdef");
        assertThat(get.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(get.headers().firstValue("ETag")).isPresent();
        assertThat(get.headers().firstValue("Last-Modified")).isPresent();
        assertThat(get.headers().firstValue("Content-Disposition")).contains("inline; filename=\"report.txt\"");
        assertThat(get.headers().firstValue("X-Object-Meta-Color")).isEmpty();
        restricted(get);

        HttpResponse<byte[]> head = anonymous.send("HEAD", pathOf(url));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("16");
        restricted(head);

        HttpResponse<byte[]> range = anonymous.send("GET", pathOf(url), "Range", "bytes=2-5");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(text(range)).isEqualTo("2345");
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 2-5/16");
        restricted(range);
        assertThat(anonymous.send("GET", pathOf(url), "Range", "bytes=100-200").statusCode()).isEqualTo(416);

        String etag = get.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> notModified = anonymous.send("GET", pathOf(url), "If-None-Match", etag);
        assertThat(notModified.statusCode()).isEqualTo(304);
        restricted(notModified);
        assertThat(anonymous.send("GET", pathOf(url), "If-Match", "\"nope\"").statusCode()).isEqualTo(412);

        assertThat(anonymous.send("GET", pathOf(url) + "?disposition-type=attachment").headers()
                .firstValue("Content-Disposition")).contains("attachment; filename=\"report.txt\"");
        assertThat(anonymous.send("GET", pathOf(url) + "?disposition-type=inline").headers()
                .firstValue("Content-Disposition")).contains("inline; filename=\"report.txt\"");
        assertThat(anonymous.send("GET", pathOf(url) + "?disposition-type=jsdljladj").headers()
                .firstValue("Content-Disposition")).contains("inline; filename=\"report.txt\"");
        // other queries are not passed on: no manifest, no version, no link itself
        HttpResponse<byte[]> queried = anonymous.send("GET", pathOf(url) + "?multipart-manifest=get&symlink=get&format=json");
        assertThat(text(queried)).isEqualTo("0123456789abcdef");

        // publishing twice keeps the token; a metadata POST keeps it too
        assertThat(publish(o, "true")).isEqualTo(202);
        assertThat(urlOf(o)).isEqualTo(url);
        assertThat(http.send("POST", o, "X-Object-Meta-Color", "red").statusCode()).isEqualTo(202);
        assertThat(urlOf(o)).isEqualTo(url);

        // an overwrite keeps the link: it belongs to the path
        put(o, "new content");
        assertThat(urlOf(o)).isEqualTo(url);
        assertThat(text(anonymous.send("GET", pathOf(url)))).isEqualTo("new content");

        // unpublish: the link is 404 at once
        assertThat(publish(o, "false")).isEqualTo(202);
        assertThat(urlOf(o)).isNull();
        assertThat(anonymous.send("GET", pathOf(url)).statusCode()).isEqualTo(404);
        assertThat(anonymous.send("HEAD", pathOf(url)).statusCode()).isEqualTo(404);

        // a later publish gives a new token
        assertThat(publish(o, "TRUE")).isEqualTo(202);
        String again = urlOf(o);
        assertThat(again).isNotNull().isNotEqualTo(url);
        assertThat(anonymous.send("GET", pathOf(url)).statusCode()).isEqualTo(404);
        assertThat(text(anonymous.send("GET", pathOf(again)))).isEqualTo("new content");

        // an empty value unpublishes too
        assertThat(publish(o, "")).isEqualTo(202);
        assertThat(urlOf(o)).isNull();
        assertThat(publish(o, "true")).isEqualTo(202);
        String third = urlOf(o);

        // delete: 404 at once, and a new object at the path is not public
        assertThat(http.send("DELETE", o).statusCode()).isEqualTo(204);
        assertThat(anonymous.send("GET", pathOf(third)).statusCode()).isEqualTo(404);
        put(o, "after the delete");
        assertThat(urlOf(o)).isNull();
        assertThat(anonymous.send("GET", pathOf(third)).statusCode()).isEqualTo(404);
    }

    @Test
    void putAndCopyTakeTheHeaderAndACopyIsNotPublic() throws Exception {
        String c = container("writes");
        put(c + "/p", "published at creation", "X-Object-Public", "true");
        String url = urlOf(c + "/p");
        assertThat(url).isNotNull();
        assertThat(text(anonymous.send("GET", pathOf(url)))).isEqualTo("published at creation");

        // a copy does not take the source's link (Pithos: sharing and public are not copied)
        assertThat(http.send("COPY", c + "/p", "Destination", "writes/copy").statusCode()).isEqualTo(201);
        assertThat(urlOf(c + "/copy")).isNull();
        assertThat(http.send("PUT", c + "/copy2", new byte[0], "X-Copy-From", "writes/p").statusCode()).isEqualTo(201);
        assertThat(urlOf(c + "/copy2")).isNull();
        assertThat(urlOf(c + "/p")).isEqualTo(url);

        // ... unless it asks for one
        assertThat(http.send("COPY", c + "/p", "Destination", "writes/copy3", "X-Object-Public", "true").statusCode())
                .isEqualTo(201);
        String copyUrl = urlOf(c + "/copy3");
        assertThat(copyUrl).isNotNull().isNotEqualTo(url);

        // a PUT with false unpublishes what it overwrites
        put(c + "/p", "replaced", "X-Object-Public", "false");
        assertThat(urlOf(c + "/p")).isNull();
        assertThat(anonymous.send("GET", pathOf(url)).statusCode()).isEqualTo(404);
    }

    @Test
    void aBadValueIs400AndChangesNothing() throws Exception {
        String c = container("bad");
        put(c + "/o", "x");
        for (String bad : List.of("yes", "1", "true,false", "t r u e x")) {
            HttpResponse<byte[]> r = http.send("POST", c + "/o", "X-Object-Public", bad, "X-Object-Meta-Changed", "yes");
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(text(r)).contains("X-Object-Public");
        }
        assertThat(http.send("HEAD", c + "/o").headers().firstValue("X-Object-Meta-Changed")).isEmpty();
        assertThat(http.send("PUT", c + "/new", "x".getBytes(StandardCharsets.UTF_8), "X-Object-Public", "maybe")
                .statusCode()).isEqualTo(400);
        assertThat(http.send("HEAD", c + "/new").statusCode()).isEqualTo(404);
        String huge = "t".repeat(8000);
        assertThat(http.send("POST", c + "/o", "X-Object-Public", huge).statusCode()).isEqualTo(400);
        assertThat(http.send("POST", c + "/missing", "X-Object-Public", "true").statusCode()).isEqualTo(404);
    }

    // ---- who sees and who may ----

    @Test
    void onlyTheOwnerSeesTheUrlAndWritersMayPublish() throws Exception {
        String c = container("who");
        String o = c + "/o";
        put(o, "shared bytes");
        assertThat(other.send("GET", o).statusCode()).isEqualTo(403);
        assertThat(member.send("GET", o).statusCode()).isEqualTo(403);
        // no write permission: no publish
        assertThat(other.send("POST", o, "X-Object-Public", "true").statusCode()).isEqualTo(403);
        assertThat(member.send("POST", o, "X-Object-Public", "true").statusCode()).isEqualTo(403);
        assertThat(urlOf(o)).isNull();

        assertThat(publish(o, "true")).isEqualTo(202);
        String url = urlOf(o);
        // a public object is readable through the API by any authenticated user; none but the owner sees its URL
        for (SwiftHttp reader : List.of(other, member)) {
            HttpResponse<byte[]> r = reader.send("GET", o);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(text(r)).isEqualTo("shared bytes");
            assertThat(r.headers().firstValue("X-Object-Public")).isEmpty();
            assertThat(reader.send("HEAD", o).headers().firstValue("X-Object-Public")).isEmpty();
            assertThat(reader.send("POST", o, "X-Object-Public", "false").statusCode()).isEqualTo(403);
            assertThat(reader.send("DELETE", o).statusCode()).isEqualTo(403);
        }
        // anonymous API requests are not users: 401 as before
        assertThat(anonymous.send("GET", o).statusCode()).isEqualTo(401);
        assertThat(urlOf(o)).isEqualTo(url);

        // a member with the container's read ACL lists it, without x_object_public, and may not ask ?public
        assertThat(http.send("POST", c, "X-Container-Read", "test:tester3").statusCode()).isEqualTo(204);
        JsonNode listed = JSON.readTree(member.send("GET", c + "?format=json").body());
        assertThat(listed.get(0).has("x_object_public")).isFalse();
        assertThat(member.send("GET", c + "?public&format=json").statusCode()).isEqualTo(403);
        assertThat(member.send("GET", A + "?public").statusCode()).isEqualTo(403);
        JsonNode owners = JSON.readTree(http.send("GET", c + "?format=json").body());
        assertThat(owners.get(0).get("x_object_public").asText()).isEqualTo(url);

        // a writer (container write ACL) may publish and unpublish
        String w = container("who-writes");
        put(w + "/o", "written");
        assertThat(http.send("POST", w, "X-Container-Write", "test:tester3").statusCode()).isEqualTo(204);
        assertThat(member.send("POST", w + "/o", "X-Object-Public", "true").statusCode()).isEqualTo(202);
        String byWriter = urlOf(w + "/o");
        assertThat(byWriter).isNotNull();
        assertThat(text(anonymous.send("GET", pathOf(byWriter)))).isEqualTo("written");
        assertThat(member.send("POST", w + "/o", "X-Object-Public", "false").statusCode()).isEqualTo(202);
        assertThat(urlOf(w + "/o")).isNull();

        assertThat(publish(o, "false")).isEqualTo(202);
        assertThat(other.send("GET", o).statusCode()).isEqualTo(403);
    }

    // ---- listings ----

    @Test
    void publicListings() throws Exception {
        String c = container("listed");
        container("listed-none");
        put(A + "/listed-none/o", "x");
        for (int i = 0; i < 30; i++) {
            put(c + String.format("/o%02d", i), "x", i % 10 == 3 ? new String[]{"X-Object-Public", "true"} : new String[0]);
        }
        put(c + "/dir/p", "x", "X-Object-Public", "true");
        assertThat(text(http.send("GET", c + "?public"))).isEqualTo("dir/p\no03\no13\no23\n");
        assertThat(text(http.send("GET", c + "?public&limit=2"))).isEqualTo("dir/p\no03\n");
        assertThat(text(http.send("GET", c + "?public&limit=2&marker=o03"))).isEqualTo("o13\no23\n");
        assertThat(text(http.send("GET", c + "?public&reverse=true&limit=2"))).isEqualTo("o23\no13\n");
        JsonNode rows = JSON.readTree(http.send("GET", c + "?public&format=json").body());
        assertThat(rows).hasSize(4);
        for (JsonNode row : rows) {
            assertThat(row.get("x_object_public").asText()).contains("/public/");
        }
        JsonNode all = JSON.readTree(http.send("GET", c + "?format=json").body());
        assertThat(all).hasSize(31);
        long withUrl = 0;
        for (JsonNode row : all) {
            withUrl += row.has("x_object_public") ? 1 : 0;
        }
        assertThat(withUrl).isEqualTo(4);
        // an empty public listing of a container with none
        assertThat(http.send("GET", A + "/listed-none?public").statusCode()).isEqualTo(204);
        // the account's containers holding a public object
        String containers = text(http.send("GET", A + "?public"));
        assertThat(containers).contains("listed\n").doesNotContain("listed-none");
    }

    @Test
    void aThousandPublishesGiveDistinctBase62Tokens() throws Exception {
        String c = container("many");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> puts = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String path = c + "/o" + i;
                puts.add(pool.submit(() -> http.send("PUT", path, new byte[]{1}, "X-Object-Public", "true").statusCode()));
            }
            for (Future<Integer> f : puts) {
                assertThat(f.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode rows = JSON.readTree(http.send("GET", c + "?public&format=json").body());
        assertThat(rows).hasSize(1000);
        Set<String> tokens = new HashSet<>();
        int of22 = 0;
        for (JsonNode row : rows) {
            String token = tokenOf(row.get("x_object_public").asText());
            assertThat(token).matches("[0-9A-Za-z]{1,22}");
            of22 += token.length() == 22 ? 1 : 0;
            tokens.add(token);
        }
        assertThat(tokens).hasSize(1000);
        assertThat(of22).as("most 128-bit numbers take 22 base-62 digits").isGreaterThan(700);
    }

    // ---- the public endpoint, hostile ----

    @Test
    void guessedAndGarbageTokensAre404() throws Exception {
        String c = container("guess");
        put(c + "/o", "secret", "X-Object-Public", "true");
        String token = tokenOf(urlOf(c + "/o"));
        String wrong = (token.charAt(0) == 'a' ? "b" : "a") + token.substring(1);
        for (String t : List.of(wrong, "0", "AAAAAAAAAAAAAAAAAAAAAA", "x".repeat(10_000), "%2e%2e%2fv1", "a%2Fb",
                "..", "%C3%A9", "tok/extra", token + "/", token + "x", "%20", token.toLowerCase(Locale.ROOT) + "Z")) {
            HttpResponse<byte[]> r = anonymous.send("GET", "/public/" + t);
            assertThat(r.statusCode()).as(t.length() > 40 ? "10,000 chars" : t).isEqualTo(404);
            assertThat(text(r)).doesNotContain("Exception");
        }
        assertThat(anonymous.send("GET", "/public/").statusCode()).isEqualTo(404);
        assertThat(anonymous.send("GET", "/public").statusCode()).isEqualTo(404);
        assertThat(anonymous.send("HEAD", "/public/" + wrong).statusCode()).isEqualTo(404);
        // a token is no API credential
        assertThat(SwiftHttp.withToken(server.port(), token).send("GET", c + "/o").statusCode()).isEqualTo(401);
    }

    @Test
    void otherMethodsAre405() throws Exception {
        String c = container("methods");
        put(c + "/o", "body", "X-Object-Public", "true");
        String p = pathOf(urlOf(c + "/o"));
        for (String method : List.of("POST", "PUT", "DELETE", "COPY", "OPTIONS")) {
            HttpResponse<byte[]> r = http.send(method, p, "x".getBytes(StandardCharsets.UTF_8), "Destination", "methods/x");
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).as(method).contains("GET, HEAD");
        }
        assertThat(text(anonymous.send("GET", p))).isEqualTo("body");
        assertThat(http.send("HEAD", c + "/x").statusCode()).isEqualTo(404);
    }

    @Test
    void anAbsoluteFormRequestLineIsServed() throws Exception {
        String c = container("absolute");
        put(c + "/o", "absolute bytes", "X-Object-Public", "true");
        String url = urlOf(c + "/o");
        SwiftHttp.RawResponse r = anonymous.raw("GET " + url + " HTTP/1.1\r\nX-Auth-Token: ", null, false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("absolute bytes");
        SwiftHttp.RawResponse missing = anonymous.raw("GET http://127.0.0.1:" + server.port() + "/public/nope HTTP/1.1"
                + "\r\nX-Auth-Token: ", null, false);
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void aPublicLinkReachesItsOwnObjectAndNothingElse() throws Exception {
        String c = container("large");
        put(c + "/seg/1", "first-");
        put(c + "/seg/2", "second");
        put(c + "/dlo", "", "X-Object-Manifest", "large/seg/", "X-Object-Public", "true");
        assertThat(anonymous.send("GET", pathOf(urlOf(c + "/dlo"))).statusCode()).as("a DLO's segments").isEqualTo(404);
        String manifest = "[{\"path\": \"/large/seg/1\"}, {\"path\": \"/large/seg/2\"}]";
        assertThat(http.send("PUT", c + "/slo?multipart-manifest=put", manifest.getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(201);
        assertThat(publish(c + "/slo", "true")).isEqualTo(202);
        assertThat(anonymous.send("GET", pathOf(urlOf(c + "/slo"))).statusCode()).as("an SLO's segments").isEqualTo(404);
        put(c + "/link", "", "X-Symlink-Target", "large/seg/2", "X-Object-Public", "true");
        assertThat(anonymous.send("GET", pathOf(urlOf(c + "/link"))).statusCode()).as("a symlink's target").isEqualTo(404);

        // Review finding: a user who may write a public object (here through Pithos sharing) points it at a
        // private object of the owner's; the public link must not serve that object.
        String priv = container("private-of-owner");
        put(priv + "/secret", "TOPSECRET");
        put(c + "/shared", "hello", "X-Object-Public", "true", "X-Object-Sharing", "write=AUTH_test2");
        String url = pathOf(urlOf(c + "/shared"));
        assertThat(text(anonymous.send("GET", url))).isEqualTo("hello");
        assertThat(other.send("PUT", c + "/shared", new byte[0], "X-Symlink-Target", "private-of-owner/secret").statusCode())
                .isEqualTo(201);
        HttpResponse<byte[]> after = anonymous.send("GET", url);
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(text(after)).doesNotContain("TOPSECRET");
        assertThat(other.send("PUT", c + "/shared", new byte[0], "X-Object-Manifest", "private-of-owner/").statusCode())
                .isEqualTo(201);
        assertThat(text(anonymous.send("GET", url))).doesNotContain("TOPSECRET");

        // An object in a container with object versioning (its path holds a link to its own version) is served.
        assertThat(http.send("PUT", "/v1/AUTH_test/pub-versioned", "X-Versions-Enabled", "true").statusCode()).isIn(201, 202);
        put("/v1/AUTH_test/pub-versioned/o", "version one");
        put("/v1/AUTH_test/pub-versioned/o", "version two", "X-Object-Public", "true");
        assertThat(text(anonymous.send("GET", pathOf(urlOf("/v1/AUTH_test/pub-versioned/o"))))).isEqualTo("version two");
    }
}
