package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pithos partial updates at the HTTP level (issue 14, item 3): range POSTs inside a block and across a
 * block boundary, append, truncate (kamaki's self-update), updates from another object and from a
 * version, what they cost at the server (only the touched blocks), concurrent updates, hostile
 * Content-Range values, and the {@code ?update} metadata merge and 202s. Byte-for-byte against what
 * the same edit does to a local copy. Runs once per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PithosUpdatesTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final String C = A + "/upd";
    static final int MIB = 1024 * 1024;
    static final int BLOCK = 4 * MIB;
    static final String OCTET = "application/octet-stream";
    /** Sends bodies of unknown length (chunked). */
    static final java.net.http.HttpClient CHUNKED = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    TestServer server;
    SwiftHttp http;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        assertThat(http.send("PUT", C).statusCode()).isIn(201, 202);
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

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    static byte[] patched(byte[] base, long offset, byte[] data) {
        byte[] out = Arrays.copyOf(base, (int) Math.max(base.length, offset + data.length));
        System.arraycopy(data, 0, out, (int) offset, data.length);
        return out;
    }

    long meter(String name) {
        return server.server.metrics().meter(name).getCount();
    }

    void put(String path, byte[] data, String... headers) throws Exception {
        assertThat(http.send("PUT", path, data, headers).statusCode()).isEqualTo(201);
    }

    byte[] get(String path) throws Exception {
        HttpResponse<byte[]> r = http.send("GET", path);
        assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
        return r.body();
    }

    HttpResponse<byte[]> update(String path, String range, byte[] data, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Content-Type", OCTET));
        if (range != null) {
            all.add("Content-Range");
            all.add(range);
        }
        all.addAll(List.of(headers));
        return http.send("POST", path + "?update", data, all.toArray(String[]::new));
    }

    void assertSame(byte[] actual, byte[] expected) throws Exception {
        assertThat(actual.length).isEqualTo(expected.length);
        assertThat(md5(actual)).isEqualTo(md5(expected));
    }

    /** The object's ETag once it is {@code expected}, or what it is after 20 s. */
    String awaitEtag(String path, String expected) throws Exception {
        String etag = null;
        for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end; Thread.sleep(50)) {
            etag = http.send("HEAD", path).headers().firstValue("ETag").orElse(null);
            if (expected.equals(etag)) {
                break;
            }
        }
        return etag;
    }

    @Test
    void rangeInsideOneBlockRewritesOnlyThatBlock() throws Exception {
        byte[] base = random(10 * MIB, 1);
        put(C + "/inside", base);
        byte[] ten = "0123456789".getBytes(StandardCharsets.US_ASCII);
        long written = meter("content.blocks.written");
        HttpResponse<byte[]> r = update(C + "/inside", "bytes 100-109/*", ten);
        assertThat(r.statusCode()).isEqualTo(204);
        byte[] expected = patched(base, 100, ten);
        assertSame(get(C + "/inside"), expected);
        assertThat(meter("content.blocks.written") - written).isEqualTo(1);
        // the ETag is the Merkle root (never a wrong MD5), then the MD5 once it is computed
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isIn(r.headers().firstValue("X-Object-Hash").orElseThrow(), md5(expected));
        assertThat(awaitEtag(C + "/inside", md5(expected))).isEqualTo(md5(expected));
    }

    @Test
    void rangeAcrossABlockBoundary() throws Exception {
        byte[] base = random(9 * MIB, 2);
        put(C + "/across", base);
        byte[] data = random(20, 3);
        assertThat(update(C + "/across", "bytes " + (BLOCK - 7) + "-" + (BLOCK + 12) + "/*", data).statusCode()).isEqualTo(204);
        assertSame(get(C + "/across"), patched(base, BLOCK - 7, data));
        // last-byte-pos left out: the body's length says where it ends
        byte[] more = random(3 * MIB, 4);
        assertThat(update(C + "/across", "bytes " + (2 * MIB) + "-/*", more).statusCode()).isEqualTo(204);
        assertSame(get(C + "/across"), patched(patched(base, BLOCK - 7, data), 2 * MIB, more));
    }

    @Test
    void writingPastTheEndGrowsTheObjectAndAnOffsetBeyondItIs416() throws Exception {
        byte[] base = random(5000, 5);
        put(C + "/grow", base);
        byte[] data = random(BLOCK + 100, 6);
        assertThat(update(C + "/grow", "bytes 4000-/*", data).statusCode()).isEqualTo(204);
        byte[] expected = patched(base, 4000, data);
        assertSame(get(C + "/grow"), expected);
        HttpResponse<byte[]> beyond = update(C + "/grow", "bytes " + (expected.length + 1) + "-/*", new byte[3]);
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertSame(get(C + "/grow"), expected);
    }

    @Test
    void appendAddsTheBodyAtTheEnd() throws Exception {
        byte[] base = random(BLOCK - 3, 7);
        put(C + "/append", base, "Content-Type", "text/x-mine", "X-Object-Meta-Kept", "yes");
        byte[] more = random(10, 8);
        assertThat(update(C + "/append", "bytes */*", more).statusCode()).isEqualTo(204);
        assertThat(update(C + "/append", "bytes */*", more).statusCode()).isEqualTo(204);
        assertSame(get(C + "/append"), patched(patched(base, base.length, more), base.length + 10, more));
        HttpResponse<byte[]> head = http.send("HEAD", C + "/append");
        assertThat(head.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("text/x-mine");
        assertThat(head.headers().firstValue("X-Object-Meta-Kept")).hasValue("yes");
        // an empty object grows from nothing
        put(C + "/append-empty", new byte[0]);
        assertThat(update(C + "/append-empty", "bytes */*", more).statusCode()).isEqualTo(204);
        assertSame(get(C + "/append-empty"), more);
    }

    @Test
    void truncateAsKamakiSendsIt() throws Exception {
        byte[] base = random(9 * MIB, 9);
        put(C + "/trunc", base, "Content-Type", "text/plain");
        long patchedReads = meter("content.blocks.patched");
        // kamaki file truncate: a self-update from the object itself
        int n = BLOCK + 1234;
        HttpResponse<byte[]> r = http.send("POST", C + "/trunc?update", (byte[]) null, "Content-Type", "text/plain",
                "Content-Range", "bytes 0-" + n + "/*", "X-Object-Bytes", String.valueOf(n),
                "X-Source-Object", "/upd/trunc");
        assertThat(r.statusCode()).isEqualTo(204);
        assertSame(get(C + "/trunc"), Arrays.copyOf(base, n));
        assertThat(meter("content.blocks.patched") - patchedReads).isLessThanOrEqualTo(1);
        // X-Object-Bytes alone with an append of nothing
        assertThat(update(C + "/trunc", "bytes */*", new byte[0], "X-Object-Bytes", "10").statusCode()).isEqualTo(204);
        assertSame(get(C + "/trunc"), Arrays.copyOf(base, 10));
        // longer than the object: the source is too short for the range (Pithos: 400), nothing changes
        HttpResponse<byte[]> longer = http.send("POST", C + "/trunc?update", (byte[]) null, "Content-Type", "text/plain",
                "Content-Range", "bytes 0-100/*", "X-Object-Bytes", "100", "X-Source-Object", "/upd/trunc");
        assertThat(longer.statusCode()).isEqualTo(400);
        // and an X-Object-Bytes past the end does not grow it (Pithos only cuts)
        assertThat(update(C + "/trunc", "bytes */*", new byte[0], "X-Object-Bytes", "100").statusCode()).isEqualTo(204);
        assertSame(get(C + "/trunc"), Arrays.copyOf(base, 10));
        assertThat(update(C + "/trunc", "bytes */*", new byte[0], "X-Object-Bytes", "0").statusCode()).isEqualTo(204);
        assertThat(get(C + "/trunc")).isEmpty();
        assertThat(update(C + "/trunc", "bytes */*", new byte[0], "X-Object-Bytes", "ten").statusCode()).isEqualTo(400);
    }

    @Test
    void updateFromAnotherObjectTakesItsBytesFromItsStart() throws Exception {
        byte[] target = random(10 * MIB, 10);
        byte[] source = random(9 * MIB, 11);
        put(C + "/target", target);
        put(C + "/source", source);
        long written = meter("content.blocks.written");
        long patchedReads = meter("content.blocks.patched");
        HttpResponse<byte[]> r = http.send("POST", C + "/target?update", (byte[]) null, "Content-Type", OCTET,
                "Content-Range", "bytes " + BLOCK + "-/*", "X-Source-Object", "/upd/source");
        assertThat(r.statusCode()).isEqualTo(204);
        byte[] expected = patched(target, BLOCK, source);
        assertSame(get(C + "/target"), expected);
        // block-aligned: every block is taken by hash, none read or written
        assertThat(meter("content.blocks.written") - written).isEqualTo(0);
        assertThat(meter("content.blocks.patched") - patchedReads).isEqualTo(0);
        // not aligned, and only part of the source (the range's length)
        r = http.send("POST", C + "/target?update", (byte[]) null, "Content-Type", OCTET,
                "Content-Range", "bytes 10-1000009/*", "X-Source-Object", "/upd/source");
        assertThat(r.statusCode()).isEqualTo(204);
        expected = patched(expected, 10, Arrays.copyOf(source, 1000000));
        assertSame(get(C + "/target"), expected);
        // a source that is too short for the range, or missing, or malformed
        assertThat(http.send("POST", C + "/target?update", (byte[]) null, "Content-Type", OCTET,
                "Content-Range", "bytes 0-" + (10 * MIB) + "/*", "X-Source-Object", "/upd/source").statusCode()).isEqualTo(400);
        assertThat(http.send("POST", C + "/target?update", (byte[]) null, "Content-Type", OCTET,
                "Content-Range", "bytes 0-/*", "X-Source-Object", "/upd/nothing-here").statusCode()).isEqualTo(404);
        assertThat(http.send("POST", C + "/target?update", (byte[]) null, "Content-Type", OCTET,
                "Content-Range", "bytes 0-/*", "X-Source-Object", "upd/source").statusCode()).isEqualTo(400);
        assertSame(get(C + "/target"), expected);
    }

    @Test
    void updateFromAVersion() throws Exception {
        String vc = A + "/upd-versions";
        assertThat(http.send("PUT", vc, "X-Versions-Enabled", "true").statusCode()).isIn(201, 202);
        byte[] v1 = random(3000, 12);
        HttpResponse<byte[]> first = http.send("PUT", vc + "/doc", v1);
        String v1id = first.headers().firstValue("X-Object-Version").orElseThrow(); // Pithos' version id
        byte[] v2 = random(1000, 13);
        put(vc + "/doc", v2);
        // restore as the web UI does, with X-Object-Bytes so a longer newer version is cut
        HttpResponse<byte[]> r = http.send("POST", vc + "/doc?update", (byte[]) null, "Content-Type", OCTET,
                "Content-Range", "bytes 0-/*", "X-Source-Object", "/upd-versions/doc", "X-Source-Version", v1id,
                "X-Object-Bytes", "3000");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("X-Object-Version")).isPresent().get().isNotEqualTo(v1id);
        assertSame(get(vc + "/doc"), v1);
        assertThat(http.send("POST", vc + "/doc?update", (byte[]) null, "Content-Type", OCTET, "Content-Range", "bytes 0-/*",
                "X-Source-Object", "/upd-versions/doc", "X-Source-Version", "12").statusCode()).isEqualTo(404);
        assertThat(http.send("POST", vc + "/doc?update", (byte[]) null, "Content-Type", OCTET, "Content-Range", "bytes 0-/*",
                "X-Source-Object", "/upd-versions/doc", "X-Source-Version", "nonsense").statusCode()).isEqualTo(400);
        // each update is a version of its own
        HttpResponse<byte[]> versions = http.send("GET", vc + "?versions&format=json");
        assertThat(new String(versions.body(), StandardCharsets.UTF_8).split("\"doc\"").length - 1).isEqualTo(3);
    }

    @Test
    void a100MiBObjectWithA10ByteUpdateCostsAtMostTwoBlockReads() throws Exception {
        byte[] base = random(100 * MIB, 14);
        put(C + "/big", base);
        awaitEtag(C + "/big", md5(base));
        long written = meter("content.blocks.written");
        long patchedReads = meter("content.blocks.patched");
        long verified = meter("content.blocks.verified");
        byte[] ten = random(10, 15);
        HttpResponse<byte[]> r = update(C + "/big", "bytes " + (3 * BLOCK - 5) + "-" + (3 * BLOCK + 4) + "/*", ten);
        assertThat(r.statusCode()).isEqualTo(204);
        long reads = meter("content.blocks.verified") - verified;
        assertThat(meter("content.blocks.patched") - patchedReads).isEqualTo(2);
        assertThat(meter("content.blocks.written") - written).isBetween(1L, 2L);
        // (the background MD5 may have begun reading the new version by now: count only the patch's)
        assertThat(reads).isGreaterThanOrEqualTo(2);
        byte[] expected = patched(base, 3 * BLOCK - 5, ten);
        assertThat(awaitEtag(C + "/big", md5(expected))).isEqualTo(md5(expected));
        assertSame(get(C + "/big"), expected);
    }

    @Test
    void concurrentUpdatesEachEndAsAWholeVersion() throws Exception {
        byte[] base = random(3 * BLOCK, 16);
        put(C + "/race", base);
        int from = BLOCK / 2;
        int len = 2 * BLOCK;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> results = new ArrayList<>();
                for (byte fill : new byte[] {'a', 'b'}) {
                    byte[] data = new byte[len];
                    Arrays.fill(data, fill);
                    results.add(pool.submit(() -> {
                        go.await();
                        return update(C + "/race", "bytes " + from + "-" + (from + len - 1) + "/*", data).statusCode();
                    }));
                }
                go.countDown();
                for (Future<Integer> f : results) {
                    assertThat(f.get()).isEqualTo(204);
                }
                byte[] now = get(C + "/race");
                assertThat(now.length).isEqualTo(base.length);
                byte first = now[from];
                assertThat(first).isIn((byte) 'a', (byte) 'b');
                byte[] all = new byte[len];
                Arrays.fill(all, first);
                assertThat(Arrays.equals(now, from, from + len, all, 0, len)).as("one writer's bytes, whole").isTrue();
                assertThat(Arrays.equals(now, 0, from, base, 0, from)).isTrue();
                assertThat(Arrays.equals(now, from + len, now.length, base, from + len, base.length)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hostileContentRangesAre4xxAndChangeNothing() throws Exception {
        byte[] base = random(5000, 17);
        put(C + "/hostile", base);
        byte[] three = new byte[3];
        for (String bad : List.of("bytes 5-2/*", "bytes -1-3/*", "bytes 0-99999999999999999999/*", "bytes=0-2/*",
                "bytes 0-2/3", "bytes 0-2/6000", "bytes a-b/*", "bytes 0-2", "", "bytes 99999999999999999999-/*")) {
            HttpResponse<byte[]> r = update(C + "/hostile", bad, three);
            assertThat(r.statusCode()).as(bad).isBetween(400, 416);
        }
        // a body whose length is not the range's
        assertThat(update(C + "/hostile", "bytes 0-9/*", three).statusCode()).isEqualTo(400);
        // no Content-Range at all
        assertThat(update(C + "/hostile", null, three).statusCode()).isEqualTo(400);
        // total that matches but a range that would grow it
        assertThat(update(C + "/hostile", "bytes 4999-5001/5000", three).statusCode()).isEqualTo(416);
        // no Content-Length: 411
        SwiftHttp.RawResponse raw = http.raw("POST " + C + "/hostile?update HTTP/1.1\r\nContent-Type: " + OCTET
                + "\r\nContent-Range: bytes 0-2/*", null, true);
        assertThat(raw.status()).isEqualTo(411);
        // a body that ends short of its Content-Length
        raw = http.raw("POST " + C + "/hostile?update HTTP/1.1\r\nContent-Type: " + OCTET
                + "\r\nContent-Range: bytes 0-9/*\r\nContent-Length: 10", new byte[4], true);
        assertThat(raw.status()).isBetween(400, 499);
        // a body longer than any object may be: 413 before a byte is read
        raw = http.raw("POST " + C + "/hostile?update HTTP/1.1\r\nContent-Type: " + OCTET
                + "\r\nContent-Range: bytes */*\r\nContent-Length: 60000000000", null, true);
        assertThat(raw.status()).isEqualTo(413);
        // on a missing object
        assertThat(update(C + "/no-such", "bytes */*", three).statusCode()).isEqualTo(404);
        assertSame(get(C + "/hostile"), base);
        // a total that is right is accepted
        assertThat(update(C + "/hostile", "bytes 0-2/5000", three).statusCode()).isEqualTo(204);
        assertSame(get(C + "/hostile"), patched(base, 0, three));
    }

    @Test
    void aSwiftPostThatOnlySetsOctetStreamStaysAMetadataPost() throws Exception {
        put(C + "/swifty", "hello".getBytes(StandardCharsets.US_ASCII), "X-Object-Meta-A", "1");
        HttpResponse<byte[]> r = http.send("POST", C + "/swifty", (byte[]) null, "Content-Type", OCTET, "X-Object-Meta-B", "2");
        assertThat(r.statusCode()).isEqualTo(202);
        HttpResponse<byte[]> head = http.send("HEAD", C + "/swifty");
        assertThat(head.headers().firstValue("Content-Type")).hasValue(OCTET);
        assertThat(head.headers().firstValue("X-Object-Meta-A")).isEmpty();
        assertThat(head.headers().firstValue("X-Object-Meta-B")).hasValue("2");
        assertThat(get(C + "/swifty")).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void postWithUpdateMergesMetadataAndWithoutReplacesIt() throws Exception {
        put(C + "/meta", new byte[] {1}, "X-Object-Meta-A", "1", "X-Object-Meta-B", "2");
        assertThat(http.send("POST", C + "/meta?update", (byte[]) null, "X-Object-Meta-C", "3").statusCode()).isEqualTo(202);
        HttpResponse<byte[]> head = http.send("HEAD", C + "/meta");
        assertThat(head.headers().firstValue("X-Object-Meta-A")).hasValue("1");
        assertThat(head.headers().firstValue("X-Object-Meta-C")).hasValue("3");
        // an empty value deletes that key (java.net.http sends no empty headers: the remove form)
        assertThat(http.send("POST", C + "/meta?update", (byte[]) null, "X-Remove-Object-Meta-A", "x").statusCode()).isEqualTo(202);
        SwiftHttp.RawResponse raw = http.raw("POST " + C + "/meta?update=1 HTTP/1.1\r\nX-Object-Meta-B:\r\nContent-Length: 0", null, false);
        assertThat(raw.status()).isEqualTo(202);
        head = http.send("HEAD", C + "/meta");
        assertThat(head.headers().firstValue("X-Object-Meta-A")).isEmpty();
        assertThat(head.headers().firstValue("X-Object-Meta-B")).isEmpty();
        assertThat(head.headers().firstValue("X-Object-Meta-C")).hasValue("3");
        // Swift's POST replaces
        assertThat(http.send("POST", C + "/meta", (byte[]) null, "X-Object-Meta-D", "4").statusCode()).isEqualTo(202);
        head = http.send("HEAD", C + "/meta");
        assertThat(head.headers().firstValue("X-Object-Meta-C")).isEmpty();
        assertThat(head.headers().firstValue("X-Object-Meta-D")).hasValue("4");
        // and a data update with ?update keeps the user's metadata
        assertThat(update(C + "/meta", "bytes */*", new byte[] {2}).statusCode()).isEqualTo(204);
        head = http.send("HEAD", C + "/meta");
        assertThat(head.headers().firstValue("X-Object-Meta-D")).hasValue("4");
        assertThat(get(C + "/meta")).isEqualTo(new byte[] {1, 2});
    }

    @Test
    void accountAndContainerPostsAnswer202WithUpdateAnd204Without() throws Exception {
        assertThat(http.send("POST", C + "?update", (byte[]) null, "X-Container-Meta-X", "1").statusCode()).isEqualTo(202);
        assertThat(http.send("POST", C, (byte[]) null, "X-Container-Meta-Y", "2").statusCode()).isEqualTo(204);
        HttpResponse<byte[]> head = http.send("HEAD", C);
        assertThat(head.headers().firstValue("X-Container-Meta-X")).hasValue("1");
        assertThat(head.headers().firstValue("X-Container-Meta-Y")).hasValue("2");
        assertThat(http.send("POST", A + "?update", (byte[]) null, "X-Account-Meta-X", "1").statusCode()).isEqualTo(202);
        assertThat(http.send("POST", A, (byte[]) null, "X-Account-Meta-Y", "2").statusCode()).isEqualTo(204);
        head = http.send("HEAD", A);
        assertThat(head.headers().firstValue("X-Account-Meta-X")).hasValue("1");
        assertThat(head.headers().firstValue("X-Account-Meta-Y")).hasValue("2");
    }

    @Test
    void quotasCountWhatAnUpdateAdds() throws Exception {
        String q = A + "/upd-quota";
        assertThat(http.send("PUT", q, (byte[]) null, "X-Container-Meta-Quota-Bytes", "100").statusCode()).isIn(201, 202);
        byte[] base = random(60, 20);
        put(q + "/o", base);
        // over the old bytes, and growing within the quota: allowed
        assertThat(update(q + "/o", "bytes 0-9/*", new byte[10]).statusCode()).isEqualTo(204);
        assertThat(update(q + "/o", "bytes */*", new byte[30]).statusCode()).isEqualTo(204);
        // growing past it: 413, known length or chunked, and nothing changes
        assertThat(update(q + "/o", "bytes */*", new byte[20]).statusCode()).isEqualTo(413);
        HttpResponse<byte[]> chunked = CHUNKED.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.port() + q + "/o?update"))
                .header("X-Auth-Token", http.token).header("Content-Type", OCTET).header("Content-Range", "bytes */*")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(new byte[20]))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(chunked.statusCode()).isEqualTo(413);
        byte[] expected = patched(patched(base, 0, new byte[10]), 60, new byte[30]);
        assertSame(get(q + "/o"), expected);
        // and a chunked one within it passes
        HttpResponse<byte[]> small = CHUNKED.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.port() + q + "/o?update"))
                .header("X-Auth-Token", http.token).header("Content-Type", OCTET).header("Content-Range", "bytes 0-/*")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(new byte[95]))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(small.statusCode()).isEqualTo(204);
        assertSame(get(q + "/o"), new byte[95]);
    }

    @Test
    void aDataUpdateKeepsAPublicLinkAndMayMakeOne() throws Exception {
        put(C + "/pub", new byte[] {1, 2});
        assertThat(update(C + "/pub", "bytes */*", new byte[] {3}, "X-Object-Public", "true").statusCode()).isEqualTo(204);
        String link = http.send("HEAD", C + "/pub").headers().firstValue("X-Object-Public").orElseThrow();
        assertThat(update(C + "/pub", "bytes 0-0/*", new byte[] {9}).statusCode()).isEqualTo(204);
        assertThat(http.send("HEAD", C + "/pub").headers().firstValue("X-Object-Public")).hasValue(link);
        assertThat(update(C + "/pub", "bytes */*", new byte[] {4}, "X-Object-Public", "maybe").statusCode()).isEqualTo(400);
        assertThat(get(C + "/pub")).isEqualTo(new byte[] {9, 2, 3});
        // a move does not take the link along (it belongs to the path)
        assertThat(http.send("MOVE", C + "/pub", (byte[]) null, "Destination", "/upd/pub-moved").statusCode()).isEqualTo(201);
        assertThat(http.send("HEAD", C + "/pub-moved").headers().firstValue("X-Object-Public")).isEmpty();
    }

    @Test
    void aSharedWriterMayUpdateTheDataButNeverMoveOrBulkDelete() throws Exception {
        put(C + "/shared-w", new byte[] {1, 2, 3});
        assertThat(http.send("POST", C + "/shared-w", (byte[]) null, "X-Object-Sharing", "write=AUTH_test2").statusCode())
                .isEqualTo(202);
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        HttpResponse<byte[]> r = other.send("POST", C + "/shared-w?update", new byte[] {4}, "Content-Type", OCTET,
                "Content-Range", "bytes */*");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(other.send("MOVE", C + "/shared-w", (byte[]) null, "Destination", "/upd/taken").statusCode()).isEqualTo(403);
        assertThat(other.send("DELETE", C + "/shared-w?delimiter=/").statusCode()).isEqualTo(403);
        assertThat(get(C + "/shared-w")).isEqualTo(new byte[] {1, 2, 3, 4});
        // the record stays with the path through the update
        assertThat(http.send("HEAD", C + "/shared-w").headers().firstValue("X-Object-Sharing")).hasValue("write=AUTH_test2");
    }

    @Test
    void anotherUsersDataUpdateNeedsWriteAccess() throws Exception {
        put(C + "/theirs", new byte[] {1, 2, 3});
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        HttpResponse<byte[]> r = other.send("POST", C + "/theirs?update", new byte[] {9}, "Content-Type", OCTET,
                "Content-Range", "bytes */*");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(get(C + "/theirs")).isEqualTo(new byte[] {1, 2, 3});
        // nor may they take the bytes of an object they cannot read into one of their own
        assertThat(other.send("PUT", "/v1/AUTH_test2/own", (byte[]) null).statusCode()).isIn(201, 202);
        assertThat(other.send("PUT", "/v1/AUTH_test2/own/o", new byte[] {7}).statusCode()).isEqualTo(201);
        r = other.send("POST", "/v1/AUTH_test2/own/o?update", (byte[]) null, "Content-Type", OCTET,
                "Content-Range", "bytes */*", "X-Source-Object", "/upd/theirs", "X-Source-Account", "AUTH_test");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(other.send("GET", "/v1/AUTH_test2/own/o").body()).isEqualTo(new byte[] {7});
    }
}
