package io.tessera.server;

import static io.tessera.server.TestBodies.form;
import static io.tessera.server.TestBodies.hmac;
import static io.tessera.server.TestBodies.signedForm;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access without the owner's token, over real HTTP against a real server: temporary URLs (every
 * digest and encoding, prefixes, IP ranges, account and container keys, the {@code swift tempurl}
 * CLI's own URLs), form posts (a real multipart body), account ACLs and container ACLs, CORS
 * (preflight and actual requests) and static web sites. Runs once per backend
 * ({@link SwiftAccessEmbeddedTest}, {@link SwiftAccessCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SwiftAccessTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;

    Path home;
    TestServer server;
    SwiftHttp owner;
    SwiftHttp anonymous;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        server = TestServer.start(home, backend());
        owner = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        anonymous = SwiftHttp.anonymous(server.port());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void put(String path, String body, String... headers) throws Exception {
        assertThat(owner.send("PUT", path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers).statusCode())
                .as("PUT %s", path).isIn(201, 202);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String query(String sig, long expires) {
        return "?temp_url_sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8) + "&temp_url_expires=" + expires;
    }

    private static long inAnHour() {
        return Instant.now().getEpochSecond() + 3600;
    }

    // ---- temporary URLs ----

    @Test
    void tempUrlSignedWithAccountKeyInEveryDigestAndEncoding() throws Exception {
        owner.send("POST", A, "X-Account-Meta-Temp-URL-Key", "acct-secret");
        put(A + "/tu", null);
        put(A + "/tu/report.pdf", "the report", "X-Object-Meta-Private", "p", "X-Object-Meta-Public-Tag", "t");
        String path = A + "/tu/report.pdf";
        long expires = inAnHour();
        String message = "GET\n" + expires + "\n" + path;

        for (String digest : List.of("sha1", "sha256", "sha512")) {
            String hex = hmac(digest, "acct-secret", message);
            byte[] raw = HexFormat.of().parseHex(hex);
            for (String sig : List.of(hex, digest + ":" + Base64.getEncoder().encodeToString(raw),
                    digest + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw))) {
                HttpResponse<byte[]> r = anonymous.send("GET", path + query(sig, expires));
                assertThat(r.statusCode()).as("%s %s", digest, sig).isEqualTo(200);
                assertThat(text(r)).isEqualTo("the report");
            }
        }
        HttpResponse<byte[]> r = anonymous.send("GET", path + query(hmac("sha256", "acct-secret", message), expires));
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue(
                "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
        assertThat(r.headers().firstValue("Expires")).isPresent();
        assertThat(r.headers().firstValue("X-Object-Meta-Private")).as("object metadata is hidden").isEmpty();
        assertThat(r.headers().firstValue("X-Object-Meta-Public-Tag")).hasValue("t");

        String iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochSecond(expires));
        String sig = hmac("sha256", "acct-secret", message);
        assertThat(anonymous.send("GET", path + "?temp_url_sig=" + sig + "&temp_url_expires=" + iso).statusCode())
                .as("ISO 8601 expiry").isEqualTo(200);
        assertThat(anonymous.send("HEAD", path + query(sig, expires)).statusCode()).as("GET signatures allow HEAD").isEqualTo(200);
        assertThat(anonymous.send("PUT", path + query(sig, expires), "x".getBytes()).statusCode())
                .as("but not PUT").isEqualTo(401);
        assertThat(anonymous.send("GET", A + "/tu/other" + query(sig, expires)).statusCode()).isEqualTo(401);
        assertThat(anonymous.send("GET", path + query(sig, expires + 1)).statusCode()).as("changed expiry").isEqualTo(401);
        long past = Instant.now().getEpochSecond() - 10;
        assertThat(anonymous.send("GET", path + query(hmac("sha256", "acct-secret", "GET\n" + past + "\n" + path), past))
                .statusCode()).as("expired").isEqualTo(401);
        HttpResponse<byte[]> bad = anonymous.send("GET", path + query("deadbeef", expires));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(text(bad)).contains("Temp URL invalid");

        HttpResponse<byte[]> named = anonymous.send("GET", path + query(sig, expires) + "&filename=My%20File.pdf&inline");
        assertThat(named.headers().firstValue("Content-Disposition"))
                .hasValue("inline; filename=\"My File.pdf\"; filename*=UTF-8''My%20File.pdf");
    }

    @Test
    void tempUrlPutPrefixIpRangeAndContainerKeyScope() throws Exception {
        put(A + "/tup", null, "X-Container-Meta-Temp-URL-Key", "cont-secret");
        put(A + "/tup-other", null);
        put(A + "/tup-other/seg1", "segment");
        long expires = inAnHour();

        String newObject = A + "/tup/upload.txt";
        String putSig = hmac("sha256", "cont-secret", "PUT\n" + expires + "\n" + newObject);
        assertThat(anonymous.send("PUT", newObject + query(putSig, expires), "uploaded".getBytes()).statusCode()).isEqualTo(201);
        assertThat(text(owner.send("GET", newObject))).isEqualTo("uploaded");
        assertThat(anonymous.send("PUT", newObject + query(putSig, expires), "".getBytes(),
                "X-Object-Manifest", "tup-other/seg").statusCode()).as("no pointers through a temp URL").isEqualTo(400);

        // A prefix signature covers every name that starts with the prefix, nothing else.
        put(A + "/tup/pub/a", "A");
        put(A + "/tup/private", "P");
        String prefixSig = hmac("sha256", "cont-secret", "GET\n" + expires + "\nprefix:" + A + "/tup/pub/");
        assertThat(text(anonymous.send("GET", A + "/tup/pub/a" + query(prefixSig, expires) + "&temp_url_prefix=pub/"))).isEqualTo("A");
        assertThat(anonymous.send("GET", A + "/tup/private" + query(prefixSig, expires) + "&temp_url_prefix=pub/").statusCode())
                .isEqualTo(401);

        // IP-bound: the client here is 127.0.0.1.
        String ipSig = hmac("sha256", "cont-secret", "ip=127.0.0.0/8\nGET\n" + expires + "\n" + A + "/tup/pub/a");
        assertThat(anonymous.send("GET", A + "/tup/pub/a" + query(ipSig, expires) + "&temp_url_ip_range=127.0.0.0/8")
                .statusCode()).isEqualTo(200);
        String farSig = hmac("sha256", "cont-secret", "ip=10.0.0.0/8\nGET\n" + expires + "\n" + A + "/tup/pub/a");
        assertThat(anonymous.send("GET", A + "/tup/pub/a" + query(farSig, expires) + "&temp_url_ip_range=10.0.0.0/8")
                .statusCode()).isEqualTo(401);

        // A container key reaches its container only: a manifest whose segments live elsewhere is refused.
        put(A + "/tup/manifest", "", "X-Object-Manifest", "tup-other/seg");
        String manifestSig = hmac("sha256", "cont-secret", "GET\n" + expires + "\n" + A + "/tup/manifest");
        assertThat(anonymous.send("GET", A + "/tup/manifest" + query(manifestSig, expires)).statusCode()).isEqualTo(401);
        String deleteSig = hmac("sha256", "cont-secret", "DELETE\n" + expires + "\n" + newObject);
        assertThat(anonymous.send("DELETE", newObject + query(deleteSig, expires)).statusCode()).isEqualTo(204);
    }

    @Test
    void swiftCliTempUrlsWork() throws Exception {
        owner.send("POST", A, "X-Account-Meta-Temp-URL-Key-2", "cli-secret");
        put(A + "/tucli", null);
        put(A + "/tucli/file", "from the CLI");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/swift", "tempurl", "GET", "3600", A + "/tucli/file", "cli-secret");
        pb.environment().keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("ST_"));
        Path out = Files.createTempFile(home, "tempurl", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String url = Files.readString(out).trim();
        assertThat(p.exitValue()).as(url).isZero();
        assertThat(text(anonymous.send("GET", url))).isEqualTo("from the CLI");
    }

    @Test
    void tempUrlKeysAreOwnerOnly() throws Exception {
        put(A + "/tukeys", null, "X-Container-Meta-Temp-URL-Key", "k1", "X-Container-Read", "test2:tester2");
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        HttpResponse<byte[]> seen = other.send("HEAD", A + "/tukeys");
        assertThat(seen.statusCode()).isEqualTo(204);
        assertThat(seen.headers().firstValue("X-Container-Meta-Temp-Url-Key")).isEmpty();
        assertThat(seen.headers().firstValue("X-Container-Read")).isEmpty();
        assertThat(owner.send("HEAD", A + "/tukeys").headers().firstValue("X-Container-Meta-Temp-Url-Key")).hasValue("k1");
    }

    // ---- form posts ----

    @Test
    void formPostUploadsFilesStreamedWithRedirectAndLimits() throws Exception {
        put(A + "/forms", null, "X-Container-Meta-Temp-URL-Key", "form-secret");
        String boundary = "----tessera" + System.nanoTime();
        String type = "multipart/form-data; boundary=" + boundary;
        String path = A + "/forms/up_";
        long expires = inAnHour();
        // A file larger than the parser's buffer, with bytes that look like a boundary's start.
        StringBuilder big = new StringBuilder();
        Random random = new Random(3);
        while (big.length() < 200_000) {
            big.append((char) random.nextInt(256)).append(random.nextInt(10) == 0 ? "\r\n--" : "");
        }
        byte[] body = form(boundary, signedForm(path, "https://example.com/done", 1_000_000, 2, expires, "form-secret"),
                List.<String[]>of(new String[] {"a.txt", "first file", "text/plain"}, new String[] {"b.bin", big.toString(), "application/x-test"}));
        HttpResponse<byte[]> r = anonymous.send("POST", path, body, "Content-Type", type);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("https://example.com/done?status=201&message=");
        assertThat(text(owner.send("GET", A + "/forms/up_a.txt"))).isEqualTo("first file");
        HttpResponse<byte[]> second = owner.send("GET", A + "/forms/up_b.bin");
        assertThat(second.body()).isEqualTo(big.toString().getBytes(StandardCharsets.ISO_8859_1));
        assertThat(second.headers().firstValue("Content-Type")).hasValue("application/x-test");

        // Without redirect: the status as text.
        body = form(boundary, signedForm(path, "", 1_000_000, 1, expires, "form-secret"),
                List.<String[]>of(new String[] {"c.txt", "third", "text/plain"}));
        r = anonymous.send("POST", path, body, "Content-Type", type);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(text(r)).isEqualTo("201 Created");

        body = form(boundary, signedForm(path, "", 5, 1, expires, "form-secret"),
                List.<String[]>of(new String[] {"toolong.txt", "more than five bytes", "text/plain"}));
        r = anonymous.send("POST", path, body, "Content-Type", type);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(text(r)).isEqualTo("FormPost: max_file_size exceeded");
        assertThat(owner.send("HEAD", A + "/forms/up_toolong.txt").statusCode()).as("nothing published").isEqualTo(404);

        body = form(boundary, signedForm(path, "", 100, 1, expires, "form-secret"),
                List.<String[]>of(new String[] {"d1", "x", "text/plain"}, new String[] {"d2", "y", "text/plain"}));
        r = anonymous.send("POST", path, body, "Content-Type", type);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(text(r)).isEqualTo("400 Bad Request\r\nFormPost: Max File Count Exceeded");

        body = form(boundary, signedForm(path, "", 100, 1, expires, "wrong-key"), List.<String[]>of(new String[] {"e", "x", "text/plain"}));
        r = anonymous.send("POST", path, body, "Content-Type", type);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(text(r)).isEqualTo("FormPost: Invalid Signature");

        long past = Instant.now().getEpochSecond() - 5;
        body = form(boundary, signedForm(path, "", 100, 1, past, "form-secret"), List.<String[]>of(new String[] {"f", "x", "text/plain"}));
        assertThat(text(anonymous.send("POST", path, body, "Content-Type", type))).isEqualTo("FormPost: Form Expired");

        r = anonymous.send("POST", path, "garbage".getBytes(), "Content-Type", type);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(text(r)).isEqualTo("FormPost: invalid starting boundary");
    }

    /** What a streamed form post got back, and how much of its body had been sent by then. */
    private record StreamedReply(String head, String body, long sentBeforeReply) {
    }

    /**
     * POSTs a form of {@code total} bytes declared in its Content-Length, sending {@code chunk(i)}
     * after chunk from another thread while this one waits for the reply: a server that answers
     * before reading the whole body is seen answering with most of it unsent.
     */
    private StreamedReply streamedFormPost(String path, String boundary, long total,
                                           java.util.function.IntFunction<byte[]> chunk) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + total
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; sent.get() < total; i++) {
                        byte[] c = chunk.apply(i);
                        int n = (int) Math.min(c.length, total - sent.get());
                        out.write(c, 0, n);
                        sent.addAndGet(n);
                    }
                    out.flush();
                } catch (java.io.IOException closedByTheServer) {
                    // expected once the server has answered and closed
                }
            }, "form-writer");
            writer.setDaemon(true);
            writer.start();
            java.io.InputStream in = s.getInputStream();
            int first = in.read(); // blocks until the reply starts
            long atReply = sent.get();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            if (first >= 0) {
                reply.write(first);
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        reply.write(buf, 0, n);
                    }
                } catch (java.net.SocketException reset) {
                    // the server may reset the connection with the body unread: keep what arrived
                }
            }
            s.close();
            writer.join(10_000);
            String text = reply.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? new StreamedReply(text, "", atReply)
                    : new StreamedReply(text.substring(0, end), text.substring(end + 4), atReply);
        }
    }

    /** Fields of 4 KiB with names of their own, as many as fit in 80 MB: the shape of the review's attack. */
    private static java.util.function.IntFunction<byte[]> distinctFields(String boundary) {
        String value = "v".repeat(4096);
        return i -> ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"field" + i + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static final long EIGHTY_MB = 80L * 1000 * 1000;

    @Test
    void formPostWithoutAnyKeyIsRefusedBeforeItsBodyIsRead() throws Exception {
        // No temp URL key on the account or the container: no form can be signed, and Swift 2.30
        // answers "401 FormPost: Invalid Signature". Tessera answers so before reading the body.
        String boundary = "nokey" + System.nanoTime();
        StreamedReply r = streamedFormPost("/v1/AUTH_nokeys/c/", boundary, EIGHTY_MB, distinctFields(boundary));
        assertThat(r.head()).startsWith("HTTP/1.1 401 ");
        assertThat(r.head()).containsIgnoringCase("Www-Authenticate: Swift realm=\"unknown\"");
        assertThat(r.body()).isEqualTo("FormPost: Invalid Signature");
        assertThat(r.sentBeforeReply()).as("the body was not waited for").isLessThan(16L * 1024 * 1024);
    }

    @Test
    void formPostFieldsAreBoundedInCountAndSizeBeforeTheSignatureIsChecked() throws Exception {
        // With a key, the signature is itself a field: fields must be read before anything is known of
        // the sender. They are capped in number and in bytes read, so one request holds little.
        put(A + "/forms-bounded", null, "X-Container-Meta-Temp-URL-Key", "bounded-secret");
        String boundary = "bounded" + System.nanoTime();
        StreamedReply many = streamedFormPost(A + "/forms-bounded/", boundary, EIGHTY_MB, distinctFields(boundary));
        assertThat(many.head()).startsWith("HTTP/1.1 400 ");
        assertThat(many.body()).isEqualTo("FormPost: too many form fields");
        assertThat(many.sentBeforeReply()).as("read up to the cap, not to the end").isLessThan(24L * 1024 * 1024);

        byte[] start = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"redirect\"\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] filler = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        StreamedReply huge = streamedFormPost(A + "/forms-bounded/", boundary, EIGHTY_MB, i -> i == 0 ? start : filler);
        assertThat(huge.head()).startsWith("HTTP/1.1 400 ");
        assertThat(huge.body()).isEqualTo("FormPost: form fields too large");
        assertThat(huge.sentBeforeReply()).as("read up to the cap, not to the end").isLessThan(24L * 1024 * 1024);

        // A value longer than Swift's MAX_VALUE_LENGTH (4,096) is cut there, as Swift does, not refused.
        String path = A + "/forms-bounded/";
        Map<String, String> fields = signedForm(path, "", 100, 1, inAnHour(), "bounded-secret");
        Map<String, String> withLongField = new java.util.LinkedHashMap<>();
        withLongField.put("comment", "c".repeat(10_000));
        withLongField.putAll(fields);
        byte[] body = form(boundary, withLongField, List.<String[]>of(new String[] {"ok.txt", "ok", "text/plain"}));
        HttpResponse<byte[]> ok = anonymous.send("POST", path, body, "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertThat(ok.statusCode()).as(text(ok)).isEqualTo(201);
    }

    // ---- account and container ACLs ----

    @Test
    void accountAclsGrantReadOnlyReadWriteAndAdmin() throws Exception {
        put(A + "/acl-c", null, "X-Container-Meta-Color", "blue");
        put(A + "/acl-c/o", "data");
        owner.send("POST", A, "X-Account-Meta-Temp-URL-Key", "acct-secret");
        SwiftHttp tester3 = new SwiftHttp(server.port(), "test:tester3", "testing3");
        try {
            assertThat(tester3.send("GET", A).statusCode()).as("not an admin: no access by default").isEqualTo(403);

            assertThat(owner.send("POST", A, "X-Account-Access-Control", "{\"read-only\":[\"test:tester3\"]}").statusCode())
                    .isEqualTo(204);
            HttpResponse<byte[]> account = tester3.send("GET", A);
            assertThat(account.statusCode()).isEqualTo(200);
            assertThat(text(account)).contains("acl-c");
            assertThat(account.headers().firstValue("X-Account-Access-Control")).isEmpty();
            assertThat(account.headers().firstValue("X-Account-Meta-Temp-Url-Key")).isEmpty();
            assertThat(text(tester3.send("GET", A + "/acl-c/o"))).isEqualTo("data");
            assertThat(tester3.send("PUT", A + "/acl-c/new", "x".getBytes()).statusCode()).isEqualTo(403);
            assertThat(tester3.send("POST", A + "/acl-c", "X-Container-Meta-Color", "red").statusCode()).isEqualTo(403);

            owner.send("POST", A, "X-Account-Access-Control", "{\"read-write\":[\"test:tester3\"]}");
            assertThat(tester3.send("PUT", A + "/acl-c/new", "x".getBytes()).statusCode()).isEqualTo(201);
            assertThat(tester3.send("PUT", A + "/acl-new").statusCode()).isEqualTo(201);
            assertThat(tester3.send("DELETE", A + "/acl-new").statusCode()).isEqualTo(204);
            assertThat(tester3.send("POST", A + "/acl-c", "X-Container-Meta-Color", "red", "X-Container-Read", ".r:*")
                    .statusCode()).isEqualTo(204);
            HttpResponse<byte[]> c = owner.send("HEAD", A + "/acl-c");
            assertThat(c.headers().firstValue("X-Container-Meta-Color")).hasValue("red");
            assertThat(c.headers().firstValue("X-Container-Read")).as("ACLs are the owner's to set").isEmpty();
            assertThat(tester3.send("POST", A, "X-Account-Meta-X", "y").statusCode()).isEqualTo(403);

            owner.send("POST", A, "X-Account-Access-Control", "{\"admin\":[\"test:tester3\"]}");
            HttpResponse<byte[]> asAdmin = tester3.send("HEAD", A);
            assertThat(asAdmin.headers().firstValue("X-Account-Access-Control")).hasValue("{\"admin\":[\"test:tester3\"]}");
            assertThat(asAdmin.headers().firstValue("X-Account-Meta-Temp-Url-Key")).hasValue("acct-secret");
            assertThat(tester3.send("POST", A, "X-Account-Access-Control", "{}").statusCode()).as("may even revoke itself")
                    .isEqualTo(204);
            assertThat(tester3.send("GET", A).statusCode()).isEqualTo(403);
        } finally {
            owner.send("POST", A, "X-Account-Access-Control", "{}");
        }
    }

    @Test
    void accountAclsAreValidatedAndShownAsSwiftFormatsThem() throws Exception {
        for (String bad : List.of("yuck", "[]", "{\"admin\":\"bob\"}", "{\"admin\":[1]}", "{\"owner\":[\"bob\"]}")) {
            HttpResponse<byte[]> r = owner.send("POST", A, "X-Account-Access-Control", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(text(r)).startsWith("X-Account-Access-Control invalid");
        }
        try {
            owner.send("POST", A, "X-Account-Access-Control", "{ \"read-only\" : [\"b\"], \"admin\":[\"a\"] }");
            assertThat(owner.send("HEAD", A).headers().firstValue("X-Account-Access-Control"))
                    .hasValue("{\"admin\":[\"a\"],\"read-only\":[\"b\"]}");
        } finally {
            owner.send("POST", A, "X-Account-Access-Control", "{}");
        }
        assertThat(owner.send("HEAD", A).headers().firstValue("X-Account-Access-Control")).isEmpty();
    }

    @Test
    void containerAclsAreCleanedAndMatchTempauthGroups() throws Exception {
        put(A + "/cacl", null, "X-Container-Read", " .ref:*.example.com , test:tester3,,.rlistings ");
        assertThat(owner.send("HEAD", A + "/cacl").headers().firstValue("X-Container-Read"))
                .hasValue(".r:.example.com,test:tester3,.rlistings");
        assertThat(owner.send("POST", A + "/cacl", "X-Container-Write", ".r:*").statusCode()).isEqualTo(400);
        assertThat(owner.send("POST", A + "/cacl", "X-Container-Read", ".r:").statusCode()).isEqualTo(400);
        assertThat(owner.send("POST", A + "/cacl", "X-Container-Read", ".x:y").statusCode()).isEqualTo(400);
        put(A + "/cacl/o", "o");
        SwiftHttp tester3 = new SwiftHttp(server.port(), "test:tester3", "testing3");
        assertThat(tester3.send("GET", A + "/cacl").statusCode()).isEqualTo(200);
        assertThat(tester3.send("PUT", A + "/cacl/x", "x".getBytes()).statusCode()).isEqualTo(403);
        assertThat(anonymous.send("GET", A + "/cacl", "Referer", "http://www.example.com/").statusCode()).isEqualTo(200);
        assertThat(anonymous.send("GET", A + "/cacl", "Referer", "http://www.example.org/").statusCode()).isEqualTo(401);

        // The account itself as a grant means its admins (tempauth's groups), not every user of it.
        owner.send("POST", A + "/cacl", "X-Container-Read", "AUTH_test2", "X-Container-Write", "test");
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        assertThat(other.send("GET", A + "/cacl/o").statusCode()).isEqualTo(200);
        assertThat(tester3.send("GET", A + "/cacl/o").statusCode()).isEqualTo(403);
        assertThat(tester3.send("PUT", A + "/cacl/x", "x".getBytes()).statusCode()).as("a project grant").isEqualTo(201);
    }

    // ---- CORS ----

    @Test
    void corsPreflightAndActualRequests() throws Exception {
        put(A + "/cors", null, "X-Container-Meta-Access-Control-Allow-Origin", "http://good.example",
                "X-Container-Meta-Access-Control-Max-Age", "600",
                "X-Container-Meta-Access-Control-Expose-Headers", "X-Custom");
        put(A + "/cors/o", "o", "X-Object-Meta-Color", "blue");

        HttpResponse<byte[]> pre = anonymous.send("OPTIONS", A + "/cors/o", "Origin", "http://good.example",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-auth-token, content-type");
        assertThat(pre.statusCode()).isEqualTo(200);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://good.example");
        assertThat(pre.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("PUT", "GET");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).contains("x-auth-token", "content-type");
        assertThat(anonymous.send("OPTIONS", A + "/cors/o", "Origin", "http://evil.example",
                "Access-Control-Request-Method", "GET").statusCode()).isEqualTo(401);
        assertThat(anonymous.send("OPTIONS", A + "/cors/o", "Origin", "http://good.example").statusCode())
                .as("a preflight names its method").isEqualTo(401);
        HttpResponse<byte[]> plain = anonymous.send("OPTIONS", A + "/cors/o");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Allow").orElseThrow()).contains("GET", "PUT", "COPY");

        HttpResponse<byte[]> actual = owner.send("GET", A + "/cors/o", "Origin", "http://good.example");
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://good.example");
        assertThat(actual.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("etag", "x-trans-id", "x-object-meta-color", "x-custom");
        assertThat(owner.send("GET", A + "/cors/o", "Origin", "http://evil.example").headers()
                .firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    // ---- static web ----

    @Test
    void staticWebServesIndexListingsRedirectsAndErrorPages() throws Exception {
        put(A + "/site", null, "X-Container-Read", ".r:*,.rlistings", "X-Container-Meta-Web-Listings", "true",
                "X-Container-Meta-Web-Listings-Css", "style.css", "X-Container-Meta-Web-Error", "error.html");
        put(A + "/site/style.css", "h1 {}");
        put(A + "/site/404error.html", "<p>nothing here</p>", "Content-Type", "text/html");
        put(A + "/site/docs", "", "Content-Type", "application/directory");
        put(A + "/site/docs/a&b.txt", "a and b");

        HttpResponse<byte[]> listing = anonymous.send("GET", A + "/site/");
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(text(listing)).contains("Listing of /v1/AUTH_test/site/", "<a href=\"docs/\">docs/</a>",
                "<a href=\"style.css\">style.css</a>", "href=\"style.css\" />");
        HttpResponse<byte[]> sub = anonymous.send("GET", A + "/site/docs/");
        assertThat(text(sub)).contains("<a href=\"a%26b.txt\">a&amp;b.txt</a>", "href=\"../style.css\"", "<a href=\"../\">");

        HttpResponse<byte[]> redirect = anonymous.send("GET", A + "/site");
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + server.port() + A + "/site/");
        assertThat(anonymous.send("GET", A + "/site/docs").statusCode()).as("a directory marker redirects").isEqualTo(301);

        HttpResponse<byte[]> missing = anonymous.send("GET", A + "/site/nope.html");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(text(missing)).isEqualTo("<p>nothing here</p>");

        put(A + "/site/index.html", "<h1>home</h1>");
        owner.send("POST", A + "/site", "X-Container-Meta-Web-Index", "index.html", "X-Container-Meta-Web-Listings", "true",
                "X-Container-Read", ".r:*,.rlistings");
        assertThat(text(anonymous.send("GET", A + "/site/"))).isEqualTo("<h1>home</h1>");
        assertThat(owner.send("GET", A + "/site/").statusCode()).as("a token means the API, not the site").isEqualTo(200);
        assertThat(text(owner.send("GET", A + "/site/", "X-Web-Mode", "true"))).isEqualTo("<h1>home</h1>");

        owner.send("POST", A + "/site", "X-Container-Read", "");
        assertThat(anonymous.send("GET", A + "/site/").statusCode()).as("a private container stays private").isEqualTo(401);
    }

    @Test
    void infoAdvertisesTheAccessFeatures() throws Exception {
        String info = text(anonymous.send("GET", "/info"));
        assertThat(info).contains("\"tempurl\":{\"methods\":[\"GET\",\"HEAD\",\"PUT\",\"POST\",\"DELETE\"]",
                "\"allowed_digests\":[\"sha1\",\"sha256\",\"sha512\"]", "\"formpost\":{", "\"staticweb\":{}",
                "\"tempauth\":{\"account_acls\":true}");
    }
}
