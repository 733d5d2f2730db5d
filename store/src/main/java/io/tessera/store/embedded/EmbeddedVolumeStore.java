package io.tessera.store.embedded;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.MapId;
import io.tessera.store.Timestamp;
import io.tessera.store.VolumeStore;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import io.tessera.store.FencedException;
import io.tessera.store.VolumeWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Volumes on RocksDB. Compare-and-set is a check and a write under one lock: a RocksDB folder is
 * opened by one process only, so this is exactly as strong as a Cassandra LWT, no more (every CAS
 * touches one row). Overlay entries are rows {@code volumeId 0x00 index(8)}, i.e. a page is a key
 * range, and a whole overlay is one range delete.
 *
 * <p>Fencing (invariant 5): one process opens the folder, so the current lease generation of every
 * volume written since the store was opened is kept in memory ({@link Fence}), next to a read-write
 * lock. Every fenced write checks the generation and writes under the read side; a lease take that
 * changes the generation holds the write side while it stores the new lease row. So a write either
 * lands before the take or is refused, never after it: exact, with no clock involved.
 */
final class EmbeddedVolumeStore implements VolumeStore {
    private final EmbeddedDb db;
    private final EmbeddedOwnedBlockStore owned;
    private final Object casLock = new Object();
    private final Map<String, Fence> fences = new ConcurrentHashMap<>();

    EmbeddedVolumeStore(EmbeddedDb db, EmbeddedOwnedBlockStore owned) {
        this.db = db;
        this.owned = owned;
    }

    /** A volume's current lease generation, as the lease row says; guarded by {@code lock}. */
    private static final class Fence {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        long generation;

        Fence(long generation) {
            this.generation = generation;
        }
    }

    /** The volume's fence, loaded from its lease row the first time (under casLock, so no take races the load). */
    private Fence fence(String volumeId) {
        Fence f = fences.get(volumeId);
        if (f != null) {
            return f;
        }
        synchronized (casLock) {
            return fences.computeIfAbsent(volumeId, id -> new Fence(lease(id).map(Lease::generation).orElse(0L)));
        }
    }

    // ---- records ----

    private static byte[] recordKey(String account, String name) {
        return Keys.concat(Keys.objectsOf(account, ""), Keys.utf8(name));
    }

    @Override
    public boolean create(VolumeRecord volume) {
        synchronized (casLock) {
            byte[] key = recordKey(volume.account(), volume.name());
            if (db.get(Cf.VOLUMES, key) != null) {
                return false;
            }
            db.put(Cf.VOLUMES, key, encode(volume));
            return true;
        }
    }

    @Override
    public Optional<VolumeRecord> get(String account, String name) {
        byte[] v = db.get(Cf.VOLUMES, recordKey(account, name));
        return v == null ? Optional.empty() : Optional.of(decode(v));
    }

    @Override
    public boolean update(VolumeRecord next, long expectedVersion) {
        synchronized (casLock) {
            Optional<VolumeRecord> current = get(next.account(), next.name());
            if (current.isEmpty() || current.get().version() != expectedVersion || !current.get().id().equals(next.id())) {
                return false;
            }
            db.put(Cf.VOLUMES, recordKey(next.account(), next.name()), encode(next));
            return true;
        }
    }

    @Override
    public List<VolumeRecord> list(String account, String startAfter, int limit) {
        byte[] base = recordKey(account, "");
        byte[] from = startAfter == null ? base : Keys.concat(base, Keys.utf8(startAfter), new byte[] {0});
        List<VolumeRecord> out = new ArrayList<>();
        db.scan(Cf.VOLUMES, from, Keys.successorOfPrefix(base), false, limit, (k, v) -> out.add(decode(v)));
        return out;
    }

    @Override
    public void forEachVolume(int pageSize, java.util.function.Consumer<VolumeRecord> visitor) {
        byte[] from = new byte[0];
        while (true) {
            List<byte[]> keys = new ArrayList<>();
            List<VolumeRecord> page = new ArrayList<>();
            db.scan(Cf.VOLUMES, from, null, false, pageSize, (k, v) -> keys.add(k) && page.add(decode(v)));
            page.forEach(visitor); // outside the scan: the visitor reads overlays
            if (page.size() < pageSize) {
                return;
            }
            from = Keys.concat(keys.get(keys.size() - 1), new byte[] {0});
        }
    }

