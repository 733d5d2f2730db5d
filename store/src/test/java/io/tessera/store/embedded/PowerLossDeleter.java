package io.tessera.store.embedded;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child JVM of {@link PowerLossTest}: with {@code durability: relaxed}, stores a block file
 * durably (closing the store syncs everything), reopens the store and deletes the block the way the
 * collector does, prints {@code deleted} and waits to be killed. Its store keeps unsynced WAL writes
 * in the process, so the kill -9 loses what a power loss would: everything written since the last sync.
 */
public final class PowerLossDeleter {
    static final int INLINE_MAX = CrashWriter.INLINE_MAX;

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        byte[] block = block();
        try (Store store = open(dir, true)) {
            store.blocks().putIfAbsent(BlockHasher.hash(block), block, 0, block.length);
        }
        try (Store store = open(dir, true)) {
            store.blocks().delete(BlockHasher.hash(block));
            System.out.println("deleted");
            System.out.flush();
            Thread.sleep(60_000); // killed long before
        }
    }

    static Store open(Path dir, boolean unsyncedWalDiesWithProcess) {
        return EmbeddedStore.open(dir, CrashWriter.BLOCK_SIZE, Durability.RELAXED, new MetricRegistry(), INLINE_MAX,
                unsyncedWalDiesWithProcess);
    }

    /** A full block: larger than the inline limit, so it is a file. */
    static byte[] block() {
        byte[] b = new byte[CrashWriter.BLOCK_SIZE.bytes()];
        new Random(4).nextBytes(b);
        b[b.length - 1] = 7;
        return b;
    }
}
