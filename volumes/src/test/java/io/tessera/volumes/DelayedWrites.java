package io.tessera.volumes;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.BlockStore;
import io.tessera.store.GcStore;
import io.tessera.store.MapStore;
import io.tessera.store.MetadataStore;
import io.tessera.store.OwnedBlockStore;
import io.tessera.store.Store;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store as one server sees it whose overlay and owned-block writes can be held in flight: after
 * {@code ownedWrites().next(n)} (or {@code entryWrites().next(n)}) the next n such writes of its fenced
 * writers wait, as if they had left the server but not yet reached the store, until {@link #release}.
 * {@link #failRenewals} cuts its lease renewals off; {@code leaseReads()} holds reads of lease rows the
 * same way (a lease take reads the row first). Everything else goes straight to the real store.
 */
final class DelayedWrites implements Store {
    private final Store real;
    private final Hold owned = new Hold();
    private final Hold entries = new Hold();
    private final Hold leaseReads = new Hold();

    DelayedWrites(Store real) {
        this.real = real;
    }

    /** Writes of one kind to hold: the next {@code n} are kept in flight until {@link #release}. */
    static final class Hold {
        private final AtomicInteger remaining = new AtomicInteger();
        private volatile CountDownLatch entered = new CountDownLatch(0);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void next(int n) {
            entered = new CountDownLatch(n);
            gate = new CountDownLatch(1);
            remaining.set(n);
        }

        /** Waits until the held writes are all in flight. */
        void awaitHeld() throws InterruptedException {
            if (!entered.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the writes to hold never came");
            }
        }

        void release() {
            gate.countDown();
        }

        void pass() {
            if (remaining.getAndUpdate(r -> Math.max(0, r - 1)) <= 0) {
                return;
            }
            CountDownLatch g = gate;
            entered.countDown();
            try {
                g.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Owned-block writes. */
    Hold ownedWrites() {
        return owned;
    }

    /** Overlay (map entry) writes. */
    Hold entryWrites() {
        return entries;
    }

    /** Reads of a lease row (the first step of every lease take). */
    Hold leaseReads() {
        return leaseReads;
    }

    void release() {
        owned.release();
        entries.release();
        leaseReads.release();
    }

    private volatile boolean renewalsFail;

    /** From now on every lease renewal fails, as for a server cut off from the store. */
    void failRenewals() {
        renewalsFail = true;
    }

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
        VolumeStore v = real.volumes();
        return new VolumeStore() {
            @Override
            public boolean create(VolumeRecord volume) {
                return v.create(volume);
            }

            @Override
            public Optional<VolumeRecord> get(String account, String name) {
                return v.get(account, name);
            }

            @Override
            public boolean update(VolumeRecord next, long expectedVersion) {
                return v.update(next, expectedVersion);
            }

            @Override
            public List<VolumeRecord> list(String account, String startAfter, int limit) {
                return v.list(account, startAfter, limit);
            }

            @Override
            public boolean delete(String account, String name, long expectedVersion) {
                return v.delete(account, name, expectedVersion);
            }

            @Override
            public Map<Long, Entry> entries(String volumeId, long blocks) {
                return v.entries(volumeId, blocks);
            }

            @Override
            public Optional<Lease> lease(String volumeId) {
                leaseReads.pass();
                return v.lease(volumeId);
            }

            @Override
            public boolean casLease(String volumeId, Lease expected, Lease next) {
                if (renewalsFail && expected != null && expected.generation() == next.generation()) {
                    throw new StoreUnavailableException("renewal cut off by the test");
                }
                return v.casLease(volumeId, expected, next);
            }

            @Override
            public Optional<Attachment> attachment(String export) {
                return v.attachment(export);
            }

            @Override
            public boolean casAttachment(String export, Attachment expected, Attachment next) {
                return v.casAttachment(export, expected, next);
            }

            @Override
            public VolumeWriter writer(String volumeId, long generation) {
                VolumeWriter w = v.writer(volumeId, generation);
                return new VolumeWriter() {
                    @Override
                    public String volumeId() {
                        return w.volumeId();
                    }

                    @Override
                    public long generation() {
                        return w.generation();
                    }

                    @Override
                    public void putEntries(Map<Long, Entry> entries) {
                        DelayedWrites.this.entries.pass();
                        w.putEntries(entries);
                    }

                    @Override
                    public void deleteOverlay(long blocks) {
                        w.deleteOverlay(blocks);
                    }

                    @Override
                    public void write(BlockHash id, int offset, byte[] src, int srcOff, int len) {
                        owned.pass();
                        w.write(id, offset, src, srcOff, len);
                    }

                    @Override
                    public void sync(Collection<BlockHash> ids) {
                        w.sync(ids);
                    }
                };
            }

            @Override
            public void addHashJob(HashJob job) {
                v.addHashJob(job);
            }

            @Override
            public List<HashJob> hashJobs(String afterId, int limit) {
                return v.hashJobs(afterId, limit);
            }

            @Override
            public void forEachVolume(int pageSize, java.util.function.Consumer<VolumeRecord> visitor) {
                v.forEachVolume(pageSize, visitor);
            }

            @Override
            public void removeHashJob(String id) {
                v.removeHashJob(id);
            }
        };
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
        // the real store belongs to the test
    }
}
