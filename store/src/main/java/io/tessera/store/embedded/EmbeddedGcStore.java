package io.tessera.store.embedded;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.GcStore;
import io.tessera.store.MapId;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link GcStore} over RocksDB. Scans walk the column families in key order; the condemned mark lives
 * in the block index row and the map head row, changed under the same lock stripes the data path uses,
 * which is what makes "revive" and "delete if still condemned" exclusive.
 */
final class EmbeddedGcStore implements GcStore {
    /** A map head key: Merkle root (32 bytes) and length (8); its pages are 4 bytes longer. */
    private static final int MAP_HEAD_KEY = BlockHash.LENGTH + 8;

    private final EmbeddedDb db;
    private final EmbeddedBlockStore blocks;
    private final EmbeddedMapStore maps;
    private final EmbeddedOwnedBlockStore owned;

    EmbeddedGcStore(EmbeddedDb db, EmbeddedBlockStore blocks, EmbeddedMapStore maps, EmbeddedOwnedBlockStore owned) {
        this.db = db;
        this.blocks = blocks;
        this.maps = maps;
        this.owned = owned;
    }

    @Override
    public List<String> accounts(String after, int limit) {
        List<String> out = new ArrayList<>();
        byte[] from = after == null ? new byte[0] : Keys.concat(Keys.account(after), new byte[] {0});
        db.scan(Cf.ACCOUNTS, from, null, false, limit, (k, v) -> {
            int len = ByteBuffer.wrap(k, 0, 2).getShort() & 0xFFFF;
            if (k.length == 2 + len) {
                out.add(new String(k, 2, len, StandardCharsets.UTF_8));
            }
            return true;
        });
        return out;
    }

    @Override
    public List<BlockEntry> blocks(BlockHash after, int limit) {
        List<BlockEntry> out = new ArrayList<>();
        byte[] from = after == null ? new byte[0] : Keys.concat(Keys.block(after), new byte[] {0});
        db.scan(Cf.BLOCKS, from, null, false, limit, (k, v) -> out.add(EmbeddedBlockStore.entry(BlockHash.of(k), v)));
        return out;
    }

    @Override
    public List<MapEntry> maps(MapId after, int limit) {
        List<MapEntry> out = new ArrayList<>();
        // After a head come its pages (longer keys); the successor of the head's prefix skips them.
        byte[] from = after == null ? new byte[0] : Keys.successorOfPrefix(Keys.mapHead(after));
        while (out.size() < limit && from != null) {
            byte[][] next = {null};
            db.scan(Cf.MAPS, from, null, false, 1, (k, v) -> {
                if (k.length == MAP_HEAD_KEY) {
                    ByteBuffer b = ByteBuffer.wrap(k);
                    MapId id = new MapId(BlockHash.of(k, 0), b.getLong(BlockHash.LENGTH));
                    out.add(new MapEntry(id, EmbeddedMapStore.writtenAt(v), EmbeddedMapStore.condemnedAt(v)));
                }
                // Orphan pages of a crashed put have no head: skip past their head key.
                next[0] = Keys.successorOfPrefix(java.util.Arrays.copyOf(k, MAP_HEAD_KEY));
                return true;
            });
            if (next[0] == null) {
                break;
            }
            from = next[0];
        }
        return out;
    }

    @Override
    public List<OwnedEntry> owned(BlockHash after, int limit) {
        return owned.list(after, limit);
    }

    @Override
    public Optional<BlockEntry> block(BlockHash hash) {
        byte[] row = db.get(Cf.BLOCKS, Keys.block(hash));
        return row == null ? Optional.empty() : Optional.of(EmbeddedBlockStore.entry(hash, row));
    }

    @Override
    public boolean condemnBlock(BlockHash hash, long atMillis) {
        return blocks.updateIndex(hash, row -> EmbeddedBlockStore.condemnedAt(row) == 0
                ? EmbeddedBlockStore.withCondemned(row, atMillis) : null);
    }

    @Override
    public boolean reviveBlock(BlockHash hash, long condemnedMillis) {
        return blocks.updateIndex(hash, row -> EmbeddedBlockStore.condemnedAt(row) == condemnedMillis
                ? EmbeddedBlockStore.withCondemned(row, 0) : null);
    }

    @Override
    public boolean deleteBlockIfCondemned(BlockHash hash, long condemnedMillis) {
        return condemnedMillis != 0
                && blocks.deleteIf(hash, row -> EmbeddedBlockStore.condemnedAt(row) == condemnedMillis);
    }

    @Override
    public boolean condemnMap(MapId id, long atMillis) {
        return maps.updateHead(id, head -> EmbeddedMapStore.condemnedAt(head) == 0
                ? EmbeddedMapStore.headRow(EmbeddedMapStore.count(head), EmbeddedMapStore.writtenAt(head), atMillis) : null);
    }

    @Override
    public boolean reviveMap(MapId id, long condemnedMillis) {
        return maps.updateHead(id, head -> EmbeddedMapStore.condemnedAt(head) == condemnedMillis
                ? EmbeddedMapStore.headRow(EmbeddedMapStore.count(head), EmbeddedMapStore.writtenAt(head), 0) : null);
    }

    @Override
    public boolean deleteMapIfCondemned(MapId id, long condemnedMillis) {
        return condemnedMillis != 0
                && maps.deleteIf(id, head -> EmbeddedMapStore.condemnedAt(head) == condemnedMillis);
    }

    @Override
    public Optional<String> state(String key) {
        byte[] v = db.get(Cf.GC, Keys.utf8(key));
        return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    }

    @Override
    public void putState(String key, String value) {
        db.put(Cf.GC, Keys.utf8(key), Keys.utf8(value));
    }

    @Override
    public void deleteState(String key) {
        try (EmbeddedDb.Batch b = db.batch()) {
            b.delete(Cf.GC, Keys.utf8(key)).write();
        }
    }
}
