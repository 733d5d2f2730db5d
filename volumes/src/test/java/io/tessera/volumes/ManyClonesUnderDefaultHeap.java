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
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The child JVM of {@link SharedBlockCacheHeapTest} (run with the server's default -Xmx384m): an image of
 * {@value #BLOCKS} distinct 4 MiB blocks, {@value #CLONES} clones of it and {@value #EXPORTS} read-only
 * exports of it, all at once: every clone reads 4 KiB from every block and writes into two of them,
 * every export reads from every block; every byte is checked. Prints OK and exits 0, or dies.
 */
public final class ManyClonesUnderDefaultHeap {
    static final int BLOCKS = 24;
    static final int CLONES = 32;
    static final int EXPORTS = 16;
    static final int BS = 4 * 1024 * 1024;

    /** The image's byte at {@code pos}: cheap to recompute, never a trailing zero, distinct per block. */
    static byte imageByte(long pos) {
        long x = pos * 0x9E3779B97F4A7C15L;
        return (byte) ((x >>> 56) | 1);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (Store store = EmbeddedStore.open(dir, new BlockSize(BS), Durability.DURABLE, new MetricRegistry())) {
            store.metadata().createContainer("acct", "images", Timestamp.now(), Map.of());
            List<BlockHash> hashes = new ArrayList<>();
            byte[] block = new byte[BS];
            for (int b = 0; b < BLOCKS; b++) {
                for (int i = 0; i < BS; i++) {
                    block[i] = imageByte((long) b * BS + i);
                }
                BlockHash h = BlockHasher.hash(block, 0, BS);
                store.blocks().putIfAbsent(h, block, 0, BS);
                hashes.add(h);
            }
            block = null;
            long size = (long) BLOCKS * BS;
            MapId id = new ContentMaps(store).save(new Hashmap(store.blockSize(), size, hashes));
            store.metadata().putObject(new ObjectVersion("acct", "images", "img", Timestamp.now(), id, "md5",
                    "application/octet-stream", Map.of()), PutCondition.NONE);
            VolumeService service = new VolumeService(store, "node-heap", null);
            ExecutorService pool = Executors.newFixedThreadPool(CLONES + EXPORTS);
            try (service) {
                List<VolumeIo> devices = new ArrayList<>();
                for (int c = 0; c < CLONES; c++) {
                    service.create("acct", "clone-" + c, null, "images/img");
                    devices.add(service.openVolume("acct", "clone-" + c, false));
                }
                for (int e = 0; e < EXPORTS; e++) {
                    devices.add(service.openObject("acct", "images", "img"));
                }
                List<Future<?>> work = new ArrayList<>();
                for (int d = 0; d < devices.size(); d++) {
                    VolumeIo dev = devices.get(d);
                    int seed = d;
                    work.add(pool.submit(() -> {
                        exercise(dev, new Random(seed));
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
                for (VolumeIo dev : devices) {
                    dev.close();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        System.out.println("OK max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }

    private static void exercise(VolumeIo dev, Random random) {
        byte[] buf = new byte[4096];
        byte[] mine = new byte[4096];
        random.nextBytes(mine);
        long[] written = {-1, -1};
        if (!dev.readOnly()) {
            for (int k = 0; k < 2; k++) {
                written[k] = (long) random.nextInt(BLOCKS) * BS + random.nextInt(BS / 4096) * 4096L;
                if (k == 1 && written[1] / BS == written[0] / BS) {
                    written[1] = -1;
                    continue;
                }
                dev.write(written[k], mine, 0, mine.length, false);
            }
            dev.flush();
        }
        for (int round = 0; round < 2; round++) {
            for (int b = 0; b < BLOCKS; b++) {
                long off = (long) b * BS + random.nextInt(BS - buf.length);
                dev.read(off, buf, 0, buf.length);
                for (int i = 0; i < buf.length; i++) {
                    long pos = off + i;
                    byte expected = imageByte(pos);
                    for (long w : written) {
                        if (w >= 0 && pos >= w && pos < w + mine.length) {
                            expected = mine[(int) (pos - w)];
                        }
                    }
                    if (buf[i] != expected) {
                        throw new AssertionError(dev.description() + ": byte " + pos + " is " + buf[i] + ", not " + expected);
                    }
                }
            }
        }
        for (long w : written) {
            if (w >= 0) {
                dev.read(w, buf, 0, buf.length);
                if (!Arrays.equals(buf, mine)) {
                    throw new AssertionError(dev.description() + ": the write at " + w + " does not read back");
                }
            }
        }
    }
}
