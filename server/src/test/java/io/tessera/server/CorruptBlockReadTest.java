package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.content.VerifiedBlocks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads verify block hashes: a block damaged behind the store's back is never served. The damage is done
 * where the backend keeps the bytes ({@link CorruptBlockReadEmbeddedTest}: the block's file;
 * {@link CorruptBlockReadCassandraTest}: the block's row), then: a GET whose first block is damaged is a
 * Swift-style 500 with no byte of the object; a GET that reaches a damaged block after the headers went
 * out is cut short, and every byte that did arrive is right; a Range inside the damaged block fails too
 * (the whole block is hashed); a ranged copy is refused rather than stored under a new hash;
 * every detection is counted on /metrics; other objects are still served.
 */
abstract class CorruptBlockReadTest {
    static final int BLOCK = 4 * 1024 * 1024;
    private static final String A = "/v1/" + TestServer.ACCOUNT;

    @TempDir
    Path home;

    abstract TestBackend backend();

    /** Replaces the stored content of {@code block} (same length) with damaged bytes, behind the store's back. */
    abstract void damage(TestServer server, BlockHash block) throws Exception;

    @Test
    void damagedBlocksAreNeverServedAndAreCounted() throws Exception {
        try (TestServer server = TestServer.start(home, backend())) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            assertThat(http.send("PUT", A + "/c").statusCode()).isEqualTo(201);
            byte[] first = random(1, 3 * BLOCK);    // its block 0 gets damaged
            byte[] middle = random(2, 3 * BLOCK);   // its block 1 gets damaged
            byte[] healthy = random(3, 2 * BLOCK + 1000);
            assertThat(http.send("PUT", A + "/c/first", first).statusCode()).isEqualTo(201);
            assertThat(http.send("PUT", A + "/c/middle", middle).statusCode()).isEqualTo(201);
            assertThat(http.send("PUT", A + "/c/healthy", healthy).statusCode()).isEqualTo(201);
            damage(server, blockHash(first, 0));
            damage(server, blockHash(middle, 1));

            // Damaged first block: nothing was sent yet, so the client gets Swift's 500 and no trace.
            HttpResponse<byte[]> r = http.send("GET", A + "/c/first");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("<html><h1>Internal Server Error</h1>"
                    + "<p>The server has either erred or is incapable of performing the requested operation.</p></html>");
            assertThat(r.headers().firstValue("X-Trans-Id")).isPresent();

            // A range of a few bytes inside the damaged block: the whole block is checked, so it fails too.
            HttpResponse<byte[]> range = http.send("GET", A + "/c/middle", "Range", "bytes=" + (BLOCK + 10) + "-" + (BLOCK + 20));
            assertThat(range.statusCode()).isEqualTo(500);

            // Damaged block 1: the 200 and block 0 are on their way; the stream is cut where block 1 would start.
            RawGet cut = rawGet(server.port(), http.token, A + "/c/middle");
            assertThat(cut.status).isEqualTo(200);
            assertThat(cut.contentLength).isEqualTo(middle.length);
            assertThat(cut.body.length).as("a short body").isLessThan(middle.length).isLessThanOrEqualTo(BLOCK);
            assertThat(cut.body).as("every byte that arrived is right")
                    .isEqualTo(Arrays.copyOf(middle, cut.body.length));

            // A copy of part of the object re-reads its bytes: it must not launder the damage into new,
            // valid-looking blocks. (A whole-object copy moves no block: it names the same, still-detectable one.)
            HttpResponse<byte[]> copy = http.send("PUT", A + "/c/copy", new byte[0], "X-Copy-From", "c/middle",
                    "Range", "bytes=" + (BLOCK - 100) + "-" + (BLOCK + 100));
            assertThat(copy.statusCode()).isGreaterThanOrEqualTo(500);
            assertThat(http.send("HEAD", A + "/c/copy").statusCode()).isEqualTo(404);

            // Everything else is served as before, including the intact blocks of the damaged objects.
            HttpResponse<byte[]> ok = http.send("GET", A + "/c/healthy");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo(healthy);
            HttpResponse<byte[]> tail = http.send("GET", A + "/c/middle", "Range", "bytes=" + 2 * BLOCK + "-");
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(middle, 2 * BLOCK, middle.length));

            long detected = server.server.metrics().counter(VerifiedBlocks.CORRUPT_METRIC).getCount();
            assertThat(detected).as("first, the range, the cut GET, the copy").isEqualTo(4);
            String scrape = new String(http.send("GET", "/metrics").body(), StandardCharsets.UTF_8);
            assertThat(scrape).contains("\ntessera_content_blocks_corrupt_total 4\n");
        }
    }

    static BlockHash blockHash(byte[] data, int index) {
        int from = index * BLOCK;
        return BlockHasher.hash(data, from, Math.min(BLOCK, data.length - from));
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    record RawGet(int status, long contentLength, byte[] body) {
    }

    /** A GET on a socket, reading until the server closes, so a short body shows as one (java.net.http would throw). */
    static RawGet rawGet(int port, String token, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // a reset instead of a FIN: what arrived before it is what the client got
            }
            byte[] bytes = all.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            long length = -1;
            for (String line : lines) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            return new RawGet(Integer.parseInt(lines[0].split(" ")[1]), length, Arrays.copyOfRange(bytes, end + 4, bytes.length));
        }
    }
}
