package io.tessera.volumes;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.BlockStore;
import io.tessera.store.GcStore;
import io.tessera.store.MapStore;
import io.tessera.store.MetadataStore;
import io.tessera.store.OwnedBlockStore;
import io.tessera.store.Store;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A store that records what the volume layer asks of it, in order, and can hold a call on a latch:
 * owned-block writes and syncs (with a global sequence number, so a test can tell whether a write was
 * covered by a sync that started after it), overlay puts and record updates. Everything else passes
 * through to the real backend.
 */
final class InstrumentedStore implements Store {
    /** One call, in the order calls started: {@code kind} is write, sync, putEntries or update. */
    record Event(long seq, String kind, Collection<BlockHash> ids) {
    }

    private final Store real;
    final AtomicLong seq = new AtomicLong();
    final List<Event> events = new CopyOnWriteArrayList<>();
    /** For each owned id: the sequence number before which every write to it is durable. */
    final Map<BlockHash, Long> durableBefore = new ConcurrentHashMap<>();
    /** For each owned id: the sequence number of its last completed write. */
    final Map<BlockHash, Long> lastWrite = new ConcurrentHashMap<>();
    final AtomicLong syncCalls = new AtomicLong();

    /** When set, the next sync call counts {@code syncEntered} down and waits for {@code syncRelease}. */
    volatile CountDownLatch syncEntered;
    volatile CountDownLatch syncRelease;
    /** When set, the next successful record update it matches counts {@code updateDone} down and waits for {@code updateRelease}. */
    volatile Predicate<VolumeStore.VolumeRecord> holdUpdate;
    volatile CountDownLatch updateDone;
    volatile CountDownLatch updateRelease;

    InstrumentedStore(Store real) {
        this.real = real;
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The volume layer's only way to write owned blocks and overlay entries, recorded and holdable. */
    private final class RecordingWriter implements VolumeWriter {
        private final VolumeWriter w;

        RecordingWriter(VolumeWriter w) {
            this.w = w;
        }

        @Override
        public String volumeId() {
            return w.volumeId();
        }

        @Override
        public long generation() {
            return w.generation();
        }

        @Override
        public void putEntries(Map<Long, VolumeStore.Entry> entries) {
            events.add(new Event(seq.incrementAndGet(), "putEntries",
                    entries.values().stream().map(VolumeStore.Entry::block).toList()));
            w.putEntries(entries);
        }

        @Override
        public void deleteOverlay(long blocks) {
            w.deleteOverlay(blocks);
        }

        @Override
        public void write(BlockHash id, int offset, byte[] src, int srcOff, int len) {
            events.add(new Event(seq.incrementAndGet(), "write", List.of(id)));
            w.write(id, offset, src, srcOff, len);
            lastWrite.put(id, seq.incrementAndGet());
        }

        @Override
        public void sync(Collection<BlockHash> ids) {
            long start = seq.incrementAndGet();
            events.add(new Event(start, "sync", List.copyOf(ids)));
            syncCalls.incrementAndGet();
            CountDownLatch entered = syncEntered;
            if (entered != null) {
                syncEntered = null;
                entered.countDown();
                await(syncRelease);
            }
            w.sync(ids);
            for (BlockHash id : ids) {
                durableBefore.merge(id, start, Math::max);
            }
        }
    }

    private final VolumeStore volumes = new VolumeStore() {
        @Override
        public boolean create(VolumeRecord volume) {
            return real.volumes().create(volume);
        }

        @Override
        public Optional<VolumeRecord> get(String account, String name) {
            return real.volumes().get(account, name);
        }

        @Override
        public boolean update(VolumeRecord next, long expectedVersion) {
            events.add(new Event(seq.incrementAndGet(), "update", List.of()));
            boolean done = real.volumes().update(next, expectedVersion);
            Predicate<VolumeRecord> hold = holdUpdate;
            if (done && hold != null && hold.test(next)) {
                holdUpdate = null;
                updateDone.countDown();
                await(updateRelease);
            }
            return done;
        }

        @Override
        public List<VolumeRecord> list(String account, String startAfter, int limit) {
            return real.volumes().list(account, startAfter, limit);
        }

        @Override
        public boolean delete(String account, String name, long expectedVersion) {
            return real.volumes().delete(account, name, expectedVersion);
        }

        @Override
        public Map<Long, Entry> entries(String volumeId, long blocks) {
            return real.volumes().entries(volumeId, blocks);
        }

        @Override
        public VolumeWriter writer(String volumeId, long generation) {
            return new RecordingWriter(real.volumes().writer(volumeId, generation));
        }

        @Override
        public Optional<Lease> lease(String volumeId) {
            return real.volumes().lease(volumeId);
        }

        @Override
        public Optional<Attachment> attachment(String export) {
            return real.volumes().attachment(export);
        }

        @Override
        public boolean casAttachment(String export, Attachment expected, Attachment next) {
            return real.volumes().casAttachment(export, expected, next);
        }

        @Override
        public boolean casLease(String volumeId, Lease expected, Lease next) {
            return real.volumes().casLease(volumeId, expected, next);
        }

        @Override
        public void addHashJob(HashJob job) {
            real.volumes().addHashJob(job);
        }

        @Override
        public List<HashJob> hashJobs(String afterId, int limit) {
            return real.volumes().hashJobs(afterId, limit);
        }

        @Override
        public void forEachVolume(int pageSize, java.util.function.Consumer<VolumeRecord> visitor) {
            real.volumes().forEachVolume(pageSize, visitor);
        }

        @Override
        public void removeHashJob(String id) {
            real.volumes().removeHashJob(id);
        }
    };

    @Override
    public BlockStore blocks() {
        return real.blocks();
    }

    @Override
    public MapStore maps() {
        return real.maps();
    }

    @Override
    public MetadataStore metadata() {
        return real.metadata();
    }

    @Override
    public OwnedBlockStore owned() {
        return real.owned();
    }

    @Override
    public VolumeStore volumes() {
        return volumes;
    }

    @Override
    public GcStore gc() {
        return real.gc();
    }

    @Override
    public BlockSize blockSize() {
        return real.blockSize();
    }

    @Override
    public void checkReachable() {
        real.checkReachable();
    }

    @Override
    public void close() {
        // the real store belongs to the test class
    }
}
