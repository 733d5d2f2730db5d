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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Volumes on RocksDB. Compare-and-set is a check and a write under one lock: a RocksDB folder is
 * opened by one process only, so this is exactly as strong as a Cassandra LWT, no more (every CAS
 * touches one row). Overlay entries are rows {@code volumeId 0x00 index(8)}, i.e. a page is a key
 * range, and a whole overlay is one range delete.
 */
final class EmbeddedVolumeStore implements VolumeStore {
    private final EmbeddedDb db;
    private final Object casLock = new Object();

    EmbeddedVolumeStore(EmbeddedDb db) {
        this.db = db;
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

    @Override
    public void putEntries(String volumeId, Map<Long, Entry> entries) {
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

    @Override
    public void deleteOverlay(String volumeId, long blocks) {
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
            db.put(Cf.LEASES, Keys.utf8(volumeId), ByteBuffer.allocate(16 + holder.length)
                    .putLong(next.expiresAtMillis()).putLong(next.generation()).put(holder).array());
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
