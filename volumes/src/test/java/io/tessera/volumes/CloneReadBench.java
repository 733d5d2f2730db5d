package io.tessera.volumes;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-process measurement of a clone's reads of its parent's blocks and of first writes into them (not a
 * test; volumes/README.md, "Measured", gives the command): an embedded store in {@code dir} (durable, 4 MiB
 * blocks) holding an image of {@code size} bytes of random content (made once, reused by later runs),
 * a fresh clone of it, then
 * <ol>
 *   <li>one 4 KiB read in each block (the first sight of each), then 4 KiB reads at random 4 KiB-aligned
 *   offsets of the whole image, {@code depth} threads, for {@code seconds}: IOPS;</li>
 *   <li>one 4 KiB write into each of 200 distinct blocks still shared with the parent, one at a time (no
 *   flush): the median and p90 latency of a first write.</li>
 * </ol>
 * Usage: {@code CloneReadBench dir [size_mib=1024] [seconds=5] [depth=16]}.
 */
public final class CloneReadBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long size = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int depth = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int bs = 4 << 20;
        try (Store store = EmbeddedStore.open(dir, new BlockSize(bs), Durability.DURABLE, new MetricRegistry())) {
            String image = "img-" + (size >> 20) + "m";
            if (store.metadata().getObject("acct", "images", image).isEmpty()) {
                store.metadata().createContainer("acct", "images", Timestamp.now(), Map.of());
                SplittableRandom r = new SplittableRandom(size);
                byte[] block = new byte[bs];
                List<BlockHash> hashes = new ArrayList<>();
                for (long off = 0; off < size; off += bs) {
                    for (int i = 0; i < bs; i += 8) {
                        long x = r.nextLong();
                        for (int k = 0; k < 8; k++) {
                            block[i + k] = (byte) (x >>> (8 * k));
                        }
                    }
                    block[bs - 1] = 1;
                    BlockHash h = BlockHasher.hash(block, 0, bs);
                    store.blocks().putIfAbsent(h, block, 0, bs);
                    hashes.add(h);
                }
                MapId id = new ContentMaps(store).save(new Hashmap(store.blockSize(), size, hashes));
                store.metadata().putObject(new ObjectVersion("acct", "images", image, Timestamp.now(), id, "md5",
                        "application/octet-stream", Map.of()), PutCondition.NONE);
                System.out.println("made " + image);
            }
            VolumeService service = new VolumeService(store, "bench", null);
            String vol = "bench-" + Long.toString(System.nanoTime(), 36);
            service.create("acct", vol, null, "images/" + image);
            ExecutorService pool = Executors.newFixedThreadPool(depth);
            try (service; VolumeIo io = service.openVolume("acct", vol, false)) {
                long pages = size / 4096;
                byte[] one = new byte[4096];
                long warm = System.nanoTime();
                for (long off = 0; off < size; off += bs) {
                    io.read(off + 4096, one, 0, one.length); // first sight of every block
                }
                System.out.printf("warm-up: one 4 KiB read in each of the %d blocks: %.1f s%n", size / bs,
                        (System.nanoTime() - warm) / 1e9);
                for (int phase = 0; phase < 1; phase++) {
                    AtomicLong ops = new AtomicLong();
                    long end = System.nanoTime() + seconds * 1_000_000_000L;
                    List<Future<?>> f = new ArrayList<>();
                    for (int t = 0; t < depth; t++) {
                        long seed = t * 31L + phase;
                        f.add(pool.submit(() -> {
                            SplittableRandom r = new SplittableRandom(seed);
                            byte[] buf = new byte[4096];
                            while (System.nanoTime() < end) {
                                io.read(r.nextLong(pages) * 4096, buf, 0, buf.length);
                                ops.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                    for (Future<?> x : f) {
                        x.get();
                    }
                    System.out.printf("random 4 KiB reads of the parent's blocks, %d threads, %d MiB: %.0f IOPS%n",
                            depth, size >> 20, ops.get() / (double) seconds);
                }
                int n = (int) Math.min(200, size / bs);
                long[] micros = new long[n];
                byte[] data = new byte[4096];
                Arrays.fill(data, (byte) 7);
                SplittableRandom r = new SplittableRandom(5);
                for (int k = 0; k < n; k++) {
                    long off = (long) k * bs + r.nextInt(bs / 4096) * 4096L;
                    long t0 = System.nanoTime();
                    io.write(off, data, 0, data.length, false);
                    micros[k] = (System.nanoTime() - t0) / 1000;
                }
                io.flush();
                Arrays.sort(micros);
                System.out.printf("first 4 KiB write into a block shared with the parent (%d blocks): median %.2f ms, p90 %.2f ms%n",
                        n, micros[n / 2] / 1000.0, micros[n * 9 / 10] / 1000.0);
            } finally {
                pool.shutdownNow();
                service.delete("acct", vol);
            }
        }
    }
}
