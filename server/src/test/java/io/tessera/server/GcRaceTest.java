package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.GcStore;
import io.tessera.store.ListQuery;
import io.tessera.store.MapId;
import io.tessera.store.OwnedIds;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.VolumeStore;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.store.content.ContentWriter;
import io.tessera.store.gc.Collector;
import io.tessera.store.gc.GcProgress;
import io.tessera.store.gc.GcReport;
import io.tessera.store.gc.GcSettings;
import io.tessera.store.gc.Roots;
import io.tessera.swift.context.SwiftStore;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.WriteContent;
import io.tessera.swift.writes.WritePipeline;
import io.tessera.volumes.VolumeIo;
import io.tessera.volumes.VolumeLease;
import io.tessera.volumes.VolumeService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARCHITECTURE invariant 3 under fire: collection cycles run back to back while four threads perform
 * {@value #OPS} randomized operations whose contents share blocks (uploads, deletes, server-side copies,
 * volume writes, clones and snapshots; the snapshot hasher republishes meanwhile). Afterwards every
 * published object reads back whole, with the MD5 and the block hashes of content the test wrote, every
 * volume reads back as the test's model of it, and, after a few more cycles, no block, map or owned
 * block is left that nothing references. Grace 2 s (every operation here publishes well within it);
 * a mark set with a false-positive rate of 1e-6, so the leftovers check cannot fail by a false positive.
 */
abstract class GcRaceTest {
    static final int OPS = 1000;
    static final int BLOCK = 64 * 1024;
    static final Duration GRACE = Duration.ofSeconds(2);
    static final String ACCOUNT = "AUTH_race";
    static final int VOLUME_BLOCKS = 4;

    @TempDir
    Path home;

    abstract TestBackend backend();

