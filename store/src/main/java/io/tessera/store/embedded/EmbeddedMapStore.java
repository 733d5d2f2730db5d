package io.tessera.store.embedded;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.MapStore;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hashmaps in pages of at most {@link #HASHES_PER_PAGE} hashes (128 KiB), the same bounded layout
 * a cluster needs (invariant 4), so a 1 TiB volume map is many modest rows, not one huge value.
 *
 * <p>Rows: the pages at {@code root|length|page}, then a head row at {@code root|length} holding
 * the block count. The head is written last and is what makes the map exist: a crash mid-put leaves
 * orphan pages (rewritten by the next put of the same map), never a map with missing pages.
 */
final class EmbeddedMapStore implements MapStore {
    static final int HASHES_PER_PAGE = 4096;
    /** Pages per write batch: bounds a batch to 2 MiB whatever the map's size. */
    private static final int PAGES_PER_BATCH = 16;

    private final EmbeddedDb db;
    private final BlockSize blockSize;
    private final Striped<ReentrantLock> locks = new Striped<>(256, ReentrantLock::new);

    EmbeddedMapStore(EmbeddedDb db, BlockSize blockSize) {
        this.db = db;
        this.blockSize = blockSize;
    }

    @Override
    public MapId put(Hashmap map) {
        if (!map.blockSize().equals(blockSize)) {
            throw new IllegalArgumentException("a map in blocks of " + map.blockSize().bytes()
                    + " bytes cannot be stored in a store of " + blockSize.bytes() + "-byte blocks");
        }
        MapId id = MapId.of(map);
        byte[] head = Keys.mapHead(id);
        ReentrantLock lock = locks.get(head);
        lock.lock();
        try {
            return putLocked(map, id, head);
        } finally {
            lock.unlock();
        }
    }

    /** Under the map's lock, so a conditional delete by the collector cannot interleave. */
    private MapId putLocked(Hashmap map, MapId id, byte[] head) {
        byte[] existing = db.get(Cf.MAPS, head);
        if (existing != null) {
            if (condemnedAt(existing) != 0) {
                // Stored again by its address: no longer garbage (see GcStore).
                db.put(Cf.MAPS, head, headRow(count(existing), writtenAt(existing), 0));
            }
            return id; // maps are content: an existing id holds exactly this map
        }
        List<BlockHash> hashes = map.hashes();
        int pages = pageCount(hashes.size());
        for (int first = 0; first < pages; first += PAGES_PER_BATCH) {
            try (EmbeddedDb.Batch batch = db.batch()) {
                for (int page = first; page < Math.min(pages, first + PAGES_PER_BATCH); page++) {
                    batch.put(Cf.MAPS, Keys.mapPage(head, page), page(hashes, page));
                }
                batch.write();
            }
        }
        db.put(Cf.MAPS, head, headRow(hashes.size(), System.currentTimeMillis(), 0));
        return id;
    }

    @Override
    public Optional<Hashmap> get(MapId id) {
        byte[] head = Keys.mapHead(id);
        byte[] headRow = db.get(Cf.MAPS, head);
        if (headRow == null) {
            return Optional.empty();
        }
        long count = count(headRow);
        if (count != blockSize.blockCount(id.length())) {
            throw new StoreCorruptionException("map " + id.key() + ": head row does not match a map of "
                    + id.length() + " bytes in " + blockSize.bytes() + "-byte blocks");
        }
        int pages = pageCount(count);
        List<BlockHash> hashes = new ArrayList<>((int) count);
        int[] expectedPage = {0};
        db.scan(Cf.MAPS, Keys.mapPage(head, 0), Keys.mapPage(head, pages), false, pages, (key, value) -> {
            int page = ByteBuffer.wrap(key, head.length, 4).getInt();
            if (page != expectedPage[0]++ || value.length % BlockHash.LENGTH != 0) {
                throw new StoreCorruptionException("map " + id.key() + ": page " + (expectedPage[0] - 1) + " is missing or torn");
            }
            for (int off = 0; off < value.length; off += BlockHash.LENGTH) {
                hashes.add(BlockHash.of(value, off));
            }
            return true;
        });
        if (hashes.size() != count) {
            throw new StoreCorruptionException("map " + id.key() + " has " + hashes.size() + " hashes stored, not " + count);
        }
        return Optional.of(new Hashmap(blockSize, id.length(), hashes));
    }

    /** Head and pages go in one batch (a range delete covers every page). */
    @Override
    public void delete(MapId id) {
        deleteIf(id, row -> true);
    }

    boolean deleteIf(MapId id, java.util.function.Predicate<byte[]> condition) {
        byte[] head = Keys.mapHead(id);
        ReentrantLock lock = locks.get(head);
        lock.lock();
        try {
            byte[] row = db.get(Cf.MAPS, head);
            if (row != null && !condition.test(row)) {
                return false;
            }
            try (EmbeddedDb.Batch batch = db.batch()) {
                batch.deleteRange(Cf.MAPS, head, Keys.successorOfPrefix(head)).write();
            }
            return row != null;
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the head row under the map's lock if {@code change} returns a new one (null: leave it). */
    boolean updateHead(MapId id, java.util.function.UnaryOperator<byte[]> change) {
        byte[] head = Keys.mapHead(id);
        ReentrantLock lock = locks.get(head);
        lock.lock();
        try {
            byte[] row = db.get(Cf.MAPS, head);
            byte[] next = row == null ? null : change.apply(row);
            if (next == null) {
                return false;
            }
            db.put(Cf.MAPS, head, next);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Head row: hash count (8), written at (8, ms), condemned at (8, ms; 0: not). Older stores wrote the count only. */
    static byte[] headRow(long count, long writtenMillis, long condemnedMillis) {
        return ByteBuffer.allocate(24).putLong(count).putLong(writtenMillis).putLong(condemnedMillis).array();
    }

    static long count(byte[] head) {
        return head.length == 8 || head.length == 24 ? ByteBuffer.wrap(head).getLong() : -1;
    }

    static long writtenAt(byte[] head) {
        return head.length == 24 ? ByteBuffer.wrap(head, 8, 8).getLong() : 0;
    }

    static long condemnedAt(byte[] head) {
        return head.length == 24 ? ByteBuffer.wrap(head, 16, 8).getLong() : 0;
    }

    private static int pageCount(long hashes) {
        return Math.toIntExact((hashes + HASHES_PER_PAGE - 1) / HASHES_PER_PAGE);
    }

    private static byte[] page(List<BlockHash> hashes, int page) {
        int from = page * HASHES_PER_PAGE;
        int to = Math.min(hashes.size(), from + HASHES_PER_PAGE);
        byte[] value = new byte[(to - from) * BlockHash.LENGTH];
        for (int i = from; i < to; i++) {
            hashes.get(i).copyTo(value, (i - from) * BlockHash.LENGTH);
        }
        return value;
    }
}
