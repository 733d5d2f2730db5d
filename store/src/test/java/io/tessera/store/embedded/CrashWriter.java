package io.tessera.store.embedded;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore.PutOutcome;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The child JVM of {@link EmbeddedStoreTest}'s kill -9 test: publishes durable object versions in a
 * loop, the way the data path does (blocks, then the map, then the version row), and prints
 * {@code ack <i> ok} once each is acknowledged. Stops by itself after {@link #MAX_SECONDS} in case
 * nobody kills it.
 */
public final class CrashWriter {
    static final BlockSize BLOCK_SIZE = new BlockSize(64 * 1024);
    static final int INLINE_MAX = 4096;
    static final String ACCOUNT = "acct";
    static final String CONTAINER = "crash";
    private static final int MAX_SECONDS = 60;

    public static void main(String[] args) {
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        try (Store store = open(Path.of(args[0]))) {
            store.metadata().createContainer(ACCOUNT, CONTAINER, Timestamp.now(), Map.of());
            for (int i = 0; System.nanoTime() < deadline; i++) {
                for (byte[] block : blocks(i)) {
                    store.blocks().putIfAbsent(BlockHasher.hash(block), block, 0, block.length);
                }
                MapId map = store.maps().put(map(i));
                ObjectVersion v = new ObjectVersion(ACCOUNT, CONTAINER, name(i), Timestamp.now(), map, etag(i),
                        "application/octet-stream", Map.of("x-object-meta-i", Integer.toString(i)));
                if (store.metadata().putObject(v, PutCondition.NONE) != PutOutcome.PUBLISHED) {
                    throw new IllegalStateException("version " + i + " not published");
                }
                System.out.println("ack " + i + " ok");
                System.out.flush();
            }
        }
    }

    static Store open(Path dir) {
        return EmbeddedStore.open(dir, BLOCK_SIZE, Durability.DURABLE, new MetricRegistry(), INLINE_MAX);
    }

    static String name(int i) {
        return String.format("v/%06d", i);
    }

    static String etag(int i) {
        return "etag-" + i;
    }

    /** Version i's blocks: a full one of its own (a file), one shared by all versions, a short one (inline). */
    static List<byte[]> blocks(int i) {
        return List.of(content(i, BLOCK_SIZE.bytes()), content(-1, BLOCK_SIZE.bytes()), content(i, 1000));
    }

    static Hashmap map(int i) {
        List<BlockHash> hashes = blocks(i).stream().map(BlockHasher::hash).toList();
        return new Hashmap(BLOCK_SIZE, 2L * BLOCK_SIZE.bytes() + 1000, hashes);
    }

    private static byte[] content(int seed, int length) {
        byte[] b = new byte[length];
        new Random(seed * 31L + length).nextBytes(b);
        b[length - 1] = 7; // stripped content never ends in zero
        return b;
    }
}
