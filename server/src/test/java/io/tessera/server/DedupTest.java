package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.hashmap.BlockHasher;
import io.tessera.store.BlockStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same 100 MiB uploaded under two names is stored once: checked through the store's physical counts.
 * Runs once per backend ({@link DedupEmbeddedTest}, {@link DedupCassandraTest}).
 */
abstract class DedupTest {
    private static final int MIB = 1024 * 1024;
    private static final int SIZE = 100 * MIB;
    private static final int BLOCK = 4 * MIB;

    @TempDir
    Path home;

    /** The store this class runs on. */
    abstract TestBackend backend();

    @Test
    void identicalUploadsStoreTheirBlocksOnce() throws Exception {
        try (TestServer server = TestServer.start(home, backend())) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            String a = "/v1/" + TestServer.ACCOUNT;
            http.send("PUT", a + "/dedup");
            BlockStore.BlockStats before = server.server.store().blocks().stats();

            // Stream the file (chunked), never holding it whole: 25 distinct blocks of seeded random bytes.
            assertThat(http.putChunked(a + "/dedup/first.img", data()).statusCode()).isEqualTo(201);
            BlockStore.BlockStats once = server.server.store().blocks().stats();
            assertThat(http.putChunked(a + "/dedup/second-name.img", data()).statusCode()).isEqualTo(201);
            BlockStore.BlockStats twice = server.server.store().blocks().stats();

            long expectedBytes = expectedStoredBytes();
            assertThat(once.blocks() - before.blocks()).isEqualTo(SIZE / BLOCK);
            assertThat(once.bytes() - before.bytes()).isEqualTo(expectedBytes);
            assertThat(twice).as("the second upload stored nothing new").isEqualTo(once);
            assertThat(http.send("HEAD", a + "/dedup").headers().firstValue("X-Container-Bytes-Used"))
                    .as("logical bytes count both").contains(String.valueOf(2L * SIZE));
        }
    }

    private static InputStream data() {
        return new InputStream() {
            private final Random random = new Random(99);
            private final byte[] block = new byte[BLOCK];
            private int blockPos = BLOCK;
            private long sent;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= SIZE) {
                    return -1;
                }
                if (blockPos == BLOCK) {
                    random.nextBytes(block);
                    blockPos = 0;
                }
                int n = Math.min(len, BLOCK - blockPos);
                System.arraycopy(block, blockPos, b, off, n);
                blockPos += n;
                sent += n;
                return n;
            }
        };
    }

    /** Blocks are stored without their trailing zero bytes. */
    private static long expectedStoredBytes() throws Exception {
        long total = 0;
        try (InputStream in = data()) {
            byte[] block = new byte[BLOCK];
            for (int i = 0; i < SIZE / BLOCK; i++) {
                int n = in.readNBytes(block, 0, BLOCK);
                total += BlockHasher.strippedLength(block, 0, n);
            }
        }
        return total;
    }
}