    @Override
    public boolean delete(String account, String name, long expectedVersion) {
        synchronized (casLock) {
            Optional<VolumeRecord> current = get(account, name);
            if (current.isEmpty() || current.get().version() != expectedVersion) {
                return false;
            }
            try (EmbeddedDb.Batch b = db.batch()) {
                b.delete(Cf.VOLUMES, recordKey(account, name)).write();
            }
            return true;
        }
    }

    // ---- overlay ----

    private static byte[] overlayPrefix(String volumeId) {
        return Keys.concat(Keys.utf8(volumeId), new byte[] {0});
    }

    private static byte[] entryKey(String volumeId, long index) {
        return Keys.concat(overlayPrefix(volumeId), ByteBuffer.allocate(8).putLong(index).array());
    }

    private void putEntries(String volumeId, Map<Long, Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (EmbeddedDb.Batch b = db.batch()) {
            for (Map.Entry<Long, Entry> e : entries.entrySet()) {
                byte[] v = ByteBuffer.allocate(BlockHash.LENGTH + 8).put(e.getValue().block().toBytes())
                        .putLong(e.getValue().epoch()).array();
                b.put(Cf.OVERLAY, entryKey(volumeId, e.getKey()), v);
            }
            b.write();
        }
    }

    @Override
    public Map<Long, Entry> entries(String volumeId, long blocks) {
        Map<Long, Entry> out = new TreeMap<>();
        byte[] prefix = overlayPrefix(volumeId);
        db.scan(Cf.OVERLAY, entryKey(volumeId, 0), entryKey(volumeId, blocks), false, Integer.MAX_VALUE, (k, v) -> {
            long index = ByteBuffer.wrap(k, prefix.length, 8).getLong();
            out.put(index, new Entry(BlockHash.of(v, 0), ByteBuffer.wrap(v, BlockHash.LENGTH, 8).getLong()));
            return true;
        });
        return out;
    }

    private void deleteOverlay(String volumeId, long blocks) {
        try (EmbeddedDb.Batch b = db.batch()) {
            b.deleteRange(Cf.OVERLAY, entryKey(volumeId, 0), entryKey(volumeId, blocks)).write();
        }
    }

    // ---- leases ----

    @Override
    public Optional<Lease> lease(String volumeId) {
        byte[] v = db.get(Cf.LEASES, Keys.utf8(volumeId));
        if (v == null) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        long expires = b.getLong();
        long generation = b.getLong();
        String holder = new String(v, 16, v.length - 16, StandardCharsets.UTF_8);
        return Optional.of(new Lease(holder, expires, generation));
    }

    @Override
    public boolean casLease(String volumeId, Lease expected, Lease next) {
        synchronized (casLock) {
            Optional<Lease> current = lease(volumeId);
            if (!current.equals(Optional.ofNullable(expected))) {
                return false;
            }
            byte[] holder = Keys.utf8(next.holder());
            byte[] row = ByteBuffer.allocate(16 + holder.length).putLong(next.expiresAtMillis())
                    .putLong(next.generation()).put(holder).array();
            Fence f = fences.get(volumeId);
            if (f == null || current.map(Lease::generation).orElse(0L) == next.generation()) {
                db.put(Cf.LEASES, Keys.utf8(volumeId), row); // a renewal or release, or no writer in this process yet
                return true;
            }
            // A new generation: wait for the writes in flight under the old one, then fence them.
            f.lock.writeLock().lock();
            try {
                db.put(Cf.LEASES, Keys.utf8(volumeId), row);
                f.generation = next.generation();
            } finally {
                f.lock.writeLock().unlock();
            }
            return true;
        }
    }

    @Override
    public VolumeWriter writer(String volumeId, long generation) {
        Writer w = new Writer(volumeId, generation, fence(volumeId));
        w.under(() -> { });
        return w;
    }

    /** A fenced writer: each call checks the generation and writes under the fence's read lock. */
    private final class Writer implements VolumeWriter {
        private final String volumeId;
        private final long generation;
        private final Fence fence;

        Writer(String volumeId, long generation, Fence fence) {
            this.volumeId = volumeId;
            this.generation = generation;
            this.fence = fence;
        }

        @Override
        public String volumeId() {
            return volumeId;
        }

        @Override
        public long generation() {
            return generation;
        }