    /** Known contents by MD5: whatever the test ever stored (uploads, snapshots). */
    final Map<String, byte[]> contents = new ConcurrentHashMap<>();
    final List<byte[]> pool = new ArrayList<>();
    final Map<String, byte[]> volumeModels = new ConcurrentHashMap<>();
    final Map<String, ReentrantLock> volumeLocks = new ConcurrentHashMap<>();
    /** Every volume, the three made at the start and the clones, in creation order. */
    final List<String> volumeNames = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger failed = new AtomicInteger();
    final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    @Test
    void collectionIsSafeUnderConcurrentUploadsDeletesCopiesClonesSnapshotsAndVolumeWrites() throws Exception {
        try (TestServer server = TestServer.start(home, backend())) {
            Store store = server.server.store();
            VolumeService volumes = server.server.volumes();
            ExecutorService io = Executors.newFixedThreadPool(4);
            ObjectWriter writes = WritePipeline.of(new SwiftStore(store), new ContentWriter(store, io, new MetricRegistry()));
            Random seed = new Random(7);
            for (int i = 0; i < 168; i++) {
                byte[] b = new byte[i < 160 ? BLOCK : 300 + i];
                seed.nextBytes(b);
                pool.add(b);
            }
            for (String c : List.of("a", "b")) {
                store.metadata().createContainer(ACCOUNT, c, Timestamp.now(), Map.of());
            }
            for (int v = 0; v < 3; v++) {
                String name = "vol" + v;
                volumes.create(ACCOUNT, name, (long) VOLUME_BLOCKS * BLOCK, null);
                volumeModels.put(name, new byte[VOLUME_BLOCKS * BLOCK]);
                volumeLocks.put(name, new ReentrantLock());
                volumeNames.add(name);
            }

            Collector collector = new Collector(store, new GcSettings(GRACE, 1e-6, home.resolve("gc"), true), "race",
                    new GcProgress());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger cycles = new AtomicInteger();
            Thread gc = new Thread(() -> {
                while (running.get()) {
                    collector.runOnce();
                    cycles.incrementAndGet();
                }
            }, "race-gc");
            gc.start();

            ExecutorService workers = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < 4; t++) {
                Random r = new Random(100 + t);
                done.add(workers.submit(() -> {
                    for (int op; (op = next.getAndIncrement()) < OPS; ) {
                        operation(r, store, writes, volumes);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            running.set(false);
            gc.join();
            workers.shutdown();
            assertThat(cycles.get()).as("collection cycles during the operations").isGreaterThanOrEqualTo(2);
            GcProgress.Snapshot during = collector.progress().snapshot();
            System.out.printf("race: %d ops (%d refused), %d collection cycles during them; the last freed %d blocks%n",
                    OPS, failed.get(), cycles.get(), during.blocksFreed());
            refusals.forEach((k, n) -> System.out.println("race: refused " + n + " x " + k));

            verifyObjects(store, io);
            verifyVolumes(volumes);

            // Let everything unreferenced age past the grace period, then collect until it is gone:
            // maps are freed before their blocks can be condemned, so it takes up to four cycles.
            server.server.hasher().runOnce();
            // On Cassandra, volume writes carry fenced stamps up to about one lease TTL ahead of the clock
            // however often the volumes were opened (SCHEMA.md, Fencing), and the collector ages an owned
            // block by them: wait until the newest is in the past.
            long ahead = store.gc().owned(null, 1_000_000).stream().mapToLong(GcStore.OwnedEntry::writtenMillis)
                    .max().orElse(0) - System.currentTimeMillis();
            System.out.println("race: the newest owned block's write time is " + ahead + " ms ahead of the clock");
            assertThat(ahead).as("ms the newest owned block's write time is ahead of the clock")
                    .isLessThanOrEqualTo(VolumeLease.Timing.DEFAULT.ttlMillis() + 5_000);
            Thread.sleep(Math.max(0, ahead));
            for (int i = 0; i < 4; i++) {
                Thread.sleep(GRACE.toMillis() + 50);
                GcReport report = collector.runOnce().orElseThrow();
                System.out.println("race: final cycle " + i + ":\n" + report.summary());
            }
            verifyNothingUnreferencedIsLeft(store);
            verifyObjects(store, io);
            verifyVolumes(volumes);
            io.shutdown();
        }
    }

    private void operation(Random r, Store store, ObjectWriter writes, VolumeService volumes) {
        String container = r.nextBoolean() ? "a" : "b";
        String name = "o" + r.nextInt(40);
        int kind = r.nextInt(100);
        try {
            if (kind < 40) {
                byte[] content = compose(r);
                contents.put(md5(content), content);
                // One upload in ten is slow: its blocks are stored (or found present) up to 1.2 s before it
                // publishes, so marks and sweeps start and end in between (still within the grace period).
                java.io.InputStream body = r.nextInt(10) == 0 ? slow(content, 200 + r.nextInt(1000))
                        : new ByteArrayInputStream(content);
                writes.write(new ObjectWrite(new ObjectLocation(ACCOUNT, container, name), "application/octet-stream",
                        Map.of(), null, false, new WriteContent.Body(body, content.length)));
            } else if (kind < 60) {
                store.metadata().deleteObject(ACCOUNT, container, name, Timestamp.now());
            } else if (kind < 75) {
                store.metadata().getObject(ACCOUNT, container, name).ifPresent(source ->
                        writes.write(new ObjectWrite(new ObjectLocation(ACCOUNT, r.nextBoolean() ? "a" : "b",
                                "o" + r.nextInt(40)), source.contentType(), Map.of(), null, false,
                                new WriteContent.Copy(source))));
            } else if (kind < 88) {
                volumeWrite(r, volumes);
            } else if (kind < 94) {
                clone(r, store, volumes, container, name);
            } else {
                snapshot(r, volumes, container, name);
            }
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            // e.g. cloning an object deleted meanwhile, or a volume another thread has open: refused, never corrupting
            failed.incrementAndGet();
            refusals.computeIfAbsent(e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replaceAll("[0-9a-f-]{8,}", "*"),
                    k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** The content, with a pause before its end: a client that sends its last bytes late. */
    private static java.io.InputStream slow(byte[] content, int pauseMillis) {
        return new java.io.SequenceInputStream(new ByteArrayInputStream(content, 0, content.length - 1),
                new java.io.InputStream() {
                    private boolean sent;

                    @Override
                    public int read() {
                        if (sent) {
                            return -1;
                        }
                        try {
                            Thread.sleep(pauseMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        sent = true;
                        return content[content.length - 1] & 0xff;
                    }
                });
    }

    /** 1-3 blocks from a shared pool (so uploads share blocks), sometimes a short tail, sometimes one small block. */
    private byte[] compose(Random r) {
        if (r.nextInt(4) == 0) {
            return pool.get(160 + r.nextInt(8)).clone();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int blocks = 1 + r.nextInt(3);
        for (int i = 0; i < blocks; i++) {
            out.writeBytes(pool.get(r.nextInt(160)));
        }
        if (r.nextBoolean()) {
            out.writeBytes(pool.get(160 + r.nextInt(8)));
        }
        return out.toByteArray();
    }

    private void volumeWrite(Random r, VolumeService volumes) {
        String name = volumeNames.get(r.nextInt(volumeNames.size()));
        ReentrantLock lock = volumeLocks.get(name);
        lock.lock();
        try (VolumeIo v = volumes.openVolume(ACCOUNT, name, false)) {
            byte[] model = volumeModels.get(name);
            int blockIndex = r.nextInt(VOLUME_BLOCKS);
            byte[] src = pool.get(r.nextInt(pool.size()));
            int len = Math.min(src.length, BLOCK);
            int offset = r.nextBoolean() ? 0 : r.nextInt(BLOCK - len + 1);
            v.write((long) blockIndex * BLOCK + offset, src, 0, len, true);
            System.arraycopy(src, 0, model, blockIndex * BLOCK + offset, len);
        } finally {
            lock.unlock();
        }
    }

    private void clone(Random r, Store store, VolumeService volumes, String container, String object) {
        ObjectVersion source = store.metadata().getObject(ACCOUNT, container, object).orElse(null);
        if (source == null || source.length() == 0) {
            return;
        }
        String name = "clone" + UUID();
        VolumeStore.VolumeRecord rec = volumes.create(ACCOUNT, name, (long) VOLUME_BLOCKS * BLOCK, container + "/" + object);
        byte[] parent = contentOfMap(store, rec.parentMap());
        byte[] model = new byte[VOLUME_BLOCKS * BLOCK];
        System.arraycopy(parent, 0, model, 0, parent.length);
        volumeLocks.put(name, new ReentrantLock());
        volumeModels.put(name, model);
        volumeNames.add(name);
    }

    private void snapshot(Random r, VolumeService volumes, String container, String object) {
        String name = volumeNames.get(r.nextInt(volumeNames.size()));
        ReentrantLock lock = volumeLocks.get(name);
        lock.lock();
        try {
            byte[] model = volumeModels.get(name).clone();
            contents.put(md5(model), model);
            volumes.snapshot(ACCOUNT, name, container, object);
        } finally {
            lock.unlock();
        }
    }

    /** A clone's parent content, read back (a snapshot's map may still name owned blocks); it must be content the test wrote. */
    private byte[] contentOfMap(Store store, MapId id) {
        Hashmap map = new ContentMaps(store).load(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new ContentReader(store, Runnable::run, new MetricRegistry()).copy(map, 0, map.length(), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] c = out.toByteArray();
        if (!contents.containsKey(md5(c))) {
            throw new AssertionError("a clone's parent map " + id.key() + " reads as no content the test wrote");
        }
        return c;
    }

    private static String UUID() {
        return java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private void verifyObjects(Store store, ExecutorService io) throws Exception {
        ContentReader reader = new ContentReader(store, io, new MetricRegistry());
        ContentMaps maps = new ContentMaps(store);
        int checked = 0;
        for (String c : List.of("a", "b")) {
            for (ObjectVersion v : store.metadata().listObjects(ACCOUNT, c, ListQuery.all(10_000))) {
                Hashmap map = maps.load(v.map());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                reader.copy(map, 0, map.length(), out);
                byte[] body = out.toByteArray();
                String md5 = md5(body);
                assertThat(contents).as("object %s/%s reads back as content the test wrote", c, v.name()).containsKey(md5);
                assertThat(Arrays.equals(body, contents.get(md5))).isTrue();
                if (!v.etag().isEmpty()) {
                    assertThat(v.etag()).as("ETag of %s/%s", c, v.name()).isEqualTo(md5);
                }
                List<BlockHash> expected = hashes(body);
                List<BlockHash> actual = map.hashes().stream().map(h -> OwnedIds.isOwned(h) ? null : h).toList();
                for (int i = 0; i < expected.size(); i++) {
                    if (actual.get(i) != null) {
                        assertThat(actual.get(i)).as("block %d of %s/%s", i, c, v.name()).isEqualTo(expected.get(i));
                    }
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    private void verifyVolumes(VolumeService volumes) {
        for (Map.Entry<String, byte[]> e : volumeModels.entrySet()) {
            try (VolumeIo v = volumes.openVolume(ACCOUNT, e.getKey(), false)) {
                byte[] back = new byte[e.getValue().length];
                v.read(0, back, 0, back.length);
                assertThat(Arrays.equals(back, e.getValue())).as("volume %s reads back as written", e.getKey()).isTrue();
            }
        }
    }

    /** Exactly: every stored map, block and owned block is named by a root or a stored map. */
    private void verifyNothingUnreferencedIsLeft(Store store) {
        ContentMaps maps = new ContentMaps(store);
        Set<MapId> liveMaps = new HashSet<>();
        Set<BlockHash> liveBlocks = new HashSet<>();
        Roots.walk(store, new Roots.Visitor() {
            @Override
            public void object(ObjectVersion v) {
                live(v.map());
            }

            @Override
            public void volume(VolumeStore.VolumeRecord v, Map<Long, VolumeStore.Entry> overlay) {
                if (v.parentMap() != null) {
                    live(v.parentMap());
                }
                overlay.values().forEach(e -> liveBlocks.add(e.block()));
            }

            @Override
            public void hashJob(VolumeStore.HashJob job) {
                live(job.map());
            }

            private void live(MapId id) {
                if (!maps.isImplicit(id)) {
                    liveMaps.add(id);
                }
                liveBlocks.addAll(maps.load(id).hashes());
            }
        });
        List<MapId> storedMaps = store.gc().maps(null, 1_000_000).stream().map(GcStore.MapEntry::id).toList();
        assertThat(liveMaps).as("every referenced map is stored").allSatisfy(m -> assertThat(storedMaps).contains(m));
        assertThat(storedMaps).as("no unreferenced map is left").allSatisfy(m -> assertThat(liveMaps).contains(m));
        List<BlockHash> storedBlocks = store.gc().blocks(null, 1_000_000).stream().map(GcStore.BlockEntry::hash).toList();
        assertThat(storedBlocks).as("no unreferenced block is left").allSatisfy(b -> assertThat(liveBlocks).contains(b));
        List<BlockHash> owned = store.gc().owned(null, 1_000_000).stream().map(GcStore.OwnedEntry::id).toList();
        assertThat(owned).as("no unreferenced owned block is left").allSatisfy(b -> assertThat(liveBlocks).contains(b));
        for (BlockHash b : liveBlocks) {
            if (!b.isZeroBlock() && !OwnedIds.isOwned(b)) {
                assertThat(store.gc().block(b)).as("referenced block %s is stored", b).isPresent();
            }
        }
    }

    private static List<BlockHash> hashes(byte[] content) {
        List<BlockHash> out = new ArrayList<>();
        for (int off = 0; off < content.length; off += BLOCK) {
            int len = Math.min(BLOCK, content.length - off);
            out.add(BlockHasher.hash(content, off, BlockHasher.strippedLength(content, off, len)));
        }
        return out;
    }

    static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
