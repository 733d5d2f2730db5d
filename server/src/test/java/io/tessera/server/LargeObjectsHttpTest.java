package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static and Dynamic Large Objects, bulk delete and archive extraction over real HTTP, with the
 * answers Swift's slo, dlo and bulk middlewares give. Runs once per backend
 * ({@link LargeObjectsHttpEmbeddedTest}, {@link LargeObjectsHttpCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LargeObjectsHttpTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    TestServer server;
    SwiftHttp http;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static byte[] fill(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private void container(String c) throws Exception {
        assertThat(http.send("PUT", A + "/" + c).statusCode()).isIn(201, 202);
    }

    /** Segments a..d of 1 MiB and e of one byte, as Swift's functional tests make them. */
    private void segments(String c) throws Exception {
        container(c);
        for (char x : "abcd".toCharArray()) {
            assertThat(http.send("PUT", A + "/" + c + "/seg_" + x, fill(x, MIB)).statusCode()).isEqualTo(201);
        }
        assertThat(http.send("PUT", A + "/" + c + "/seg_e", fill('e', 1)).statusCode()).isEqualTo(201);
    }

    private String seg(String c, char x, boolean withChecks) throws Exception {
        int size = x == 'e' ? 1 : MIB;
        return withChecks
                ? "{\"path\": \"/%s/seg_%c\", \"etag\": \"%s\", \"size_bytes\": %d}".formatted(c, x, md5(fill(x, size)), size)
                : "{\"path\": \"/%s/seg_%c\"}".formatted(c, x);
    }

    private HttpResponse<byte[]> putManifest(String path, String json, String... headers) throws Exception {
        return http.send("PUT", A + path + "?multipart-manifest=put", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    private String abcdeEtag() throws Exception {
        StringBuilder etags = new StringBuilder();
        for (char x : "abcd".toCharArray()) {
            etags.append(md5(fill(x, MIB)));
        }
        etags.append(md5(fill('e', 1)));
        return md5(etags.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void sloManifestPutGetHeadRangesAndConditionals() throws Exception {
        segments("slo1");
        String manifest = "[" + seg("slo1", 'a', true) + "," + seg("slo1", 'b', false) + "," + seg("slo1", 'c', true)
                + "," + seg("slo1", 'd', true) + "," + seg("slo1", 'e', true) + "]";
        HttpResponse<byte[]> put = putManifest("/slo1/m", manifest, "Content-Type", "application/x-big");
        assertThat(put.statusCode()).as(text(put)).isEqualTo(201);
        String etag = "\"" + abcdeEtag() + "\"";
        assertThat(put.headers().firstValue("ETag")).contains(etag);

        HttpResponse<byte[]> head = http.send("HEAD", A + "/slo1/m");
        assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(4 * MIB + 1));
        assertThat(head.headers().firstValue("ETag")).contains(etag);
        assertThat(head.headers().firstValue("X-Static-Large-Object")).contains("True");
        assertThat(head.headers().firstValue("Content-Type")).contains("application/x-big");
        assertThat(head.headers().firstValue("X-Manifest-Etag")).hasValueSatisfying(e -> assertThat(e).hasSize(32));

        HttpResponse<byte[]> get = http.send("GET", A + "/slo1/m");
        assertThat(get.statusCode()).isEqualTo(200);
        byte[] whole = new byte[4 * MIB + 1];
        for (int i = 0; i < 4; i++) {
            Arrays.fill(whole, i * MIB, (i + 1) * MIB, (byte) ("abcd".charAt(i)));
        }
        whole[4 * MIB] = 'e';
        assertThat(get.body()).isEqualTo(whole);

        HttpResponse<byte[]> range = http.send("GET", A + "/slo1/m", "Range", "bytes=" + (MIB - 1) + "-" + (2 * MIB));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(whole, MIB - 1, 2 * MIB + 1));
        assertThat(http.send("GET", A + "/slo1/m", "Range", "bytes=-3").body()).isEqualTo("dde".getBytes());
        HttpResponse<byte[]> multi = http.send("GET", A + "/slo1/m", "Range", "bytes=1048571-1048580,2097147-2097156");
        assertThat(multi.statusCode()).isEqualTo(206);
        assertThat(text(multi)).contains("Content-Range: bytes 1048571-1048580/4194305\r\n\r\naaaaabbbbb",
                "Content-Range: bytes 2097147-2097156/4194305\r\n\r\nbbbbbccccc");

        assertThat(http.send("GET", A + "/slo1/m", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(http.send("GET", A + "/slo1/m", "If-Match", "\"nope\"").statusCode()).isEqualTo(412);
        assertThat(http.send("HEAD", A + "/slo1/m", "If-Match", etag).statusCode()).isEqualTo(200);

        // The manifest itself: Swift's stored form (JSON), and the client's form (format=raw) that PUTs back.
        HttpResponse<byte[]> stored = http.send("GET", A + "/slo1/m?multipart-manifest=get");
        assertThat(stored.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
        assertThat(stored.headers().firstValue("ETag")).contains(md5(stored.body()));
        JsonNode entries = JSON.readTree(stored.body());
        assertThat(entries).hasSize(5);
        assertThat(entries.get(1).get("name").asText()).isEqualTo("/slo1/seg_b");
        assertThat(entries.get(1).get("bytes").asLong()).isEqualTo(MIB);
        assertThat(entries.get(1).get("hash").asText()).isEqualTo(md5(fill('b', MIB)));
        HttpResponse<byte[]> raw = http.send("GET", A + "/slo1/m?multipart-manifest=get&format=raw");
        assertThat(raw.headers().firstValue("ETag")).contains(md5(raw.body()));
        assertThat(JSON.readTree(raw.body()).get(0).get("path").asText()).isEqualTo("/slo1/seg_a");
        assertThat(http.send("PUT", A + "/slo1/again?multipart-manifest=put", raw.body()).statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/slo1/again").body()).isEqualTo(whole);

        // The listing shows the large object's size and both ETags.
        JsonNode listing = JSON.readTree(http.send("GET", A + "/slo1?format=json&prefix=m").body());
        assertThat(listing.get(0).get("bytes").asLong()).isEqualTo(4 * MIB + 1);
        assertThat(listing.get(0).get("hash").asText()).isEqualTo(md5(stored.body()));
        assertThat(listing.get(0).get("slo_etag").asText()).isEqualTo(etag);

        // A POST changes metadata and keeps the object a manifest.
        assertThat(http.send("POST", A + "/slo1/m", "X-Object-Meta-Color", "red").statusCode()).isEqualTo(202);
        head = http.send("HEAD", A + "/slo1/m");
        assertThat(head.headers().firstValue("X-Static-Large-Object")).contains("True");
        assertThat(head.headers().firstValue("X-Object-Meta-Color")).contains("red");
        assertThat(head.headers().firstValue("ETag")).contains(etag);
        assertThat(http.send("POST", A + "/slo1/m", "X-Static-Large-Object", "True").statusCode()).isEqualTo(400);
    }

    @Test
    void sloNestedRangedAndInlineDataSegments() throws Exception {
        segments("slo2");
        assertThat(putManifest("/slo2/cd", "[" + seg("slo2", 'c', true) + "," + seg("slo2", 'd', true) + "]").statusCode())
                .isEqualTo(201);
        String cdEtag = md5((md5(fill('c', MIB)) + md5(fill('d', MIB))).getBytes(StandardCharsets.US_ASCII));
        String nested = "[" + seg("slo2", 'b', true) + ", {\"path\": \"/slo2/cd\", \"etag\": \"" + cdEtag
                + "\", \"size_bytes\": " + 2 * MIB + "}]";
        assertThat(putManifest("/slo2/bcd", nested).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> head = http.send("HEAD", A + "/slo2/bcd");
        assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(3 * MIB));
        String bcdEtag = md5((md5(fill('b', MIB)) + cdEtag).getBytes(StandardCharsets.US_ASCII));
        assertThat(head.headers().firstValue("ETag")).contains("\"" + bcdEtag + "\"");
        byte[] got = http.send("GET", A + "/slo2/bcd", "Range", "bytes=" + (MIB - 1) + "-" + (2 * MIB)).body();
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("b" + "c".repeat(MIB) + "d");

        String ranged = "[{\"path\": \"/slo2/bcd\", \"range\": \"-2\"}, {\"path\": \"/slo2/seg_a\", \"range\": \"10-12\"},"
                + "{\"data\": \"" + Base64.getEncoder().encodeToString("XYZ".getBytes()) + "\"}]";
        assertThat(putManifest("/slo2/ranged", ranged).statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/slo2/ranged").body()).isEqualTo("ddaaaXYZ".getBytes());
        assertThat(http.send("GET", A + "/slo2/ranged", "Range", "bytes=1-6").body()).isEqualTo("daaaXY".getBytes());
    }

    @Test
    void sloManifestPutRefusesBadManifestsAndChangesNothing() throws Exception {
        segments("slo3");
        HttpResponse<byte[]> r = putManifest("/slo3/bad", "[{\"path\": \"/slo3/seg_a\", \"etag\": \"nope\"},"
                + "{\"path\": \"/slo3/missing\"}, {\"path\": \"/slo3/seg_b\", \"size_bytes\": 5}]");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(text(r)).contains("/slo3/seg_a, Etag Mismatch", "/slo3/missing, 404 Not Found",
                "/slo3/seg_b, Size Mismatch");
        assertThat(putManifest("/slo3/bad", "not json").statusCode()).isEqualTo(400);
        assertThat(text(putManifest("/slo3/bad", "[{\"path\": \"/slo3/seg_a\", \"siz_bytes\": 1}]")))
                .contains("Index 0: extraneous keys \"siz_bytes\"");
        assertThat(text(putManifest("/slo3/seg_a", "[{\"path\": \"/slo3/seg_a\"}]")))
                .contains("manifest must not include itself as a segment");
        assertThat(putManifest("/slo3/bad", "[{\"path\": \"/slo3/seg_a\"}]", "ETag", "0123").statusCode()).isEqualTo(422);
        assertThat(putManifest("/slo3/bad", "[{\"path\": \"/slo3/seg_a\", \"range\": \"5-1\"}]").statusCode()).isEqualTo(400);
        assertThat(http.send("HEAD", A + "/slo3/bad").statusCode()).as("nothing stored").isEqualTo(404);
        assertThat(http.send("HEAD", A + "/slo3/seg_a").headers().firstValue("X-Static-Large-Object")).isEmpty();
        assertThat(http.send("PUT", A + "/slo3/x", "[]".getBytes(), "X-Static-Large-Object", "True").statusCode())
                .isEqualTo(400);
    }

    @Test
    void sloHeartbeatSendsWhitespaceThenTheStatus() throws Exception {
        segments("slo4");
        HttpResponse<byte[]> ok = http.send("PUT", A + "/slo4/m?multipart-manifest=put&heartbeat=on",
                ("[" + seg("slo4", 'a', true) + "]").getBytes(), "Accept", "application/json");
        assertThat(ok.statusCode()).isEqualTo(202);
        String body = text(ok);
        assertThat(body.substring(0, body.indexOf("\r\n\r\n")).trim()).isEmpty();
        JsonNode result = JSON.readTree(body.substring(body.indexOf("\r\n\r\n") + 4));
        assertThat(result.get("Response Status").asText()).isEqualTo("201 Created");
        assertThat(result.get("Etag").asText()).isEqualTo("\"" + md5(md5(fill('a', MIB)).getBytes()) + "\"");
        HttpResponse<byte[]> bad = http.send("PUT", A + "/slo4/m2?multipart-manifest=put&heartbeat=on",
                "[{\"path\": \"/slo4/none\"}]".getBytes());
        assertThat(bad.statusCode()).isEqualTo(202);
        assertThat(text(bad)).contains("Response Status: 400 Bad Request", "Errors:\n/slo4/none, 404 Not Found\n");
        assertThat(http.send("HEAD", A + "/slo4/m2").statusCode()).isEqualTo(404);
    }

    @Test
    void sloCopyDeleteAndChangedSegments() throws Exception {
        segments("slo5");
        String manifest = "[" + seg("slo5", 'a', true) + "," + seg("slo5", 'e', true) + "]";
        assertThat(putManifest("/slo5/m", manifest).statusCode()).isEqualTo(201);
        byte[] whole = http.send("GET", A + "/slo5/m").body();

        // COPY of the large object copies its bytes: a plain object.
        assertThat(http.send("COPY", A + "/slo5/m", "Destination", "slo5/bytes").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> copied = http.send("GET", A + "/slo5/bytes");
        assertThat(copied.body()).isEqualTo(whole);
        assertThat(copied.headers().firstValue("X-Static-Large-Object")).isEmpty();
        // With multipart-manifest=get the manifest is copied.
        HttpResponse<byte[]> c2 = http.send("COPY", A + "/slo5/m?multipart-manifest=get", "Destination", "slo5/m2");
        assertThat(c2.statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/slo5/m2?multipart-manifest=get").body())
                .isEqualTo(http.send("GET", A + "/slo5/m?multipart-manifest=get").body());
        assertThat(http.send("HEAD", A + "/slo5/m2").headers().firstValue("X-Static-Large-Object")).contains("True");
        assertThat(http.send("PUT", A + "/slo5/m3?multipart-manifest=get", new byte[0], "X-Copy-From", "slo5/m")
                .statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/slo5/m3").body()).isEqualTo(whole);

        // A segment overwritten after the manifest was written: the GET cannot be served (409).
        assertThat(http.send("PUT", A + "/slo5/seg_a", fill('z', MIB)).statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/slo5/m").statusCode()).isEqualTo(409);

        // DELETE with multipart-manifest=delete: the segments, then the manifest.
        HttpResponse<byte[]> del = http.send("DELETE", A + "/slo5/m2?multipart-manifest=delete", "Accept", "application/json");
        assertThat(del.statusCode()).isEqualTo(200);
        JsonNode result = JSON.readTree(del.body());
        assertThat(result.get("Number Deleted").asInt()).isEqualTo(3);
        assertThat(result.get("Response Status").asText()).isEqualTo("200 OK");
        assertThat(http.send("HEAD", A + "/slo5/seg_a").statusCode()).isEqualTo(404);
        assertThat(http.send("HEAD", A + "/slo5/m2").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> notSlo = http.send("DELETE", A + "/slo5/bytes?multipart-manifest=delete");
        assertThat(text(notSlo)).contains("Response Status: 400 Bad Request", "/slo5/bytes, Not an SLO manifest");
        assertThat(http.send("HEAD", A + "/slo5/bytes").statusCode()).isEqualTo(200);
    }

    /**
     * Manifests that name each other (A's segment is B, B's is A): each PUT was valid
     * when made, the overwrite closes the loop. Every request on them answers in bounded time (the
     * multipart delete used to walk the loop until OutOfMemoryError). GET and COPY answer 409 (the
     * segment no longer is what the manifest recorded, or the loop nests too deep); HEAD answers from
     * the manifest's own metadata as Swift's does; the delete deletes each object once and reports the
     * second visit as not found, as Swift's walk (which deletes as it goes) does.
     */
    @Test
    void sloManifestsNamingEachOtherAnswerInBoundedTime() throws Exception {
        container("slo7");
        assertThat(http.send("PUT", A + "/slo7/x", fill('x', 1)).statusCode()).isEqualTo(201);
        assertThat(putManifest("/slo7/b", "[{\"path\": \"/slo7/x\"}]").statusCode()).isEqualTo(201);
        assertThat(putManifest("/slo7/a", "[{\"path\": \"/slo7/b\"}]").statusCode()).isEqualTo(201);
        assertThat(putManifest("/slo7/b", "[{\"path\": \"/slo7/a\"}]").statusCode()).isEqualTo(201);
        // (A manifest naming itself cannot be made: the PUT, and a COPY of a manifest naming it onto it,
        // are refused with 400.)

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            for (String m : new String[] {"a", "b"}) {
                assertThat(http.send("GET", A + "/slo7/" + m).statusCode()).as("GET " + m).isEqualTo(409);
                assertThat(http.send("COPY", A + "/slo7/" + m, "Destination", "slo7/copy-" + m).statusCode())
                        .as("COPY " + m).isEqualTo(409);
                assertThat(http.send("HEAD", A + "/slo7/" + m).statusCode()).as("HEAD " + m).isEqualTo(200);
            }
            HttpResponse<byte[]> del = http.send("DELETE", A + "/slo7/a?multipart-manifest=delete",
                    "Accept", "application/json");
            assertThat(del.statusCode()).isEqualTo(200);
            JsonNode result = JSON.readTree(del.body());
            assertThat(result.get("Number Deleted").asInt()).as(text(del)).isEqualTo(2);
            assertThat(result.get("Number Not Found").asInt()).as(text(del)).isEqualTo(1);
        });
        for (String gone : new String[] {"a", "b", "copy-a", "copy-b"}) {
            assertThat(http.send("HEAD", A + "/slo7/" + gone).statusCode()).as(gone).isEqualTo(404);
        }
        assertThat(http.send("HEAD", A + "/slo7/x").statusCode()).isEqualTo(200);
    }

    /** An SLO of 1,000 one-byte ranges of one 4 MiB block reads and hashes that block once, not 1,000 times. */
    @Test
    void sloOfManyRangesOfOneBlockReadsTheBlockOnce() throws Exception {
        container("slo8");
        byte[] block = new byte[4 * MIB];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31 + (i >> 12));
        }
        assertThat(http.send("PUT", A + "/slo8/big", block).statusCode()).isEqualTo(201);
        StringBuilder manifest = new StringBuilder("[");
        byte[] expected = new byte[1000];
        for (int i = 0; i < 1000; i++) {
            int at = i * 4001;
            expected[i] = block[at];
            manifest.append(i == 0 ? "" : ",").append("{\"path\": \"/slo8/big\", \"range\": \"")
                    .append(at).append('-').append(at).append("\"}");
        }
        HttpResponse<byte[]> put = putManifest("/slo8/m", manifest.append(']').toString());
        assertThat(put.statusCode()).as(text(put)).isEqualTo(201);
        com.codahale.metrics.Meter verified =
                server.server.metrics().meter(io.tessera.store.content.VerifiedBlocks.VERIFIED_METRIC);
        long before = verified.getCount();
        assertThat(http.send("GET", A + "/slo8/m").body()).isEqualTo(expected);
        // Two: the manifest's own block (its JSON), then the segment's block, once (not once per range).
        assertThat(verified.getCount() - before).isEqualTo(2);
    }

    /**
     * A DLO's segments are produced lazily: its headers come from the listing, each segment's map is
     * loaded when the read reaches it. HEAD loads none, a GET of its first byte one, a whole GET each once.
     */
    @Test
    void dloLoadsEachSegmentsMapOnlyWhenReached() throws Exception {
        container("dlo9");
        StringBuilder whole = new StringBuilder();
        for (char x : "abcde".toCharArray()) {
            assertThat(http.send("PUT", A + "/dlo9/seg/" + x, fill(x, 10)).statusCode()).isEqualTo(201);
            whole.append(String.valueOf(x).repeat(10));
        }
        assertThat(http.send("PUT", A + "/dlo9/man", new byte[0], "X-Object-Manifest", "dlo9/seg/").statusCode())
                .isEqualTo(201);
        com.codahale.metrics.Meter loads = server.server.metrics().meter("swift.dlo.segments.read");
        long before = loads.getCount();
        HttpResponse<byte[]> head = http.send("HEAD", A + "/dlo9/man");
        assertThat(head.headers().firstValue("Content-Length")).contains("50");
        assertThat(loads.getCount() - before).as("maps loaded by HEAD").isZero();
        before = loads.getCount();
        assertThat(text(http.send("GET", A + "/dlo9/man", "Range", "bytes=0-0"))).isEqualTo("a");
        assertThat(loads.getCount() - before).as("maps loaded by a GET of the first byte").isEqualTo(1);
        before = loads.getCount();
        assertThat(text(http.send("GET", A + "/dlo9/man", "Range", "bytes=25-34"))).isEqualTo("cccccddddd");
        assertThat(loads.getCount() - before).as("maps loaded by a GET of bytes 25-34").isEqualTo(2);
        before = loads.getCount();
        assertThat(text(http.send("GET", A + "/dlo9/man"))).isEqualTo(whole.toString());
        assertThat(loads.getCount() - before).as("maps loaded by a whole GET").isEqualTo(5);
    }

    @Test
    void dloMultipleRangesGetTheWholeObjectAndCopiesHoldTheBytes() throws Exception {
        container("dlo");
        for (char x : "abc".toCharArray()) {
            http.send("PUT", A + "/dlo/seg/" + x, fill(x, 10));
        }
        assertThat(http.send("PUT", A + "/dlo/man", new byte[0], "X-Object-Manifest", "dlo/seg/").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> multi = http.send("GET", A + "/dlo/man", "Range", "bytes=0-4,10-14");
        assertThat(multi.statusCode()).isEqualTo(200);
        assertThat(text(multi)).isEqualTo("a".repeat(10) + "b".repeat(10) + "c".repeat(10));
        assertThat(text(http.send("GET", A + "/dlo/man", "Range", "bytes=8-11"))).isEqualTo("aabb");
        assertThat(http.send("COPY", A + "/dlo/man", "Destination", "dlo/copy").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> copy = http.send("GET", A + "/dlo/copy");
        assertThat(text(copy)).hasSize(30);
        assertThat(copy.headers().firstValue("X-Object-Manifest")).isEmpty();
        assertThat(http.send("GET", A + "/dlo/man?multipart-manifest=get").body()).isEmpty();
    }

    @Test
    void bulkDeleteReportsDeletedNotFoundAndFailuresInEachFormat() throws Exception {
        container("bulk");
        container("bulk-empty");
        http.send("PUT", A + "/bulk/a%20b", "1".getBytes());
        http.send("PUT", A + "/bulk/%C3%BC", "2".getBytes());
        String body = "/bulk/a%20b\n/bulk/%C3%BC\n/bulk/missing\n/bulk-empty\n/bulk\n";
        HttpResponse<byte[]> r = http.send("POST", A + "?bulk-delete", body.getBytes(), "Accept", "application/json",
                "Content-Type", "text/plain");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = JSON.readTree(r.body());
        assertThat(result.get("Number Deleted").asInt()).as(text(r)).isEqualTo(4);
        assertThat(result.get("Number Not Found").asInt()).isEqualTo(1);
        assertThat(result.get("Response Status").asText()).isEqualTo("200 OK");
        assertThat(http.send("HEAD", A + "/bulk").statusCode()).isEqualTo(404);

        container("bulk2");
        http.send("PUT", A + "/bulk2/x", "1".getBytes());
        HttpResponse<byte[]> xml = http.send("DELETE", A + "/bulk2/x?bulk-delete", "/bulk2\n".getBytes(),
                "Accept", "application/xml", "Content-Type", "text/plain");
        assertThat(text(xml)).contains("<delete>", "<response_status>400 Bad Request</response_status>",
                "<object><name>/bulk2</name><status>409 Conflict</status></object>");
        SwiftHttp other = new SwiftHttp(server.port(), "test2:tester2", "testing2");
        HttpResponse<byte[]> denied = other.send("POST", A + "?bulk-delete", "/bulk2/x\n".getBytes());
        assertThat(text(denied)).contains("Response Status: 400 Bad Request", "/bulk2/x, 403 Forbidden");
        assertThat(http.send("HEAD", A + "/bulk2/x").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> tooMany = http.send("POST", A + "?bulk-delete", "/bulk2/x\n".repeat(10_001).getBytes());
        assertThat(text(tooMany)).contains("Response Status: 413 Request Entity Too Large",
                "Maximum Bulk Deletes: 10000 per request");
        assertThat(http.send("HEAD", A + "/bulk2/x").statusCode()).isEqualTo(200);
    }

    private static byte[] tar(String compression, Map<String, String> files, Map<String, String> pax) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = switch (compression) {
            case "tar.gz" -> new GzipCompressorOutputStream(bytes);
            case "tar.bz2" -> new BZip2CompressorOutputStream(bytes);
            default -> bytes;
        };
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(data.length);
                pax.forEach(e::addPaxHeader);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
            TarArchiveEntry dir = new TarArchiveEntry("adir/");
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void extractArchiveStoresEveryFileOfTarTarGzAndTarBz2() throws Exception {
        for (String format : new String[] {"tar", "tar.gz", "tar.bz2"}) {
            String c = "ex-" + format.replace('.', '-');
            byte[] archive = tar(format, Map.of(c + "/one.txt", "one", c + "/dir/two.txt", "two", "top.txt", "skipped"),
                    Map.of("SCHILY.xattr.user.meta.color", "blue", "SCHILY.xattr.user.mime_type", "text/x-test"));
            HttpResponse<byte[]> r = http.send("PUT", A + "?extract-archive=" + format, archive, "Accept", "application/json");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode result = JSON.readTree(r.body());
            assertThat(result.get("Response Status").asText()).as(text(r)).isEqualTo("201 Created");
            assertThat(result.get("Number Files Created").asInt()).isEqualTo(2);
            HttpResponse<byte[]> two = http.send("GET", A + "/" + c + "/dir/two.txt");
            assertThat(text(two)).isEqualTo("two");
            assertThat(two.headers().firstValue("X-Object-Meta-Color")).contains("blue");
            assertThat(two.headers().firstValue("Content-Type")).contains("text/x-test");
        }
        // Into a container and a prefix of it, with the request's metadata.
        container("ex-into");
        String big = "0123456789abcdef".repeat(600_000); // 9.6 MB: three blocks, streamed from the archive
        byte[] archive = tar("tar", Map.of("./a.txt", "A", "b/c.txt", "C", "big.bin", big), Map.of());
        HttpResponse<byte[]> r = http.send("PUT", A + "/ex-into/pre?extract-archive=tar", archive,
                "X-Object-Meta-Batch", "7");
        assertThat(text(r)).contains("Number Files Created: 3", "Response Status: 201 Created");
        assertThat(text(http.send("GET", A + "/ex-into/pre/big.bin"))).isEqualTo(big);
        HttpResponse<byte[]> a = http.send("GET", A + "/ex-into/pre/a.txt");
        assertThat(text(a)).isEqualTo("A");
        assertThat(a.headers().firstValue("X-Object-Meta-Batch")).contains("7");
        assertThat(text(http.send("GET", A + "/ex-into/pre/b/c.txt"))).isEqualTo("C");

        HttpResponse<byte[]> broken = http.send("PUT", A + "/ex-into?extract-archive=tar.gz", "not gzip".getBytes());
        assertThat(text(broken)).contains("Response Status: 400 Bad Request", "Invalid Tar File");
        assertThat(http.send("PUT", A + "/ex-into?extract-archive=zip", new byte[1]).statusCode()).isEqualTo(400);
    }

    /**
     * Only regular files become objects, as in Swift (Python's TarInfo.isfile(): regular and contiguous
     * files): symbolic and hard links, devices, FIFOs and directories are skipped, and counted nowhere.
     */
    @Test
    void extractArchiveSkipsLinksDevicesAndFifosAsSwiftDoes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tarEntry(tar, new TarArchiveEntry("ex-kinds/regular"), "hello");
            tarEntry(tar, new TarArchiveEntry("ex-kinds/contiguous", TarConstants.LF_CONTIG), "contig");
            tarEntry(tar, new TarArchiveEntry("ex-kinds/dir/"), null);
            TarArchiveEntry symlink = new TarArchiveEntry("ex-kinds/symlink", TarConstants.LF_SYMLINK);
            symlink.setLinkName("regular");
            tarEntry(tar, symlink, null);
            TarArchiveEntry hardLink = new TarArchiveEntry("ex-kinds/hardlink", TarConstants.LF_LINK);
            hardLink.setLinkName("ex-kinds/regular");
            tarEntry(tar, hardLink, null);
            for (byte kind : new byte[] {TarConstants.LF_CHR, TarConstants.LF_BLK}) {
                TarArchiveEntry device = new TarArchiveEntry("ex-kinds/device-" + (char) kind, kind);
                device.setDevMajor(1);
                device.setDevMinor(3);
                tarEntry(tar, device, null);
            }
            tarEntry(tar, new TarArchiveEntry("ex-kinds/fifo", TarConstants.LF_FIFO), null);
        }
        HttpResponse<byte[]> r = http.send("PUT", A + "?extract-archive=tar", bytes.toByteArray(), "Accept", "application/json");
        JsonNode report = JSON.readTree(r.body());
        assertThat(report.get("Response Status").asText()).as(text(r)).isEqualTo("201 Created");
        assertThat(report.get("Number Files Created").asInt()).isEqualTo(2);
        assertThat(report.get("Errors")).isEmpty();
        assertThat(text(http.send("GET", A + "/ex-kinds")).split("\n")).containsExactly("contiguous", "regular");

        ByteArrayOutputStream onlyLinks = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(onlyLinks)) {
            TarArchiveEntry symlink = new TarArchiveEntry("ex-links/symlink", TarConstants.LF_SYMLINK);
            symlink.setLinkName("elsewhere");
            tarEntry(tar, symlink, null);
        }
        r = http.send("PUT", A + "?extract-archive=tar", onlyLinks.toByteArray());
        assertThat(text(r)).contains("Number Files Created: 0", "Response Body: Invalid Tar File: No Valid Files",
                "Response Status: 400 Bad Request");
        assertThat(http.send("HEAD", A + "/ex-links").statusCode()).as("no container for a link").isEqualTo(404);

        // A sparse file is a regular file: stored expanded, as Swift stores what Python's tarfile reads.
        r = http.send("PUT", A + "?extract-archive=tar", gnuSparseTar("ex-sparse/file", MIB, "tail"));
        assertThat(text(r)).contains("Number Files Created: 1", "Response Status: 201 Created");
        byte[] expanded = http.send("GET", A + "/ex-sparse/file").body();
        assertThat(expanded).hasSize(MIB + 4);
        assertThat(Arrays.copyOfRange(expanded, 0, MIB)).isEqualTo(new byte[MIB]);
        assertThat(new String(expanded, MIB, 4, StandardCharsets.US_ASCII)).isEqualTo("tail");
    }

    /**
     * A tar of one old-GNU-format sparse file (type 'S', as {@code tar --sparse --format=gnu} writes it):
     * {@code hole} zero bytes, then {@code data}. commons-compress reads such archives but cannot write them.
     */
    private static byte[] gnuSparseTar(String name, long hole, String data) throws Exception {
        byte[] bytes = data.getBytes(StandardCharsets.US_ASCII);
        byte[] h = new byte[512];
        ascii(h, 0, name);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, bytes.length);
        octal(h, 136, 12, 0);
        h[156] = TarConstants.LF_GNUTYPE_SPARSE;
        ascii(h, 257, "ustar  "); // the old GNU magic: its header carries the sparse map
        octal(h, 386, 12, hole); // the one data region...
        octal(h, 398, 12, bytes.length);
        octal(h, 410, 12, hole + bytes.length); // ...and the map's end marker
        octal(h, 422, 12, 0);
        octal(h, 483, 12, hole + bytes.length); // the expanded size
        ascii(h, 148, "        ");
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(h);
        out.write(Arrays.copyOf(bytes, 512));
        out.write(new byte[1024]); // end of archive
        return out.toByteArray();
    }

    private static void ascii(byte[] header, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, at, b.length);
    }

    private static void octal(byte[] header, int at, int width, long value) {
        ascii(header, at, String.format("%0" + (width - 1) + "o", value)); // the field's last byte stays as it was
    }

    private static void tarEntry(TarArchiveOutputStream tar, TarArchiveEntry entry, String data) throws Exception {
        byte[] b = data == null ? new byte[0] : data.getBytes(StandardCharsets.UTF_8);
        entry.setSize(b.length);
        tar.putArchiveEntry(entry);
        tar.write(b);
        tar.closeArchiveEntry();
    }

    /** A plain tar of {@code files} (name -> content), each with its own pax headers. */
    private static byte[] tarWithPax(Map<String, Map<String, String>> files) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, Map<String, String>> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(5);
                f.getValue().forEach(e::addPaxHeader);
                tar.putArchiveEntry(e);
                tar.write("hello".getBytes(StandardCharsets.UTF_8));
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void extractArchiveHoldsPaxMetadataToTheLimitsOfAPut() throws Exception {
        // Swift 2.30 turns user.meta.* and user.mime_type into the headers of the file's PUT, which its
        // metadata checks then refuse one by one: "400 Bad Request" for that file, the others stored.
        Map<String, String> many = new java.util.LinkedHashMap<>();
        Map<String, String> total = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 91; i++) {
            many.put("SCHILY.xattr.user.meta.k" + i, "v");
        }
        for (int i = 0; i < 20; i++) {
            total.put("SCHILY.xattr.user.meta.k" + i, "v".repeat(250));
        }
        Map<String, Map<String, String>> files = new java.util.LinkedHashMap<>();
        files.put("ok.txt", Map.of("SCHILY.xattr.user.meta.color", "blue"));
        files.put("longvalue.txt", Map.of("SCHILY.xattr.user.meta.big", "v".repeat(257)));
        files.put("huge.txt", Map.of("SCHILY.xattr.user.meta.big", "v".repeat(9000)));
        files.put("longname.txt", Map.of("SCHILY.xattr.user.meta." + "n".repeat(129), "v"));
        files.put("many.txt", many);
        files.put("total.txt", total);
        files.put("mime.txt", Map.of("LIBARCHIVE.xattr.user.mime_type", "text/" + "x".repeat(9000)));
        container("ex-pax");
        HttpResponse<byte[]> r = http.send("PUT", A + "/ex-pax?extract-archive=tar", tarWithPax(files),
                "Accept", "application/json");
        JsonNode result = JSON.readTree(r.body());
        assertThat(result.get("Response Status").asText()).as(text(r)).isEqualTo("400 Bad Request");
        assertThat(result.get("Number Files Created").asInt()).as(text(r)).isEqualTo(1);
        assertThat(result.get("Errors").toString()).isEqualTo("[[\"ex-pax/longvalue.txt\",\"400 Bad Request\"],"
                + "[\"ex-pax/huge.txt\",\"400 Bad Request\"],[\"ex-pax/longname.txt\",\"400 Bad Request\"],"
                + "[\"ex-pax/many.txt\",\"400 Bad Request\"],[\"ex-pax/total.txt\",\"400 Bad Request\"],"
                + "[\"ex-pax/mime.txt\",\"400 Bad Request\"]]");
        assertThat(http.send("HEAD", A + "/ex-pax/ok.txt").headers().firstValue("X-Object-Meta-Color")).contains("blue");
        for (String refused : java.util.List.of("longvalue", "huge", "longname", "many", "total", "mime")) {
            assertThat(http.send("HEAD", A + "/ex-pax/" + refused + ".txt").statusCode()).as(refused).isEqualTo(404);
        }

        // The request's metadata and the file's together are what is checked.
        Map<String, String> half = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            half.put("SCHILY.xattr.user.meta.p" + i, "v");
        }
        String[] requestMeta = new String[2 * 41];
        for (int i = 0; i < 41; i++) {
            requestMeta[2 * i] = "X-Object-Meta-R" + i;
            requestMeta[2 * i + 1] = "v";
        }
        r = http.send("PUT", A + "/ex-pax?extract-archive=tar", tarWithPax(Map.of("sum.txt", half)), requestMeta);
        assertThat(text(r)).as("41 from the request + 50 from the archive > 90").contains(
                "Response Status: 400 Bad Request", "ex-pax/sum.txt, 400 Bad Request");
    }

    @Test
    void infoAdvertisesSloAndBulk() throws Exception {
        JsonNode info = JSON.readTree(http.send("GET", "/info").body());
        assertThat(info.get("slo").get("max_manifest_segments").asInt()).isEqualTo(1000);
        assertThat(info.get("slo").get("max_manifest_size").asInt()).isEqualTo(8 * MIB);
        assertThat(info.get("slo").get("min_segment_size").asInt()).isEqualTo(1);
        assertThat(info.get("slo").get("yield_frequency").asInt()).isEqualTo(10);
        assertThat(info.get("bulk_delete").get("max_deletes_per_request").asInt()).isEqualTo(10_000);
        assertThat(info.get("bulk_upload").get("max_containers_per_extraction").asInt()).isEqualTo(10_000);
    }
}