        void under(Runnable write) {
            fence.lock.readLock().lock();
            try {
                if (fence.generation != generation) {
                    throw new FencedException("volume " + volumeId + ": lease generation " + generation
                            + " was superseded by " + fence.generation + " (another holder took the lease)");
                }
                write.run();
            } finally {
                fence.lock.readLock().unlock();
            }
        }

        @Override
        public void putEntries(Map<Long, Entry> entries) {
            under(() -> EmbeddedVolumeStore.this.putEntries(volumeId, entries));
        }

        @Override
        public void deleteOverlay(long blocks) {
            under(() -> EmbeddedVolumeStore.this.deleteOverlay(volumeId, blocks));
        }

        @Override
        public void write(BlockHash id, int offset, byte[] src, int srcOff, int len) {
            under(() -> owned.write(id, offset, src, srcOff, len));
        }

        @Override
        public void sync(Collection<BlockHash> ids) {
            // Outside the lock (an fsync may take a while and changes nothing); refused afterwards if fenced
            // meanwhile, so a FLUSH of a fenced holder is never answered with success.
            under(() -> { });
            owned.sync(ids);
            under(() -> { });
        }
    }

    // ---- attachments ----

    @Override
    public Optional<Attachment> attachment(String export) {
        byte[] v = db.get(Cf.ATTACHMENTS, Keys.utf8(export));
        if (v == null) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(v))) {
            String client = in.readUTF();
            String target = in.readUTF();
            return Optional.of(new Attachment(client, target.isEmpty() ? null : target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean casAttachment(String export, Attachment expected, Attachment next) {
        synchronized (casLock) {
            if (!attachment(export).equals(Optional.ofNullable(expected))) {
                return false;
            }
            if (next == null) {
                try (EmbeddedDb.Batch b = db.batch()) {
                    b.delete(Cf.ATTACHMENTS, Keys.utf8(export)).write();
                }
                return true;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(next.client());
                out.writeUTF(next.migrationTarget() == null ? "" : next.migrationTarget());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            db.put(Cf.ATTACHMENTS, Keys.utf8(export), bytes.toByteArray());
            return true;
        }
    }

    // ---- hash jobs ----

    @Override
    public void addHashJob(HashJob job) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(job.account());
            out.writeUTF(job.container());
            out.writeUTF(job.object());
            out.writeUTF(job.map().key());
            out.writeLong(job.published().micros());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        db.put(Cf.HASH_JOBS, Keys.utf8(job.id()), bytes.toByteArray());
    }

    @Override
    public List<HashJob> hashJobs(String afterId, int limit) {
        List<HashJob> out = new ArrayList<>();
        byte[] from = afterId == null ? new byte[0] : Keys.concat(Keys.utf8(afterId), new byte[] {0});
        db.scan(Cf.HASH_JOBS, from, null, false, limit, (k, v) -> {
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(v))) {
                out.add(new HashJob(new String(k, StandardCharsets.UTF_8), in.readUTF(), in.readUTF(), in.readUTF(),
                        MapId.parse(in.readUTF()), new Timestamp(in.readLong())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        });
        return out;
    }

    @Override
    public void removeHashJob(String id) {
        try (EmbeddedDb.Batch b = db.batch()) {
            b.delete(Cf.HASH_JOBS, Keys.utf8(id)).write();
        }
    }

    // ---- codec ----

    private static byte[] encode(VolumeRecord v) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(v.account());
            out.writeUTF(v.name());
            out.writeUTF(v.id());
            out.writeLong(v.size());
            out.writeInt(v.blockSize());
            out.writeUTF(v.parentMap() == null ? "" : v.parentMap().key());
            out.writeUTF(v.parentSource() == null ? "" : v.parentSource());
            out.writeLong(v.epoch());
            out.writeLong(v.version());
            out.writeLong(v.created().micros());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static VolumeRecord decode(byte[] b) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b))) {
            in.readByte();
            String account = in.readUTF();
            String name = in.readUTF();
            String id = in.readUTF();
            long size = in.readLong();
            int blockSize = in.readInt();
            String parent = in.readUTF();
            String source = in.readUTF();
            long epoch = in.readLong();
            long version = in.readLong();
            long created = in.readLong();
            return new VolumeRecord(account, name, id, size, blockSize, parent.isEmpty() ? null : MapId.parse(parent),
                    source.isEmpty() ? null : source, epoch, version, new Timestamp(created));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
