package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.MerkleRoot;
import io.tessera.store.BlockStore;
import io.tessera.store.OwnedIds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The Pithos hashmap protocol at the HTTP level against a real server (issue 14, item 1): a client
 * hashes a file itself, sends only its hashmap, learns which blocks the server lacks (409 with the
 * list), uploads just those (block POST to the container) and sends the hashmap again (201). Hashmap
 * reads in JSON and XML, the container's block headers, the write pipeline's checks, hostile bodies.
 * Runs once per backend ({@link PithosHashmapEmbeddedTest}, {@link PithosHashmapCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PithosHashmapTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final int MIB = 1024 * 1024;
    static final int BLOCK = 4 * MIB;
    static final ObjectMapper JSON = new ObjectMapper();

    TestServer server;
    SwiftHttp http;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        assertThat(http.send("PUT", A + "/pithos").statusCode()).isIn(201, 202);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- what a Pithos client computes ----

    /** The hashes of {@code data}'s blocks, as Pithos hashes them (trailing NULs stripped). */
    static List<String> hashes(byte[] data) {
        List<String> hashes = new ArrayList<>();
        for (int off = 0; off < data.length; off += BLOCK) {
            int len = Math.min(BLOCK, data.length - off);
            hashes.add(BlockHasher.hash(data, off, BlockHasher.strippedLength(data, off, len)).toHex());
        }
        return hashes;
    }

    static String merkle(List<String> hashes) {
        return MerkleRoot.of(hashes.stream().map(BlockHash::fromHex).toList()).toHex();
    }

    static byte[] hashmapJson(long bytes, List<String> hashes, boolean withBlockFields) throws Exception {
        var m = new java.util.LinkedHashMap<String, Object>();
        if (withBlockFields) {
            m.put("block_hash", "sha256");
            m.put("block_size", BLOCK);
        }
        m.put("bytes", bytes);
        m.put("hashes", hashes);
        return JSON.writeValueAsBytes(m);
    }

    static byte[] block(byte[] data, int index) {
        return Arrays.copyOfRange(data, index * BLOCK, Math.min(data.length, (index + 1) * BLOCK));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    static List<String> list(byte[] json) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(json).forEach(n -> out.add(n.asText()));
        return out;
    }

    long meter(String name) {
        return server.server.metrics().meter(name).getCount();
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

    HttpResponse<byte[]> putHashmap(String path, byte[] body, String... headers) throws Exception {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type";
        all[headers.length + 1] = "application/octet-stream";
        return http.send("PUT", path + "?hashmap=True&format=json", body, all);
    }

    HttpResponse<byte[]> postBlocks(String container, byte[] data) throws Exception {
        return http.send("POST", A + "/" + container + "?update&format=json", data,
                "Content-Type", "application/octet-stream");
    }

    // ---- the protocol ----

    @Test
    void aHalfStoredFileIsUploadedBySendingOnlyItsMissingBlocks() throws Exception {
        // 22 MiB: five whole blocks and a short last one.
        byte[] data = random(22 * MIB, 14);
        List<String> hashes = hashes(data);
        assertThat(hashes).hasSize(6);
        // Half of its blocks (0, 2, 4) are stored already: an object made of exactly them.
        byte[] half = concat(block(data, 0), block(data, 2), block(data, 4));
        assertThat(http.send("PUT", A + "/pithos/half-of-it", half).statusCode()).isEqualTo(201);

        BlockStore.BlockStats before = server.server.store().blocks().stats();
        long receivedBefore = meter("pithos.blocks.received");
        long presentBefore = meter("pithos.blocks.present");
        long bytesSent = 0;

        byte[] map = hashmapJson(data.length, hashes, false); // kamaki's body: no block_size, no block_hash
        HttpResponse<byte[]> first = putHashmap(A + "/pithos/file.bin", map);
        bytesSent += map.length;
        assertThat(first.statusCode()).isEqualTo(409);
        assertThat(first.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(list(first.body())).as("exactly the missing blocks, in order")
                .containsExactly(hashes.get(1), hashes.get(3), hashes.get(5));
        assertThat(http.send("HEAD", A + "/pithos/file.bin").statusCode()).as("nothing published").isEqualTo(404);

        // Upload them: two in one POST, the short last one in another.
        byte[] twoBlocks = concat(block(data, 1), block(data, 3));
        HttpResponse<byte[]> posted = postBlocks("pithos", twoBlocks);
        bytesSent += twoBlocks.length;
        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(list(posted.body())).containsExactly(hashes.get(1), hashes.get(3));
        byte[] last = block(data, 5);
        posted = postBlocks("pithos", last);
        bytesSent += last.length;
        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(list(posted.body())).containsExactly(hashes.get(5));

        HttpResponse<byte[]> retry = putHashmap(A + "/pithos/file.bin", map);
        bytesSent += map.length;
        assertThat(retry.statusCode()).isEqualTo(201);
        String root = merkle(hashes);
        assertThat(retry.headers().firstValue("X-Object-Hash")).contains(root);
        assertThat(retry.headers().firstValue("ETag")).as("no MD5 yet: the Merkle root, never a wrong MD5").contains(root);

        BlockStore.BlockStats after = server.server.store().blocks().stats();
        assertThat(meter("pithos.blocks.received") - receivedBefore).as("blocks received").isEqualTo(3);
        assertThat(meter("pithos.blocks.present") - presentBefore).as("of which already stored").isZero();
        assertThat(after.blocks() - before.blocks()).as("the store gained only the missing blocks").isEqualTo(3);
        assertThat(bytesSent).as("what the client sent for a 22 MiB file").isEqualTo(10L * MIB + 2L * map.length);
        System.out.printf("hashmap upload of %d bytes, half stored: %d bytes sent (%d of blocks, 2 x %d of hashmap)%n",
                data.length, bytesSent, 10L * MIB, map.length);

        HttpResponse<byte[]> get = http.send("GET", A + "/pithos/file.bin");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(md5(get.body())).isEqualTo(md5(data));
        assertThat(get.headers().firstValue("ETag").orElseThrow()).as("the Merkle root, or already the MD5")
                .isIn(root, md5(data));

        // In the background its MD5 becomes its ETag: what Swift clients compare with what they download.
        String etag = awaitEtag(A + "/pithos/file.bin", md5(data));
        assertThat(etag).isEqualTo(md5(data));
        HttpResponse<byte[]> head = http.send("HEAD", A + "/pithos/file.bin");
        assertThat(head.headers().firstValue("X-Object-Hash")).contains(root);
        assertThat(head.headers().firstValue("Last-Modified")).isEqualTo(retry.headers().firstValue("Last-Modified"));
        assertThat(http.send("HEAD", A + "/pithos/file.bin", "If-Match", root).statusCode()).as("either tag").isEqualTo(200);
        assertThat(http.send("HEAD", A + "/pithos/file.bin", "If-None-Match", root).statusCode()).isEqualTo(304);
        assertThat(http.send("HEAD", A + "/pithos/file.bin", "If-None-Match", md5(data)).statusCode()).isEqualTo(304);
        JsonNode listed = JSON.readTree(http.send("GET", A + "/pithos?format=json&prefix=file.bin").body());
        assertThat(listed.get(0).get("hash").asText()).isEqualTo(md5(data));
        assertThat(get.headers().firstValue("Content-Type")).contains("application/octet-stream");

        // The hashmap reads back as it was put, in JSON (the default) and XML.
        for (String query : List.of("?hashmap", "?hashmap&format=json", "?hashmap=True&format=json")) {
            HttpResponse<byte[]> h = http.send("GET", A + "/pithos/file.bin" + query);
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
            JsonNode body = JSON.readTree(h.body());
            assertThat(body.get("block_hash").asText()).isEqualTo("sha256");
            assertThat(body.get("block_size").asLong()).isEqualTo(BLOCK);
            assertThat(body.get("bytes").asLong()).isEqualTo(data.length);
            List<String> got = new ArrayList<>();
            body.get("hashes").forEach(n -> got.add(n.asText()));
            assertThat(got).isEqualTo(hashes);
            assertThat(h.headers().firstValue("X-Object-Hash")).contains(root);
        }
        HttpResponse<byte[]> xml = http.send("GET", A + "/pithos/file.bin?hashmap&format=xml");
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.headers().firstValue("Content-Type")).get().asString().startsWith("application/xml");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.body()));
        var object = doc.getDocumentElement();
        assertThat(object.getTagName()).isEqualTo("object");
        assertThat(object.getAttribute("name")).isEqualTo("file.bin");
        assertThat(object.getAttribute("bytes")).isEqualTo(String.valueOf(data.length));
        assertThat(object.getAttribute("block_size")).isEqualTo(String.valueOf(BLOCK));
        assertThat(object.getAttribute("block_hash")).isEqualTo("sha256");
        NodeList hashNodes = object.getElementsByTagName("hash");
        List<String> xmlHashes = new ArrayList<>();
        for (int i = 0; i < hashNodes.getLength(); i++) {
            xmlHashes.add(hashNodes.item(i).getTextContent());
        }
        assertThat(xmlHashes).isEqualTo(hashes);

        // A second hashmap PUT of the same file under another name moves nothing at all.
        long receivedNow = meter("pithos.blocks.received");
        assertThat(putHashmap(A + "/pithos/copy.bin", hashmapJson(data.length, hashes, true)).statusCode()).isEqualTo(201);
        assertThat(meter("pithos.blocks.received")).isEqualTo(receivedNow);
        assertThat(server.server.store().blocks().stats()).isEqualTo(after);
    }

    /**
     * An MD5 whose job a restart dropped (the job queue is in memory) is computed when the object is next
     * read: the first read after the restart answers the Merkle root, a later one the MD5. A second
     * server on its own home (and, on Cassandra, this class's keyspace) stops right after the hashmap PUT
     * of a 512 MiB object (one stored block, 128 times), while its MD5 is being read.
     */
    @Test
    void anMd5WhoseJobARestartDroppedIsComputedWhenTheObjectIsNextRead(@TempDir Path home) throws Exception {
        byte[] block = random(BLOCK, 55);
        List<String> hashes = java.util.Collections.nCopies(128, hashes(block).get(0));
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (int i = 0; i < hashes.size(); i++) {
            md5.update(block);
        }
        String expected = HexFormat.of().formatHex(md5.digest());
        String root = merkle(hashes);
        String path = A + "/lost-md5/big";

        TestServer first = TestServer.start(home, backend());
        try {
            SwiftHttp client = new SwiftHttp(first.port(), TestServer.USER, TestServer.KEY);
            assertThat(client.send("PUT", A + "/lost-md5").statusCode()).isIn(201, 202);
            assertThat(client.send("PUT", A + "/lost-md5/one-block", block).statusCode()).isEqualTo(201);
            HttpResponse<byte[]> put = client.send("PUT", path + "?hashmap&format=json",
                    hashmapJson((long) BLOCK * hashes.size(), hashes, true), "Content-Type", "application/octet-stream");
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(put.headers().firstValue("ETag")).contains(root);
        } finally {
            first.close(); // its MD5 job is reading 512 MiB: stopped, nothing written
        }
        TestServer again = TestServer.restart(home);
        try {
            SwiftHttp client = new SwiftHttp(again.port(), TestServer.USER, TestServer.KEY);
            assertThat(client.send("HEAD", path).headers().firstValue("ETag")).as("what the restart left").contains(root);
            String etag = null;
            for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end && !expected.equals(etag);
                 Thread.sleep(100)) {
                etag = client.send("HEAD", path).headers().firstValue("ETag").orElse(null);
            }
            assertThat(etag).as("the MD5, once a read offered the object again").isEqualTo(expected);
            // Reads while it waits add nothing; one that read the row just before the new ETag was written
            // and offers it just after may compute it once more (replaceEtag makes that harmless).
            assertThat(again.server.metrics().meter("pithos.md5.computed").getCount()).isBetween(1L, 2L);
        } finally {
            again.close();
        }
    }

    /**
     * Issue 14's case: a 100 MiB file (25 blocks) whose even blocks are stored already (in another
     * object) is uploaded by sending its hashmap and the 12 odd blocks, counted at the server.
     */
    @Test
    void aHundredMebibyteFileHalfOfWhichIsStoredSendsOnlyTheOtherHalf() throws Exception {
        byte[] data = random(100 * MIB, 101);
        List<String> hashes = hashes(data);
        assertThat(hashes).hasSize(25);
        ByteArrayOutputStream even = new ByteArrayOutputStream();
        for (int i = 0; i < 25; i += 2) {
            even.writeBytes(block(data, i));
        }
        assertThat(http.send("PUT", A + "/pithos/even-blocks", even.toByteArray()).statusCode()).isEqualTo(201);
        long received = meter("pithos.blocks.received");
        long bytesStoredBefore = server.server.store().blocks().stats().bytes();

        HttpResponse<byte[]> first = putHashmap(A + "/pithos/hundred", hashmapJson(data.length, hashes, false));
        assertThat(first.statusCode()).isEqualTo(409);
        List<String> missing = list(first.body());
        List<String> odd = new ArrayList<>();
        for (int i = 1; i < 25; i += 2) {
            odd.add(hashes.get(i));
        }
        assertThat(missing).as("the odd blocks, in order").isEqualTo(odd);
        long sent = 0;
        for (int i = 1; i < 25; i += 2) {
            byte[] b = block(data, i);
            assertThat(postBlocks("pithos", b).statusCode()).isEqualTo(202);
            sent += b.length;
        }
        assertThat(putHashmap(A + "/pithos/hundred", hashmapJson(data.length, hashes, false)).statusCode()).isEqualTo(201);
        assertThat(meter("pithos.blocks.received") - received).as("blocks the server received").isEqualTo(12);
        assertThat(sent).isEqualTo(12L * BLOCK);
        assertThat(server.server.store().blocks().stats().bytes() - bytesStoredBefore).as("bytes stored anew")
                .isEqualTo(12L * BLOCK);
        assertThat(md5(http.send("GET", A + "/pithos/hundred").body())).isEqualTo(md5(data));
    }

    @Test
    void aHundredMebibyteFileSendsOnlyWhatChanged() throws Exception {
        // 100 MiB in 25 blocks, uploaded once as usual; then one changed block is all a hashmap upload sends.
        byte[] data = random(100 * MIB, 100);
        assertThat(http.send("PUT", A + "/pithos/big-v1", data).statusCode()).isEqualTo(201);
        data[50 * MIB] ^= 1; // block 12 changes
        List<String> hashes = hashes(data);
        long received = meter("pithos.blocks.received");
        HttpResponse<byte[]> first = putHashmap(A + "/pithos/big-v2", hashmapJson(data.length, hashes, true));
        assertThat(first.statusCode()).isEqualTo(409);
        assertThat(list(first.body())).containsExactly(hashes.get(12));
        assertThat(postBlocks("pithos", block(data, 12)).statusCode()).isEqualTo(202);
        HttpResponse<byte[]> retry = putHashmap(A + "/pithos/big-v2", hashmapJson(data.length, hashes, true));
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(meter("pithos.blocks.received") - received).isEqualTo(1);
        assertThat(md5(http.send("GET", A + "/pithos/big-v2").body())).isEqualTo(md5(data));
        assertThat(awaitEtag(A + "/pithos/big-v2", md5(data))).isEqualTo(md5(data));
        assertThat(meter("pithos.md5.computed")).isPositive();
    }

    @Test
    void blocksArePithosHashedAndDeduplicated() throws Exception {
        // A short block with trailing NULs hashes as its stripped content, and as its zero-padded whole.
        byte[] shortBlock = concat("tessera".getBytes(StandardCharsets.UTF_8), new byte[100]);
        String expected = BlockHasher.hash("tessera".getBytes(StandardCharsets.UTF_8)).toHex();
        HttpResponse<byte[]> r = postBlocks("pithos", shortBlock);
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(list(r.body())).containsExactly(expected);
        long present = meter("pithos.blocks.present");
        long received = meter("pithos.blocks.received");
        assertThat(list(postBlocks("pithos", "tessera".getBytes(StandardCharsets.UTF_8)).body())).containsExactly(expected);
        assertThat(meter("pithos.blocks.received") - received).isEqualTo(1);
        assertThat(meter("pithos.blocks.present") - present).as("stored once").isEqualTo(1);
        // An object made of it keeps its length: the NULs come back.
        assertThat(putHashmap(A + "/pithos/short", hashmapJson(shortBlock.length, List.of(expected), true)).statusCode())
                .isEqualTo(201);
        assertThat(http.send("GET", A + "/pithos/short").body()).isEqualTo(shortBlock);
        // An all-zero block needs no upload; chunked and XML/text replies.
        assertThat(putHashmap(A + "/pithos/zeros", hashmapJson(BLOCK, List.of(BlockHash.ZERO_BLOCK.toHex()), false))
                .statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/pithos/zeros").body()).isEqualTo(new byte[BLOCK]);
        HttpResponse<byte[]> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + A + "/pithos?update=1&format=xml"))
                .header("X-Auth-Token", http.token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(shortBlock))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(chunked.statusCode()).isEqualTo(202);
        assertThat(new String(chunked.body(), StandardCharsets.UTF_8)).contains("<item>" + expected + "</item>");
        HttpResponse<byte[]> text = http.send("POST", A + "/pithos?format=text", shortBlock,
                "Content-Type", "application/octet-stream");
        assertThat(new String(text.body(), StandardCharsets.UTF_8)).isEqualTo(expected + "\n");
        // Blocks may go to one's own account under a container name it lacks (kamaki's cross-account uploads).
        assertThat(postBlocks("no-such-container", shortBlock).statusCode()).isEqualTo(202);
        // The empty object made from an empty hashmap has the MD5 of nothing.
        HttpResponse<byte[]> empty = putHashmap(A + "/pithos/empty", hashmapJson(0, List.of(), false));
        assertThat(empty.statusCode()).isEqualTo(201);
        assertThat(empty.headers().firstValue("ETag")).contains("d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void containersTellTheirBlockSizeAndHash() throws Exception {
        for (String method : List.of("HEAD", "GET")) {
            HttpResponse<byte[]> r = http.send(method, A + "/pithos");
            assertThat(r.headers().firstValue("X-Container-Block-Size")).contains(String.valueOf(BLOCK));
            assertThat(r.headers().firstValue("X-Container-Block-Hash")).contains("sha256");
        }
    }

    @Test
    void aPostWithoutABlockBodyIsStillAContainerPost() throws Exception {
        HttpResponse<byte[]> r = http.send("POST", A + "/pithos", new byte[0], "Content-Type", "application/octet-stream",
                "X-Container-Meta-Color", "blue");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(http.send("HEAD", A + "/pithos").headers().firstValue("X-Container-Meta-Color")).contains("blue");
    }

    @Test
    void theConflictSaysCONFLICTInItsStatusLine() throws Exception {
        byte[] map = hashmapJson(10, List.of(BlockHasher.hash(random(10, 77)).toHex()), true);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT " + A + "/pithos/conflict?hashmap= HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + http.token
                    + "\r\nContent-Type: text/plain\r\nContent-Length: " + map.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(map);
            out.flush();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(reply).startsWith("HTTP/1.1 409 CONFLICT\r\n");
            assertThat(reply.toLowerCase()).doesNotContain("x-tessera-reason-phrase");
        }
        // Other replies keep their usual phrase.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("HEAD " + A + "/pithos HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + http.token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 204 No Content\r\n");
        }
    }

    // ---- the one write pipeline ----

    @Test
    void aHashmapPutIsAWriteLikeAnyOther() throws Exception {
        byte[] data = random(5000, 5);
        assertThat(http.send("PUT", A + "/pithos/seed", data).statusCode()).isEqualTo(201);
        byte[] map = hashmapJson(data.length, hashes(data), true);
        // If-None-Match: * on an existing name.
        assertThat(putHashmap(A + "/pithos/seed", map, "If-None-Match", "*").statusCode()).isEqualTo(412);
        // Metadata and content type are the object's, as for a PUT.
        assertThat(putHashmap(A + "/pithos/meta", map, "X-Object-Meta-Color", "green").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> head = http.send("HEAD", A + "/pithos/meta");
        assertThat(head.headers().firstValue("X-Object-Meta-Color")).contains("green");
        assertThat(head.headers().firstValue("Content-Length")).contains("5000");
        // Quotas: refused before a block is looked up.
        assertThat(http.send("PUT", A + "/small", "X-Container-Meta-Quota-Bytes", "100").statusCode()).isIn(201, 202);
        assertThat(putHashmap(A + "/small/o", map).statusCode()).isEqualTo(413);
        // Legacy versioning archives what the hashmap PUT replaces.
        assertThat(http.send("PUT", A + "/archive").statusCode()).isIn(201, 202);
        assertThat(http.send("PUT", A + "/versioned", "X-Versions-Location", "archive").statusCode()).isIn(201, 202);
        assertThat(http.send("PUT", A + "/versioned/o", "old".getBytes()).statusCode()).isEqualTo(201);
        assertThat(putHashmap(A + "/versioned/o", map).statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/versioned/o").body()).isEqualTo(data);
        HttpResponse<byte[]> archived = http.send("GET", A + "/archive?format=json");
        assertThat(JSON.readTree(archived.body()).size()).isEqualTo(1);
        // A missing container is a 404, as for a PUT.
        assertThat(putHashmap(A + "/no-such-container/o", map).statusCode()).isEqualTo(404);
    }

    @Test
    void objectVersioningKeepsHashmapPutsAndServesEachVersionsHashmap() throws Exception {
        assertThat(http.send("PUT", A + "/ov", "X-Versions-Enabled", "true").statusCode()).isIn(201, 202);
        byte[] v1 = random(5 * MIB, 51);
        byte[] v2 = random(5 * MIB, 52);
        assertThat(http.send("PUT", A + "/ov/o", v1).statusCode()).isEqualTo(201);
        assertThat(postBlocks("ov", v2).statusCode()).isEqualTo(202);
        HttpResponse<byte[]> put = putHashmap(A + "/ov/o", hashmapJson(v2.length, hashes(v2), true));
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(http.send("GET", A + "/ov/o").body()).isEqualTo(v2);
        JsonNode versions = JSON.readTree(http.send("GET", A + "/ov?versions&format=json").body());
        assertThat(versions.size()).isEqualTo(2);
        String newest = versions.get(0).path("version_id").asText();
        String oldest = versions.get(1).path("version_id").asText();
        assertThat(put.headers().firstValue("X-Object-Version-Id")).contains(newest);
        for (String[] v : List.of(new String[] {oldest, "1"}, new String[] {newest, "2"})) {
            JsonNode map = JSON.readTree(http.send("GET", A + "/ov/o?hashmap&version-id=" + v[0]).body());
            List<String> got = new ArrayList<>();
            map.get("hashes").forEach(n -> got.add(n.asText()));
            assertThat(got).as("version " + v[1]).isEqualTo(hashes(v[1].equals("1") ? v1 : v2));
        }
    }

    /** A symlink has no content to name by hashmap: a hashmap PUT with X-Symlink-Target is a 400 and makes nothing. */
    @Test
    void aHashmapPutCannotMakeASymlink() throws Exception {
        byte[] data = random(MIB, 53);
        assertThat(http.send("PUT", A + "/pithos/link-target", data).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> put = putHashmap(A + "/pithos/link-by-hashmap", hashmapJson(data.length, hashes(data), true),
                "X-Symlink-Target", "pithos/link-target");
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(new String(put.body(), StandardCharsets.UTF_8)).contains("symlink");
        assertThat(http.send("HEAD", A + "/pithos/link-by-hashmap").statusCode()).isEqualTo(404);
    }

    @Test
    void conditionalReadsAcceptTheMerkleRootToo() throws Exception {
        byte[] data = random(6 * MIB, 6);
        assertThat(http.send("PUT", A + "/pithos/plain", data).statusCode()).isEqualTo(201);
        String root = merkle(hashes(data));
        assertThat(http.send("GET", A + "/pithos/plain", "If-None-Match", "\"" + root + "\"").statusCode()).isEqualTo(304);
        assertThat(http.send("GET", A + "/pithos/plain", "If-None-Match", md5(data)).statusCode()).isEqualTo(304);
        assertThat(http.send("HEAD", A + "/pithos/plain", "If-Match", root).statusCode()).isEqualTo(200);
        assertThat(http.send("HEAD", A + "/pithos/plain", "If-Match", md5(data)).statusCode()).isEqualTo(200);
        assertThat(http.send("HEAD", A + "/pithos/plain", "If-Match", merkle(hashes(random(10, 1)))).statusCode())
                .isEqualTo(412);
        // The hashmap of a plain PUT is what a client computes.
        JsonNode map = JSON.readTree(http.send("GET", A + "/pithos/plain?hashmap").body());
        List<String> got = new ArrayList<>();
        map.get("hashes").forEach(n -> got.add(n.asText()));
        assertThat(got).isEqualTo(hashes(data));
    }

    // ---- who may ----

    @Test
    void blockUploadsAndHashmapPutsAreWritesOfTheContainer() throws Exception {
        SwiftHttp tester3 = new SwiftHttp(server.port(), "test:tester3", "testing3"); // not an admin of AUTH_test
        assertThat(http.send("PUT", A + "/acl").statusCode()).isIn(201, 202);
        byte[] data = random(3000, 33);
        byte[] map = hashmapJson(data.length, hashes(data), true);
        assertThat(tester3.send("POST", A + "/acl?update", data, "Content-Type", "application/octet-stream").statusCode())
                .isEqualTo(403);
        assertThat(tester3.send("PUT", A + "/acl/o?hashmap", map).statusCode()).isEqualTo(403);
        var anonymous = http.raw("POST " + A + "/acl?update HTTP/1.1\r\nX-Auth-Token: \r\nContent-Type: application/octet-stream"
                + "\r\nContent-Length: 3", "abc".getBytes(), false);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(http.send("POST", A + "/acl", "X-Container-Write", "test:tester3").statusCode()).isEqualTo(204);
        assertThat(tester3.send("POST", A + "/acl?update", data, "Content-Type", "application/octet-stream").statusCode())
                .isEqualTo(202);
        assertThat(tester3.send("PUT", A + "/acl/o?hashmap", map).statusCode()).isEqualTo(201);
        // Write access is not read access.
        assertThat(tester3.send("GET", A + "/acl/o?hashmap").statusCode()).isEqualTo(403);
    }

    // ---- hostile input ----

    @Test
    void badHashmapsAre400AndPublishNothing() throws Exception {
        byte[] data = random(9 * MIB, 9);
        List<String> hashes = hashes(data);
        String good = hashes.get(0);
        String owned = OwnedIds.newId().toHex();
        List<String> bodies = List.of(
                new String(hashmapJson(data.length, hashes.subList(0, 2), true), StandardCharsets.UTF_8), // too few
                new String(hashmapJson(data.length, List.of(good, good, good, good), true), StandardCharsets.UTF_8),
                "{\"bytes\": 10, \"hashes\": [\"" + good + "\"], \"block_size\": 131072}",
                "{\"bytes\": 10, \"hashes\": [\"" + good + "\"], \"block_hash\": \"sha1\"}",
                "{\"bytes\": 10, \"hashes\": [\"" + good.substring(0, 63) + "z\"]}",
                "{\"bytes\": 10, \"hashes\": [\"" + good.substring(0, 60) + "\"]}",
                "{\"bytes\": 10, \"hashes\": [42]}",
                "{\"bytes\": -1, \"hashes\": []}",
                "{\"bytes\": \"ten\", \"hashes\": [\"" + good + "\"]}",
                "{\"hashes\": [\"" + good + "\"]}",
                "{\"bytes\": 10}",
                "{\"bytes\": 10, \"hashes\": [\"" + owned + "\"]}",
                "{\"bytes\": 10, \"hashes\": [\"" + good + "\"]} trailing",
                "[\"" + good + "\"]",
                "this is not json",
                "",
                "{\"bytes\": 10, \"hashes\": [\"" + good + "\"], \"bytes\": 11}");
        for (String body : bodies) {
            HttpResponse<byte[]> r = putHashmap(A + "/pithos/bad", body.getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(body.length() > 200 ? body.substring(0, 200) : body).isEqualTo(400);
        }
        assertThat(http.send("HEAD", A + "/pithos/bad").statusCode()).isEqualTo(404);
        // Larger than any object a hashmap may describe (64 GiB).
        long tooBig = (64L << 30) + 1;
        assertThat(putHashmap(A + "/pithos/bad", ("{\"bytes\": " + tooBig + ", \"hashes\": []}").getBytes()).statusCode())
                .isEqualTo(413);
    }

    /**
     * A hashmap may describe an object past Swift's max_file_size (5 GiB), as in Pithos, where only a single
     * upload is capped: 10 GiB of stored blocks (one block, 2,560 times) is published, read back by
     * hashmap, and served with its length.
     */
    @Test
    void aHashmapPutMayDescribeTenGibibytes() throws Exception {
        byte[] block = random(BLOCK, 1010);
        assertThat(http.send("PUT", A + "/pithos/ten-gib-block", block).statusCode()).isEqualTo(201);
        List<String> hashes = java.util.Collections.nCopies(2560, hashes(block).get(0));
        long bytes = 2560L * BLOCK;
        long start = System.nanoTime();
        HttpResponse<byte[]> put = putHashmap(A + "/pithos/ten-gib", hashmapJson(bytes, hashes, true));
        long putMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(http.send("HEAD", A + "/pithos/ten-gib").headers().firstValue("Content-Length")).contains(Long.toString(bytes));
        JsonNode map = JSON.readTree(http.send("GET", A + "/pithos/ten-gib?hashmap&format=json").body());
        assertThat(map.get("bytes").asLong()).isEqualTo(bytes);
        assertThat(map.get("hashes").size()).isEqualTo(2560);
        HttpResponse<byte[]> tail = http.send("GET", A + "/pithos/ten-gib", "Range", "bytes=-10");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(block, BLOCK - 10, BLOCK));
        System.out.println("[" + (backend() instanceof TestBackend.Cassandra ? "cassandra" : "embedded") + "] hashmap PUT of 10 GiB of stored blocks: " + putMillis + " ms");
    }

    @Test
    void aHugeHashmapBodyIsRefusedWithoutBeingHeld() throws Exception {
        // Announced: refused before a byte is read.
        var announced = http.raw("PUT " + A + "/pithos/huge?hashmap HTTP/1.1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 1000000000", new byte[0], true);
        assertThat(announced.status()).isEqualTo(413);
        // Streamed (chunked, valid JSON that never ends: white space): refused once past the bound, the
        // length of a hashmap of the largest object (64 GiB: 16,384 hashes, about 1.5 MB).
        long[] sent = {0};
        InputStream endless = new InputStream() {
            final byte[] head = "{\"bytes\": 10, \"hashes\": [".getBytes(StandardCharsets.US_ASCII);

            @Override
            public int read() {
                long at = sent[0]++;
                if (at >= 200L * MIB) {
                    return -1; // a client that gives up long after the server should have
                }
                return at < head.length ? head[(int) at] : ' ';
            }
        };
        HttpResponse<byte[]> r;
        try {
            r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + A + "/pithos/huge?hashmap"))
                    .timeout(Duration.ofSeconds(60)).header("X-Auth-Token", http.token)
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> endless)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(413);
        } catch (java.io.IOException reset) {
            // the server answered 413 and closed while the client was still sending: also a refusal
        }
        assertThat(sent[0]).as("the server stopped reading long before the client stopped sending").isLessThan(200L * MIB);
        // The server keeps serving.
        assertThat(http.send("HEAD", A + "/pithos").statusCode()).isEqualTo(204);
        assertThat(http.send("HEAD", A + "/pithos/huge").statusCode()).isEqualTo(404);
    }

    @Test
    void aBlockPostIsBoundedToOneObject() throws Exception {
        var announced = http.raw("POST " + A + "/pithos?update HTTP/1.1\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 6000000000", new byte[0], true);
        assertThat(announced.status()).isEqualTo(413);
        assertThat(http.send("HEAD", A + "/pithos").statusCode()).isEqualTo(204);
    }

    @Test
    void largeObjectsHaveNoHashmapOfTheirOwn() throws Exception {
        assertThat(http.send("PUT", A + "/pithos/seg/1", "one".getBytes()).statusCode()).isEqualTo(201);
        assertThat(http.send("PUT", A + "/pithos/dlo", new byte[0], "X-Object-Manifest", "pithos/seg/").statusCode())
                .isEqualTo(201);
        assertThat(http.send("GET", A + "/pithos/dlo?hashmap").statusCode()).isEqualTo(400);
        assertThat(http.send("GET", A + "/pithos/nothing-here?hashmap").statusCode()).isEqualTo(404);
    }
}
