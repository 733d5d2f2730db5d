package io.tessera.store.embedded;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Memory check behind the embedded store's native-memory settings (not a test; surefire does not
 * run it): writes then reads back {@code GiB} gigabytes in 4 MiB blocks from 4 threads, plus 20,000
 * small blocks that go through RocksDB's memtables and compactions, and prints the process's peak
 * resident set. Run with a server-like heap:
 *
 * <pre>
 *   java -Xmx256m -cp store/target/test-classes:store/target/classes:$(cat /tmp/cp.txt) \
 *        io.tessera.store.embedded.StreamingMemoryBench /tmp/tessera-rss 5
 * </pre>
 */
public final class StreamingMemoryBench {
    private static final int THREADS = 4;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/tessera-rss");
        long gib = args.length > 1 ? Long.parseLong(args[1]) : 5;
        BlockSize blockSize = BlockSize.DEFAULT;
        int blocks = (int) (gib * 1024 / 4);
        try (Store store = EmbeddedStore.open(dir, blockSize, Durability.DURABLE, new MetricRegistry())) {
            long t0 = System.nanoTime();
            parallel(blocks, i -> {
                byte[] block = block(i, blockSize.bytes());
                store.blocks().putIfAbsent(hash(i), block, 0, block.length);
            });
            report("wrote " + gib + " GiB", t0, gib);
            t0 = System.nanoTime();
            parallel(20_000, i -> {
                byte[] block = block(-i - 1, 32 * 1024);
                store.blocks().putIfAbsent(hash(-i - 1), block, 0, block.length);
            });
            report("wrote 20000 x 32 KiB", t0, 0);
            t0 = System.nanoTime();
            parallel(blocks, i -> {
                byte[] block = store.blocks().get(hash(i)).orElseThrow();
                if (block.length != blockSize.bytes() || ByteBuffer.wrap(block).getInt() != i) {
                    throw new IllegalStateException("block " + i + " read back wrong");
                }
            });
            report("read " + gib + " GiB", t0, gib);
        }
    }

    interface Task {
        void run(int i) throws Exception;
    }

    private static void parallel(int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int first = t;
            futures.add(pool.submit(() -> {
                for (int i = first; i < n; i += THREADS) {
                    task.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    /** Cheap distinct content (the store trusts the caller's hash, so no SHA-256 over gigabytes). */
    private static byte[] block(int i, int size) {
        byte[] b = new byte[size];
        ByteBuffer.wrap(b).putInt(i);
        for (int p = 4; p < size; p += 4096) {
            b[p] = (byte) (i * 31 + p);
        }
        b[size - 1] = 1;
        return b;
    }

    private static BlockHash hash(int i) throws Exception {
        return BlockHash.of(MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(4).putInt(i).array()));
    }

    private static void report(String what, long t0, long gib) throws IOException {
        double s = (System.nanoTime() - t0) / 1e9;
        String status = Files.readString(Path.of("/proc/self/status"));
        String rss = status.lines().filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
                .map(l -> l.replaceAll("\\s+", " ")).reduce((a, b) -> a + ", " + b).orElse("?");
        System.out.printf("%-22s %6.1f s %s  [%s]%n", what, s,
                gib > 0 ? String.format("%6.0f MB/s", gib * 1073.741824 / s) : "", rss);
    }
}
