package io.tessera.volumes;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.embedded.EmbeddedStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review S2: a first write into a block the volume does not own in this epoch copies the old block up.
 * Before, the copy held the whole block (4 MiB) in one array per write, outside the NBD payload budget:
 * 16 workers copying up at once held 64 MiB nobody counted. A copy-up now streams through one buffer of
 * {@link VolumeIo#COPY_PIECE} bytes.
 */
class CopyUpMemoryTest {
    static final int BLOCK = 4 << 20;
    static final String ACCOUNT = "AUTH_t";

    @TempDir
    Path dir;

    static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aFirstWriteIntoAFrozenBlockCopiesItUpThroughASmallBuffer() throws Exception {
        try (Store store = EmbeddedStore.open(dir, new BlockSize(BLOCK), Durability.DURABLE, new MetricRegistry());
             VolumeService service = new VolumeService(store, "node-a", null)) {
            store.metadata().createContainer(ACCOUNT, "snaps", Timestamp.now(), Map.of());
            service.create(ACCOUNT, "vol", 2L * BLOCK, null);
            VolumeIo io = service.openVolume(ACCOUNT, "vol", false);
            try {
                byte[] old = new byte[BLOCK];
                new Random(5).nextBytes(old);
                io.write(0, old, 0, BLOCK, false); // block 0 is now an owned block of this epoch
                service.snapshot(ACCOUNT, "vol", "snaps", "s1"); // ... frozen: the next write copies it up
                byte[] small = new byte[4096];
                Arrays.fill(small, (byte) 7);
                io.write(4096, small, 0, 4096, false); // warm-up: the first copy-up loads classes

                io.write(BLOCK + 8192, small, 0, 4096, false); // block 1 was never written: nothing to copy
                service.snapshot(ACCOUNT, "vol", "snaps", "s2");
                long before = allocatedByThisThread();
                io.write(3 * 4096, small, 0, 4096, false); // the measured copy-up of block 0
                long allocated = allocatedByThisThread() - before;
                System.out.println("CopyUpMemoryTest: a 4 KiB first write into a frozen 4 MiB block allocated "
                        + allocated + " bytes");

                byte[] expected = old.clone();
                Arrays.fill(expected, 4096, 8192, (byte) 7);
                Arrays.fill(expected, 3 * 4096, 4 * 4096, (byte) 7);
                byte[] back = new byte[BLOCK];
                io.read(0, back, 0, BLOCK);
                assertThat(Arrays.equals(back, expected)).as("block 0 after two copy-ups").isTrue();
                assertThat(allocated).as("bytes allocated by one copy-up of a 4 MiB block")
                        .isLessThan(VolumeIo.COPY_PIECE + 256 * 1024);
            } finally {
                io.close();
            }
        }
    }
}
