package io.tessera.server;

import io.tessera.hashmap.BlockHash;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@link ScrubFsckTest} on the embedded store: a block larger than 64 KiB is a file; one byte of it is flipped. */
class ScrubFsckEmbeddedTest extends ScrubFsckTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }

    @Override
    void damage(TestServer server, BlockHash block) throws Exception {
        String hex = block.toHex();
        Path file = home.resolve("data").resolve("blocks").resolve(hex.substring(0, 2)).resolve(hex);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, 5000);
            one.flip();
            byte b = one.get();
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x40)}), 5000);
        }
    }
}
