package io.tessera.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.CorruptBlockException;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.OwnedIds;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.VolumeStore;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.store.content.VerifiedBlocks;
import io.tessera.volumes.nbd.BlockDevice;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.tessera.store.VolumeStore.VolumeRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The volume layer on a backend: copy on write, snapshots read through the Swift data path
 * (ContentReader) before and after hashing, clones of snapshots, trims, leases and handover. Subclassed
 * per backend (the store's contract suite covers the SPI; this covers the layer above it).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class VolumeServiceContractTest {
    static final String ACCOUNT = "acct";

    /** A store with 64 KiB blocks, emptied of what earlier tests left if it is shared. */
    protected abstract Store store() throws Exception;

    Store store;
    int bs;
    VolumeService service;
    final Random random = new Random(9);
    String prefix;

    @BeforeEach
    void setUp() throws Exception {
        store = store();
        bs = store.blockSize().bytes();
        service = new VolumeService(store, "node-a", null);
        prefix = "t" + Long.toHexString(System.nanoTime());
        store.metadata().createContainer(ACCOUNT, prefix, Timestamp.now(), Map.of());
    }

    /** Publishes an image object the way an upload leaves it: blocks, map, version. */
    byte[] image(String name, int length) {
        return image(name, length, Map.of());
    }

    byte[] image(String name, int length, Map<String, String> metadata) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        Arrays.fill(data, bs, 2 * bs, (byte) 0); // a zero block
        List<BlockHash> hashes = new ArrayList<>();
        for (int off = 0; off < length; off += bs) {
            int n = Math.min(bs, length - off);
            int stripped = BlockHasher.strippedLength(data, off, n);
            BlockHash h = BlockHasher.hash(data, off, stripped);
            if (stripped > 0) {
                store.blocks().putIfAbsent(h, data, off, stripped);
            }
            hashes.add(h);
        }
        MapId id = new ContentMaps(store).save(new Hashmap(store.blockSize(), length, hashes));
        store.metadata().putObject(new ObjectVersion(ACCOUNT, prefix, name, Timestamp.now(), id, "md5",
                "application/octet-stream", metadata), PutCondition.NONE);
        return data;
    }

    byte[] readAll(BlockDevice d) {
        byte[] b = new byte[(int) d.size()];
        d.read(0, b, 0, b.length);
        return b;
    }

    byte[] readObject(String name) throws Exception {
        ObjectVersion v = store.metadata().getObject(ACCOUNT, prefix, name).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ContentReader(store, Runnable::run, new MetricRegistry()).copy(new ContentMaps(store).load(v.map()), 0,
                v.length(), out);
        return out.toByteArray();
    }

    byte[] bytes(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void aCloneNeverReadsOrCopiesUpADamagedImageBlock() throws Exception {
        // Content of its own (a shared store must not hand other tests the damaged block), repaired at the end.
        random.nextBytes(new byte[17]);
        byte[] img = image("img", 3 * bs);
        // Block 0 of the image: the image's hash, other bytes of the same length. The SPI stores what it is
        // given under the hash it is told, so this is what a block damaged on disk looks like to a reader.
        BlockHash first = BlockHasher.hash(img, 0, bs);
        store.blocks().delete(first);
        byte[] damaged = Arrays.copyOf(img, bs);
        damaged[bs / 2] ^= 0x40;
        store.blocks().putIfAbsent(first, damaged, 0, bs);
        MetricRegistry metrics = new MetricRegistry();
        VolumeService counted = new VolumeService(store, "node-c", null, metrics);
        counted.create(ACCOUNT, prefix + "-d", null, prefix + "/img");
        try (counted; VolumeIo v = counted.openVolume(ACCOUNT, prefix + "-d", false)) {
            byte[] some = new byte[100];
            assertThatThrownBy(() -> v.read(10, some, 0, 100)).isInstanceOf(CorruptBlockException.class);
            // A partial write must copy the old block up first: the damage must not move into an owned block.
            assertThatThrownBy(() -> v.write(20, bytes(5, 1), 0, 5, false)).isInstanceOf(CorruptBlockException.class);
            byte[] third = new byte[bs];
            v.read(2L * bs, third, 0, bs);
            assertThat(third).as("intact blocks still read").isEqualTo(Arrays.copyOfRange(img, 2 * bs, 3 * bs));
        } finally {
            store.blocks().delete(first);
            store.blocks().putIfAbsent(first, img, 0, bs);
        }
        assertThat(metrics.counter(VerifiedBlocks.CORRUPT_METRIC).getCount()).isEqualTo(2);
    }

    @Test
    void cloneWriteSnapshotHashAndCloneAgain() throws Exception {
        byte[] img = image("img", 3 * bs + 1000);
        service.create(ACCOUNT, prefix + "-v", null, prefix + "/img");
        byte[] model = img.clone();
        try (VolumeIo v = service.openVolume(ACCOUNT, prefix + "-v", false)) {
            assertThat(readAll(v)).isEqualTo(img);
            v.write(bs - 10, bytes(30, 0x41), 0, 30, false);         // two partial copy-ups
            v.write(2 * bs + 5, bytes(7, 0x42), 0, 7, true);           // FUA
            v.flush();
            System.arraycopy(bytes(30, 0x41), 0, model, bs - 10, 30);
            System.arraycopy(bytes(7, 0x42), 0, model, 2 * bs + 5, 7);
            assertThat(readAll(v)).isEqualTo(model);
            assertThat(service.info(ACCOUNT, prefix + "-v").usage().ownedBytes()).isEqualTo(3L * bs);
        }
        ObjectVersion snap = service.snapshot(ACCOUNT, prefix + "-v", prefix, "snap");
        assertThat(snap.etag()).isEmpty();
        assertThat(snap.length()).isEqualTo(img.length);
        assertThat(new ContentMaps(store).load(snap.map()).hashes()).anyMatch(OwnedIds::isOwned);
        byte[] atSnapshot = model.clone();
        try (VolumeIo v = service.openVolume(ACCOUNT, prefix + "-v", false)) {
            v.write(bs - 5, bytes(10, 0x43), 0, 10, false);            // frozen owned blocks: copy up again
            v.writeZeroes(2 * bs, bs, false, false);                    // whole block: a zero entry
            v.flush();
            System.arraycopy(bytes(10, 0x43), 0, model, bs - 5, 10);
            Arrays.fill(model, 2 * bs, 3 * bs, (byte) 0);
            assertThat(readAll(v)).isEqualTo(model);
            assertThat(v.extents(2L * bs, bs, false)).containsExactly(
                    new BlockDevice.Extent(bs, BlockDevice.Extent.HOLE | BlockDevice.Extent.ZERO));
        }
        assertThat(readObject("snap")).as("the snapshot, unhashed").isEqualTo(atSnapshot);
        Hasher hasher = new Hasher(store, 60_000);
        assertThat(hasher.runOnce()).isEqualTo(1);
        ObjectVersion hashed = store.metadata().getObject(ACCOUNT, prefix, "snap").orElseThrow();
        assertThat(hashed.etag()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(atSnapshot)));
        assertThat(hashed.timestamp().isAfter(snap.timestamp())).isTrue();
        assertThat(new ContentMaps(store).load(hashed.map()).hashes()).noneMatch(OwnedIds::isOwned);
        assertThat(readObject("snap")).as("the snapshot, hashed").isEqualTo(atSnapshot);
        assertThat(hasher.runOnce()).as("the job is done").isZero();

        service.create(ACCOUNT, prefix + "-c", (long) 5 * bs, prefix + "/snap");
        try (VolumeIo c = service.openVolume(ACCOUNT, prefix + "-c", false)) {
            byte[] expected = Arrays.copyOf(atSnapshot, 5 * bs);
            assertThat(readAll(c)).isEqualTo(expected);
        }
        try (VolumeIo v = service.openVolume(ACCOUNT, prefix + "-v", false)) {
            assertThat(readAll(v)).as("the volume after its snapshot was hashed").isEqualTo(model);
        }
    }

    @Test
    void aSnapshotReplacedBeforeHashingIsLeftAlone() throws Exception {
        service.create(ACCOUNT, prefix + "-r", (long) bs, null);
        try (VolumeIo v = service.openVolume(ACCOUNT, prefix + "-r", false)) {
            v.write(0, bytes(100, 1), 0, 100, false);
        }
        service.snapshot(ACCOUNT, prefix + "-r", prefix, "replaced");
        image("replaced", 2 * bs + 1); // a user overwrote it
        ObjectVersion before = store.metadata().getObject(ACCOUNT, prefix, "replaced").orElseThrow();
        new Hasher(store, 60_000).runOnce();
        assertThat(store.metadata().getObject(ACCOUNT, prefix, "replaced")).contains(before);
    }

    @Test
    void aSecondHolderIsRefusedAndAHandoverFencesTheFirst() throws Exception {
        service.create(ACCOUNT, prefix + "-l", (long) 4 * bs, null);
        VolumeService other = new VolumeService(store, "node-b", null);
        try (VolumeIo mine = service.openVolume(ACCOUNT, prefix + "-l", false)) {
            mine.write(0, bytes(10, 1), 0, 10, false);
            mine.flush(); // a handover takes what the old holder flushed (as QEMU does before a migration ends)
            assertThatThrownBy(() -> other.openVolume(ACCOUNT, prefix + "-l", false))
                    .isInstanceOf(VolumeException.class).hasMessageContaining("open for writing on node-a");
            try (VolumeIo theirs = other.openVolume(ACCOUNT, prefix + "-l", true)) {
                assertThat(readAll(theirs)).startsWith(bytes(10, 1));
                theirs.write(0, bytes(10, 2), 0, 10, false);
                assertThatThrownBy(() -> mine.write(0, bytes(10, 3), 0, 10, false))
                        .isInstanceOf(VolumeException.class).hasMessageContaining("moved to another holder");
                assertThatThrownBy(mine::flush).isInstanceOf(VolumeException.class);
                assertThat(readAll(theirs)).startsWith(bytes(10, 2));
            }
        } finally {
            other.close();
        }
        // node-b closed it: node-a may open it again
        try (VolumeIo again = service.openVolume(ACCOUNT, prefix + "-l", false)) {
            assertThat(readAll(again)).startsWith(bytes(10, 2));
        }
    }

    /** The cause a task failed with, or null if it succeeded. */
    static Throwable failure(Future<?> task) throws Exception {
        try {
            task.get(60, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Every byte of the volume as a server that opens it afresh reads it (from the store, not from a holder's memory). */
    byte[] readAfresh(String name) {
        try (VolumeService fresh = new VolumeService(store, "node-reader", null);
             VolumeIo v = fresh.openVolume(ACCOUNT, name, false)) {
            return readAll(v);
        }
    }

    /**
     * Two servers over one store (split brain after a handover, issue 11): the old holder's writes are in
     * flight (slowed between it and the store) when the volume is handed over; the new holder writes and
     * flushes, then the old writes arrive. The store must refuse them: the new holder's flushed writes
     * read back, and the old holder gets errors.
     */
    @Test
    void afterAHandoverTheOldHoldersWritesInFlightAreRefused() throws Exception {
        String name = prefix + "-ho";
        service.create(ACCOUNT, name, (long) 4 * bs, null);
        DelayedWrites slow = new DelayedWrites(store);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (VolumeService oldServer = new VolumeService(slow, "node-old", null);
             VolumeService newServer = new VolumeService(store, "node-new", null)) {
            VolumeIo old = oldServer.openVolume(ACCOUNT, name, false);
            old.write(0, bytes(bs, 1), 0, bs, false); // block 0 is now owned: later writes go to it in place
            old.flush();
            slow.ownedWrites().next(1);
            Future<?> inPlace = pool.submit(() -> old.write(100, bytes(4096, 0xAA), 0, 4096, false));
            slow.ownedWrites().awaitHeld();
            slow.entryWrites().next(1);
            // FUA: its entry is stored before it is acknowledged (a plain write's waits for the next barrier)
            Future<?> copyUp = pool.submit(() -> old.write(bs + 100, bytes(4096, 0xAA), 0, 4096, true));
            slow.entryWrites().awaitHeld();

            VolumeIo taken = newServer.openVolume(ACCOUNT, name, true);
            byte[] mine = bytes(2 * bs, 0xBB);
            taken.write(0, mine, 0, mine.length, false);
            taken.flush();
            slow.release();
            assertThat(failure(inPlace)).as("the old holder's in-place write").isInstanceOf(VolumeException.class);
            assertThat(failure(copyUp)).as("the old holder's copy-up").isInstanceOf(VolumeException.class);
            assertThatThrownBy(() -> old.write(3L * bs, bytes(10, 0xCC), 0, 10, false)).isInstanceOf(VolumeException.class);
            assertThatThrownBy(old::flush).isInstanceOf(VolumeException.class);
            byte[] back = new byte[2 * bs];
            taken.read(0, back, 0, back.length);
            assertSameBytes(back, mine, "the new holder's flushed writes, read by the new holder");
            taken.close();
            old.close();
        } finally {
            pool.shutdownNow();
        }
        assertSameBytes(Arrays.copyOf(readAfresh(name), 2 * bs), bytes(2 * bs, 0xBB),
                "the new holder's flushed writes, read afresh");
    }

    /**
     * The same after the old holder's lease expired and another server took the volume without a handover,
     * with clocks that disagree by more than the fencing margin: the new server's clock is a whole TTL ahead,
     * so it sees the lease expired while the old holder thinks it has most of it left. The store's fencing
     * must still refuse the old holder.
     */
    @Test
    void afterAnExpiryTheOldHoldersWritesAreRefused() throws Exception {
        String name = prefix + "-ex";
        service.create(ACCOUNT, name, (long) 4 * bs, null);
        DelayedWrites slow = new DelayedWrites(store);
        ExecutorService pool = Executors.newFixedThreadPool(1);
        long ahead = VolumeLease.Timing.DEFAULT.ttlMillis() + 1_000;
        try (VolumeService oldServer = new VolumeService(slow, "node-old", null);
             VolumeService newServer = new VolumeService(store, "node-new", null, new MetricRegistry(),
                     BlockCache.DEFAULT_BYTES, VolumeLease.Timing.DEFAULT, () -> System.currentTimeMillis() + ahead)) {
            VolumeIo old = oldServer.openVolume(ACCOUNT, name, false);
            old.write(0, bytes(bs, 1), 0, bs, false);
            old.flush();
            slow.ownedWrites().next(1);
            Future<?> inPlace = pool.submit(() -> old.write(100, bytes(4096, 0xAA), 0, 4096, false));
            slow.ownedWrites().awaitHeld();

            VolumeIo taken = newServer.openVolume(ACCOUNT, name, false);
            byte[] mine = bytes(bs, 0xBB);
            taken.write(0, mine, 0, mine.length, false);
            taken.flush();
            assertThatThrownBy(() -> old.write(2L * bs, bytes(10, 0xCC), 0, 10, false))
                    .as("a write of the old holder after the takeover").isInstanceOf(VolumeException.class);
            slow.release();
            assertThat(failure(inPlace)).as("the old holder's write in flight").isInstanceOf(VolumeException.class);
            byte[] back = new byte[bs];
            taken.read(0, back, 0, back.length);
            assertSameBytes(back, mine, "the new holder's flushed write");
            taken.close();
            old.close();
        } finally {
            pool.shutdownNow();
        }
        assertSameBytes(Arrays.copyOf(readAfresh(name), bs), bytes(bs, 0xBB), "read afresh");
    }

    /**
     * A holder cut off from the store (its renewals fail) stops acknowledging writes before its lease can
     * be taken by expiry; another server takes the volume, without a handover, once it has expired; the old
     * holder's write still in flight is refused and overwrites nothing of the new holder's. A short lease
     * (1.5 s, margin 0.5 s) on real clocks.
     */
    @Test
    void aHolderThatCannotRenewStopsBeforeItsLeaseExpires() throws Exception {
        VolumeLease.Timing shortLease = new VolumeLease.Timing(1_500, 500, 300);
        String name = prefix + "-ttl";
        VolumeStore.VolumeRecord r = service.create(ACCOUNT, name, (long) 4 * bs, null);
        DelayedWrites cutOff = new DelayedWrites(store);
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (VolumeService oldServer = new VolumeService(cutOff, "node-old", null, new MetricRegistry(), BlockCache.DEFAULT_BYTES, shortLease,
                System::currentTimeMillis);
             VolumeService newServer = new VolumeService(store, "node-new", null, new MetricRegistry(), BlockCache.DEFAULT_BYTES, shortLease,
                     System::currentTimeMillis)) {
            VolumeIo old = oldServer.openVolume(ACCOUNT, name, false);
            old.write(0, bytes(bs, 1), 0, bs, false);
            old.flush();
            cutOff.failRenewals();
            long expires = store.volumes().lease(r.id()).orElseThrow().expiresAtMillis();
            cutOff.ownedWrites().next(1);
            Future<?> inFlight = pool.submit(() -> old.write(100, bytes(4096, 0xAA), 0, 4096, false));
            cutOff.ownedWrites().awaitHeld();
            assertThatThrownBy(() -> newServer.openVolume(ACCOUNT, name, false)).as("a take before the expiry")
                    .isInstanceOf(VolumeException.class).hasMessageContaining("open for writing on node-old");

            long lastAcknowledged = 0;
            while (true) {
                try {
                    old.write(2L * bs, bytes(10, 0xCC), 0, 10, false);
                    lastAcknowledged = System.currentTimeMillis();
                } catch (VolumeException refused) {
                    break;
                }
                assertThat(System.currentTimeMillis()).as("the old holder still acknowledges").isLessThan(expires + 5_000);
                Thread.sleep(20);
            }
            assertThat(lastAcknowledged).as("the old holder's last acknowledged write").isLessThan(expires);
            while (System.currentTimeMillis() <= expires) {
                Thread.sleep(20); // the lease's own time running out, not a race
            }
            VolumeIo taken = newServer.openVolume(ACCOUNT, name, false);
            byte[] mine = bytes(bs, 0xBB);
            taken.write(0, mine, 0, mine.length, false);
            taken.flush();
            cutOff.release();
            assertThat(failure(inFlight)).as("the old holder's write in flight").isInstanceOf(VolumeException.class);
            byte[] back = new byte[bs];
            taken.read(0, back, 0, back.length);
            assertSameBytes(back, mine, "the new holder's flushed write");
            taken.close();
            old.close();
        } finally {
            pool.shutdownNow();
        }
        assertSameBytes(Arrays.copyOf(readAfresh(name), bs), bytes(bs, 0xBB), "read afresh");
    }

    /**
     * After a handover the old holder must not serve its map in memory (issue 11, review P5): the new holder
     * trimmed block 0 and wrote block 1, so the old map would hand the guest old bytes for both. Once its
     * write was refused the old holder knows it is fenced: its reads and block status fail too (NBD EIO).
     */
    @Test
    void aFencedHolderRefusesReadsAfterAHandover() {
        String name = prefix + "-stale";
        service.create(ACCOUNT, name, 4L * bs, null);
        try (VolumeService newServer = new VolumeService(store, "node-b", null)) {
            VolumeIo old = service.openVolume(ACCOUNT, name, false);
            old.write(0, bytes(bs, 1), 0, bs, false);
            old.flush();
            VolumeIo taken = newServer.openVolume(ACCOUNT, name, true);
            taken.trim(0, bs, false);                          // block 0: a zero entry now
            taken.write(bs, bytes(bs, 2), 0, bs, false);       // block 1: a new owned block
            taken.flush();
            assertThatThrownBy(() -> old.write(0, bytes(10, 3), 0, 10, false)).isInstanceOf(VolumeException.class);
            byte[] seen = new byte[2 * bs];
            Throwable readFailure = null;
            try {
                old.read(0, seen, 0, seen.length);
            } catch (RuntimeException e) {
                readFailure = e;
            }
            assertThat(readFailure).as("a read by the fenced old holder (it read block 0 as %s and block 1 as %s; the"
                    + " volume holds 0 and 2)", seen[0], seen[bs]).isInstanceOf(VolumeException.class)
                    .hasMessageContaining("moved to another holder");
            assertThatThrownBy(() -> old.extents(0, 2L * bs, false)).as("block status from the fenced holder's map")
                    .isInstanceOf(VolumeException.class);
            byte[] back = new byte[2 * bs];
            taken.read(0, back, 0, back.length);
            assertSameBytes(back, concat(new byte[bs], bytes(bs, 2)), "the new holder's reads");
            taken.close();
            old.close();
        }
    }

    /**
     * A holder that should know it is fenced refuses reads too, without a store round trip per read: once
     * a renewal found the lease taken (the handover happened while it only read), and once its own clock
     * passed its self-fence time (its lease may be taken by expiry from then on).
     */
    @Test
    void aHolderRefusesReadsOnceARenewalFoundItFencedOrItsLeaseRanOut() {
        String name = prefix + "-rd";
        VolumeRecord r = service.create(ACCOUNT, name, 2L * bs, null);
        byte[] some = new byte[100];
        try (VolumeService newServer = new VolumeService(store, "node-b", null)) {
            VolumeIo old = service.openVolume(ACCOUNT, name, false);
            old.read(0, some, 0, some.length);
            VolumeIo taken = newServer.openVolume(ACCOUNT, name, true);
            assertThat(old.lease().renew()).as("the renewal after the handover (what the renewer runs)").isFalse();
            assertThatThrownBy(() -> old.read(0, some, 0, some.length)).isInstanceOf(VolumeException.class)
                    .hasMessageContaining("moved to another holder");
            taken.close();
            old.close();
        }
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
        VolumeLease.Timing timing = VolumeLease.Timing.DEFAULT;
        try (VolumeService skewed = new VolumeService(store, "node-c", null, new MetricRegistry(), BlockCache.DEFAULT_BYTES,
                     timing, clock::get);
             VolumeIo v = skewed.openVolume(ACCOUNT, name, true)) {
            v.read(0, some, 0, some.length);
            // Not renewed since (the renewer runs every 10 s): its self-fence time comes.
            clock.set(store.volumes().lease(r.id()).orElseThrow().expiresAtMillis() - timing.marginMillis());
            assertThatThrownBy(() -> v.read(0, some, 0, some.length)).isInstanceOf(VolumeException.class)
                    .hasMessageContaining("could not be renewed");
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Runs {@code call} on a new thread of that name (so a test can watch the thread itself). */
    static <T> java.util.concurrent.FutureTask<T> startThread(String name, java.util.concurrent.Callable<T> call) {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call);
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        THREADS.put(task, t);
        return task;
    }

    private static final Map<Future<?>, Thread> THREADS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Waits until {@code task} has finished or its thread is blocked entering a monitor that {@code owner}'s
     * thread holds: a precise condition (the JVM reports who owns the lock), not a timing guess.
     */
    static void awaitDoneOrBlockedBy(Future<?> task, Future<?> owner) throws InterruptedException {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long waiter = THREADS.get(task).getId();
        long holder = THREADS.get(owner).getId();
        while (!task.isDone()) {
            java.lang.management.ThreadInfo info = threads.getThreadInfo(waiter);
            if (info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockOwnerId() == holder) {
                return;
            }
            Thread.sleep(1);
        }
    }

    /**
     * A delete and an attach of one volume on one server are exclusive (issue 11, review P2): an attach
     * that comes while a delete is past its "open here?" check (held as it reads the lease row) waits
     * for the delete, then finds no volume. It never opens a volume the delete then removes under it.
     */
    @Test
    void anAttachDuringADeleteWaitsForItAndFindsNoVolume() throws Exception {
        String name = prefix + "-da";
        DelayedWrites held = new DelayedWrites(store);
        try (VolumeService server = new VolumeService(held, "node-d", null)) {
            server.create(ACCOUNT, name, 4L * bs, null);
            held.leaseReads().next(1);
            Future<Object> delete = startThread("deleter", () -> {
                server.delete(ACCOUNT, name);
                return null;
            });
            held.leaseReads().awaitHeld();
            Future<VolumeIo> attach = startThread("attacher", () -> {
                VolumeIo io = server.openVolume(ACCOUNT, name, false);
                io.write(0, bytes(bs, 7), 0, bs, false);
                io.flush();
                return io;
            });
            awaitDoneOrBlockedBy(attach, delete);
            held.release();
            Throwable deleteFailure = failure(delete);
            Throwable attachFailure = failure(attach);
            boolean recordLeft = store.volumes().get(ACCOUNT, name).isPresent();
            assertThat(attachFailure).as("the attach during the delete (delete failure: %s; record left: %s)",
                    deleteFailure, recordLeft).isInstanceOf(VolumeException.class).hasMessageContaining("does not exist");
            assertThat(deleteFailure).isNull();
            assertThat(recordLeft).isFalse();
        }
    }

    /**
     * The other order: a delete that comes while an attach is taking the lease waits for the attach, then
     * is refused (409, open on this server); the attached volume stays and keeps working.
     */
    @Test
    void aDeleteDuringAnAttachWaitsForItAndIsRefused() throws Exception {
        String name = prefix + "-ad";
        DelayedWrites held = new DelayedWrites(store);
        try (VolumeService server = new VolumeService(held, "node-d", null)) {
            server.create(ACCOUNT, name, 4L * bs, null);
            held.leaseReads().next(1);
            Future<VolumeIo> attach = startThread("attacher", () -> server.openVolume(ACCOUNT, name, false));
            held.leaseReads().awaitHeld();
            Future<Object> delete = startThread("deleter", () -> {
                server.delete(ACCOUNT, name);
                return null;
            });
            awaitDoneOrBlockedBy(delete, attach);
            held.release();
            Throwable attachFailure = failure(attach);
            Throwable deleteFailure = failure(delete);
            boolean recordLeft = store.volumes().get(ACCOUNT, name).isPresent();
            assertThat(attachFailure).as("the attach (delete failure: %s; record left: %s)", deleteFailure, recordLeft)
                    .isNull();
            assertThat(deleteFailure).as("the delete of a volume attached meanwhile").isInstanceOf(VolumeException.class)
                    .hasMessageContaining("is open");
            assertThat(recordLeft).isTrue();
            try (VolumeIo io = attach.get()) {
                io.write(0, bytes(bs, 7), 0, bs, false);
                io.flush();
            }
        }
    }

    /** Compares byte arrays, naming the first difference instead of printing both. */
    static void assertSameBytes(byte[] actual, byte[] expected, String what) {
        assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
        int i = Arrays.mismatch(actual, expected);
        assertThat(i).as("%s: first differing byte at %d (%s instead of %s)", what, i,
                i < 0 ? "" : actual[i], i < 0 ? "" : expected[i]).isEqualTo(-1);
    }

    @Test
    void growDeleteAndRefusals() {
        service.create(ACCOUNT, prefix + "-g", 1000L, null);
        assertThat(service.resize(ACCOUNT, prefix + "-g", 3L * bs).size()).isEqualTo(3L * bs);
        assertThatThrownBy(() -> service.resize(ACCOUNT, prefix + "-g", 10)).hasMessageContaining("only grow");
        assertThatThrownBy(() -> service.create(ACCOUNT, prefix + "-g", 5L, null)).hasMessageContaining("exists");
        assertThatThrownBy(() -> service.create(ACCOUNT, "no/slash", 5L, null)).isInstanceOf(VolumeException.class);
        VolumeIo open = service.openVolume(ACCOUNT, prefix + "-g", false);
        assertThatThrownBy(() -> service.delete(ACCOUNT, prefix + "-g")).hasMessageContaining("is open");
        open.close();
        service.delete(ACCOUNT, prefix + "-g");
        assertThatThrownBy(() -> service.get(ACCOUNT, prefix + "-g")).hasMessageContaining("does not exist");
    }

    // ---------------------------------------------------------------- flush, ordering, record changes

    @Test
    void aFlushReturnsOnlyOnceEveryWriteAcknowledgedBeforeItIsSynced() throws Exception {
        InstrumentedStore spy = new InstrumentedStore(store);
        VolumeService svc = new VolumeService(spy, "node-f", null);
        svc.create(ACCOUNT, prefix + "-f", (long) 3 * bs, null);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (svc; VolumeIo v = svc.openVolume(ACCOUNT, prefix + "-f", false)) {
            for (int b = 0; b < 3; b++) {
                v.write((long) b * bs, bytes(10, 1), 0, 10, false); // copy-ups: owned blocks of this epoch
            }
            v.flush();
            BlockHash b0 = v.map().resolve(0).block();
            BlockHash b1 = v.map().resolve(1).block();
            BlockHash b2 = v.map().resolve(2).block();

            spy.syncRelease = new CountDownLatch(1);
            CountDownLatch entered = new CountDownLatch(1);
            spy.syncEntered = entered;
            long callsBefore = spy.syncCalls.get();
            v.write(0, bytes(10, 2), 0, 10, false);                 // acknowledged before flush 1
            long w0 = spy.lastWrite.get(b0);
            Future<Long> first = pool.submit(() -> {
                v.flush();
                return spy.durableBefore.getOrDefault(b0, -1L);
            });
            entered.await();                                         // flush 1's sync is held in the store
            v.write(bs, bytes(10, 3), 0, 10, false);                 // acknowledged before flushes 2 and 3
            v.write(2L * bs, bytes(10, 4), 0, 10, false);
            long w1 = spy.lastWrite.get(b1);
            long w2 = spy.lastWrite.get(b2);
            Thread[] threads = new Thread[2];
            CountDownLatch started = new CountDownLatch(2);
            List<Future<long[]>> later = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int kk = k;
                later.add(pool.submit(() -> {
                    threads[kk] = Thread.currentThread();
                    started.countDown();
                    v.flush();
                    return new long[] {spy.durableBefore.getOrDefault(b1, -1L), spy.durableBefore.getOrDefault(b2, -1L)};
                }));
            }
            started.await();
            // Each later flush either returned (today: it took the remaining ids and synced them past the held
            // sync) or is parked waiting; only the second is allowed while flush 1's sync has not finished.
            for (int k = 0; k < 2; k++) {
                while (!later.get(k).isDone() && threads[k].getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
            }
            assertThat(later).as("no flush returns while an earlier flush's sync is still running")
                    .noneMatch(Future::isDone);
            assertThat(first.isDone()).isFalse();
            spy.syncRelease.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).as("flush 1 covers the write before it").isGreaterThan(w0);
            for (Future<long[]> f : later) {
                long[] durable = f.get(30, TimeUnit.SECONDS);
                assertThat(durable[0]).as("a later flush covers writes before it").isGreaterThan(w1);
                assertThat(durable[1]).isGreaterThan(w2);
            }
            assertThat(spy.syncCalls.get() - callsBefore).as("the two later flushes joined one group commit").isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The owned block's last write was synced before the first stored entry that names it. */
    static void assertSyncedBeforeItsEntry(InstrumentedStore spy, BlockHash owned, String what) {
        long put = spy.events.stream().filter(e -> e.kind().equals("putEntries") && e.ids().contains(owned))
                .mapToLong(InstrumentedStore.Event::seq).min().orElseThrow();
        assertThat(spy.durableBefore.getOrDefault(owned, -1L)).as(what)
                .isGreaterThan(spy.lastWrite.get(owned)).isLessThan(put);
    }

    @Test
    void aCopiedUpBlockIsDurableBeforeTheOverlayEntryThatNamesIt() throws Exception {
        image("img", 2 * bs);
        InstrumentedStore spy = new InstrumentedStore(store);
        VolumeService svc = new VolumeService(spy, "node-o", null);
        svc.create(ACCOUNT, prefix + "-o", null, prefix + "/img");
        try (svc; VolumeIo v = svc.openVolume(ACCOUNT, prefix + "-o", false)) {
            v.write(0, bytes(bs, 7), 0, bs, false);                 // a whole block over the parent's
            v.write(bs + 100, bytes(10, 8), 0, 10, false);          // a part of one (keeps the old bytes)
            assertThat(spy.events).as("a write without FUA waits for no sync and stores no entry: NBD promises "
                    + "nothing before a FLUSH").noneMatch(e -> e.kind().equals("sync") || e.kind().equals("putEntries"));
            assertThat(spy.volumes().entries(v.record().id(), 2)).as("the entries are in memory only").isEmpty();
            v.flush();
            for (long i = 0; i < 2; i++) {
                BlockHash owned = v.map().resolve(i).block();
                assertThat(OwnedIds.isOwned(owned)).isTrue();
                assertSyncedBeforeItsEntry(spy, owned, "block " + i
                        + ": its data was synced after its last write and before its entry was stored");
            }
        }
    }

    @Test
    void aFuaWriteThatCopiesUpStoresItsEntryAfterItsDataBeforeItReturns() throws Exception {
        byte[] img = image("img", 2 * bs);
        InstrumentedStore spy = new InstrumentedStore(store);
        VolumeService svc = new VolumeService(spy, "node-f", null);
        svc.create(ACCOUNT, prefix + "-f", null, prefix + "/img");
        try (svc; VolumeIo v = svc.openVolume(ACCOUNT, prefix + "-f", false)) {
            v.write(100, bytes(10, 8), 0, 10, true);
            BlockHash owned = v.map().resolve(0).block();
            assertSyncedBeforeItsEntry(spy, owned, "synced after its last write, before its entry");
            assertThat(store.volumes().entries(v.record().id(), 2)).as("stored when the write returned").containsKey(0L);
        }
        byte[] expected = Arrays.copyOf(img, bs);
        Arrays.fill(expected, 100, 110, (byte) 8);
        assertSameBytes(Arrays.copyOf(readAfresh(prefix + "-f"), bs), expected, "read afresh from the store");
    }

    @Test
    void entriesAWriterLeavesUnstoredStayBounded() throws Exception {
        InstrumentedStore spy = new InstrumentedStore(store);
        VolumeService svc = new VolumeService(spy, "node-b", null);
        int blocks = VolumeIo.MAX_UNSTORED + 8;
        svc.create(ACCOUNT, prefix + "-b", (long) blocks * bs, null);
        try (svc; VolumeIo v = svc.openVolume(ACCOUNT, prefix + "-b", false)) {
            for (int i = 0; i < blocks; i++) {
                v.write((long) i * bs + 10, bytes(100, 1), 0, 100, false); // a new owned block each: an entry each
            }
            assertThat(spy.volumes().entries(v.record().id(), blocks)).as("entries stored without a flush")
                    .hasSizeGreaterThanOrEqualTo(VolumeIo.MAX_UNSTORED);
        }
    }

    @Test
    void theRenewerStoresEntriesLeftUnstoredForALeaseTerm() throws Exception {
        VolumeLease.Timing shortLease = new VolumeLease.Timing(1_500, 500, 300);
        try (VolumeService svc = new VolumeService(store, "node-r", null, new MetricRegistry(), BlockCache.DEFAULT_BYTES,
                shortLease, System::currentTimeMillis)) {
            svc.create(ACCOUNT, prefix + "-r", 2L * bs, null);
            VolumeIo v = svc.openVolume(ACCOUNT, prefix + "-r", false);
            v.write(10, bytes(100, 1), 0, 100, false);
            String id = v.record().id();
            assertThat(store.volumes().entries(id, 2)).isEmpty();
            long deadline = System.currentTimeMillis() + 10_000;
            while (store.volumes().entries(id, 2).isEmpty()) {
                assertThat(System.currentTimeMillis()).as("stored by the renewer within a few lease terms").isLessThan(deadline);
                Thread.sleep(50);
            }
            v.close();
        }
    }

    @Test
    void aResizeRacingASnapshotNeverMovesTheEpochBack() throws Exception {
        InstrumentedStore spy = new InstrumentedStore(store);
        VolumeService svc = new VolumeService(spy, "node-r", null);
        svc.create(ACCOUNT, prefix + "-e", (long) 2 * bs, null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (svc; VolumeIo v = svc.openVolume(ACCOUNT, prefix + "-e", false)) {
            v.write(0, bytes(bs, 1), 0, bs, false);
            v.flush();
            // The resize's compare-and-set lands, then the resize is held before it tells the open volume.
            spy.updateDone = new CountDownLatch(1);
            spy.updateRelease = new CountDownLatch(1);
            spy.holdUpdate = r -> r.size() == 3L * bs;
            Future<?> resize = pool.submit(() -> svc.resize(ACCOUNT, prefix + "-e", 3L * bs));
            spy.updateDone.await();
            Future<ObjectVersion> snap = pool.submit(() -> svc.snapshot(ACCOUNT, prefix + "-e", prefix, "frozen"));
            while (!snap.isDone() && !v.recordLock.hasQueuedThreads()) {
                Thread.onSpinWait(); // the snapshot finished, or it waits for the record (the fix)
            }
            spy.updateRelease.countDown();
            resize.get(30, TimeUnit.SECONDS);
            snap.get(30, TimeUnit.SECONDS);
            VolumeRecord stored = svc.get(ACCOUNT, prefix + "-e");
            assertThat(v.record()).as("the open volume's record is the stored one").isEqualTo(stored);
            assertThat(stored.epoch()).isEqualTo(1);
            assertThat(stored.size()).isEqualTo(3L * bs);
            v.write(0, bytes(10, 9), 0, 10, false);                 // must copy up: block 0 is frozen in the snapshot
            v.flush();
        }
        assertThat(readObject("frozen")).as("the snapshot keeps what the volume held").isEqualTo(
                Arrays.copyOf(bytes(bs, 1), 2 * bs));
        new Hasher(store, 60_000).runOnce(); // its job done: a store shared by the tests keeps no work for others
    }

    @Test
    void largeObjectManifestsAreRefusedAsImagesAndCloneSources() {
        // What swift-compat stores for an SLO: an object whose content is the manifest JSON, marked in its metadata.
        byte[] json = "[{\"name\":\"/segs/1\",\"bytes\":65536}]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        store.blocks().putIfAbsent(BlockHasher.hash(json), json, 0, json.length);
        MapId id = new ContentMaps(store).save(new Hashmap(store.blockSize(), json.length, List.of(BlockHasher.hash(json))));
        store.metadata().putObject(new ObjectVersion(ACCOUNT, prefix, "slo", Timestamp.now(), id, "md5",
                "application/octet-stream", Map.of("x-static-large-object", "True")), PutCondition.NONE);
        image("dlo", 3 * bs, Map.of("x-object-manifest", prefix + "/segs/"));
        for (String name : List.of("slo", "dlo")) {
            assertThatThrownBy(() -> service.openObject(ACCOUNT, prefix, name)).isInstanceOf(VolumeException.class)
                    .hasMessageContaining("Large Object manifest")
                    .satisfies(e -> assertThat(((VolumeException) e).status()).isEqualTo(400));
            assertThatThrownBy(() -> service.open(ACCOUNT + "/" + prefix + "/" + name)).isInstanceOf(VolumeException.class)
                    .satisfies(e -> assertThat(((VolumeException) e).status()).isEqualTo(400));
            assertThatThrownBy(() -> service.create(ACCOUNT, prefix + "-" + name, null, prefix + "/" + name))
                    .isInstanceOf(VolumeException.class).hasMessageContaining("Large Object manifest")
                    .satisfies(e -> assertThat(((VolumeException) e).status()).isEqualTo(400));
        }
    }

    @Test
    void aPartialTrimOfAParentBlockCopiesNothingUp() throws Exception {
        byte[] img = image("img", 2 * bs);
        InstrumentedStore spy = new InstrumentedStore(store);
        VolumeService svc = new VolumeService(spy, "node-t", null);
        svc.create(ACCOUNT, prefix + "-t", null, prefix + "/img");
        try (svc; VolumeIo v = svc.openVolume(ACCOUNT, prefix + "-t", false)) {
            v.trim(100, bs - 200, false);
            v.trim(bs + 1, 10, true);
            v.flush();
            assertThat(spy.events).as("no owned block written, no entry stored").noneMatch(
                    e -> e.kind().equals("write") || e.kind().equals("putEntries"));
            assertThat(svc.info(ACCOUNT, prefix + "-t").usage().ownedBytes()).isZero();
            assertThat(readAll(v)).isEqualTo(img);
        }
    }

    @Test
    void clonesAndExportsOfOneImageShareOneBlockCache() throws Exception {
        byte[] img = image("img", 4 * bs);
        VolumeService small = new VolumeService(store, "node-s", null, new MetricRegistry(), 3L * (bs + 1024),
                VolumeLease.Timing.DEFAULT, System::currentTimeMillis);
        try (small) {
            List<VolumeIo> devices = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                small.create(ACCOUNT, prefix + "-s" + c, null, prefix + "/img");
                devices.add(small.openVolume(ACCOUNT, prefix + "-s" + c, false));
                devices.add(small.openObject(ACCOUNT, prefix, "img"));
            }
            for (VolumeIo d : devices) {
                assertThat(readAll(d)).isEqualTo(img);
                d.close();
            }
            assertThat(small.blockCacheBytes()).as("one cache, bounded in bytes").isLessThanOrEqualTo(3L * (bs + 1024));
        }
    }

    @Test
    void aPartialReadOfABlockCheckedBeforeIsCheckedAgainstItsPieceDigests() throws Exception {
        random.nextBytes(new byte[23]); // content of its own, repaired at the end
        byte[] img = image("img", 3 * bs);
        BlockHash first = BlockHasher.hash(img, 0, bs);
        MetricRegistry metrics = new MetricRegistry();
        VolumeService uncached = new VolumeService(store, "node-p", null, metrics, 0, VolumeLease.Timing.DEFAULT,
                System::currentTimeMillis); // every read misses the cache
        uncached.create(ACCOUNT, prefix + "-p", null, prefix + "/img");
        int piece = VerifiedBlocks.PIECE;
        try (uncached; VolumeIo v = uncached.openVolume(ACCOUNT, prefix + "-p", false)) {
            byte[] some = new byte[100];
            v.read(10, some, 0, 100);                                   // the first sight: checked whole
            assertThat(some).isEqualTo(Arrays.copyOfRange(img, 10, 110));
            store.blocks().delete(first);
            byte[] damaged = Arrays.copyOf(img, bs);
            damaged[2 * piece + 5] ^= 0x10;                             // piece 2 rots on disk
            store.blocks().putIfAbsent(first, damaged, 0, bs);
            v.read(piece + 7, some, 0, 100);                            // piece 1: still intact
            assertThat(some).isEqualTo(Arrays.copyOfRange(img, piece + 7, piece + 107));
            assertThatThrownBy(() -> v.read(2L * piece, some, 0, 100)).isInstanceOf(CorruptBlockException.class)
                    .hasMessageContaining("piece 2");
        } finally {
            store.blocks().delete(first);
            store.blocks().putIfAbsent(first, img, 0, bs);
        }
        assertThat(metrics.counter(VerifiedBlocks.CORRUPT_METRIC).getCount()).isEqualTo(1);
    }
}
