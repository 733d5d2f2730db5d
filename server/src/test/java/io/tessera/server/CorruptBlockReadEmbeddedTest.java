package io.tessera.server;

import io.tessera.hashmap.BlockHash;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link CorruptBlockReadTest} on the embedded store: a large block is a file under data/blocks/, flipped in place. */
class CorruptBlockReadEmbeddedTest extends CorruptBlockReadTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }

    @Override
    void damage(TestServer server, BlockHash block) throws Exception {
        String hex = block.toHex();
        Path file = server.home.resolve("data").resolve("blocks").resolve(hex.substring(0, 2)).resolve(hex);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("no block file " + file);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40); // one flipped bit: same length, so only the hash can tell
        }
    }
}
