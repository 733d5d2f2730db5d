package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.GcStore;
import io.tessera.store.MapId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link GcStore} over Cassandra (SCHEMA.md, The collector). Scans page through tables in token order
 * (a full-table read, paged, never an unbounded query); write times are Cassandra's own cell
 * timestamps ({@code WRITETIME}); the condemned mark is a column of the block index and map header
 * rows, written and deleted with timestamps stamped at the condemnation (SCHEMA.md, The collector).
 */
final class CassandraGcStore implements GcStore {
    private final Cql cql;
    private final CassandraBlockStore blocks;
    private final CassandraMapStore maps;
    private final PreparedStatement accountsFirst;
    private final PreparedStatement accountsAfter;
    private final PreparedStatement ownedFirst;
    private final PreparedStatement ownedAfter;
    private final PreparedStatement ownedWritten;
    private final PreparedStatement selectState;
    private final PreparedStatement insertState;
    private final PreparedStatement deleteState;

    static List<String> ddl() {
        return List.of(
                "ALTER TABLE {ks}.block_index ADD IF NOT EXISTS condemned bigint",
                "ALTER TABLE {ks}.maps ADD IF NOT EXISTS condemned bigint",
                "CREATE TABLE IF NOT EXISTS {ks}.gc_state (key text PRIMARY KEY, value text)");
    }

    CassandraGcStore(Cql cql, CassandraBlockStore blocks, CassandraMapStore maps) {
        this.cql = cql;
        this.blocks = blocks;
        this.maps = maps;
        accountsFirst = cql.prepare("SELECT account FROM {ks}.accounts LIMIT ?");
        accountsAfter = cql.prepare("SELECT account FROM {ks}.accounts WHERE token(account) >= token(?) LIMIT ?");
        ownedFirst = cql.prepare("SELECT DISTINCT id FROM {ks}.owned_chunks LIMIT ?");
        ownedAfter = cql.prepare("SELECT DISTINCT id FROM {ks}.owned_chunks WHERE token(id) >= token(?) LIMIT ?");
        ownedWritten = cql.prepare("SELECT WRITETIME(data) AS written FROM {ks}.owned_chunks WHERE id = ?");
        selectState = cql.prepare("SELECT value FROM {ks}.gc_state WHERE key = ?");
        insertState = cql.prepare("INSERT INTO {ks}.gc_state (key, value) VALUES (?, ?)");
        deleteState = cql.prepare("DELETE FROM {ks}.gc_state WHERE key = ?");
    }

    @Override
    public List<String> accounts(String after, int limit) {
        var statement = after == null ? accountsFirst.bind(limit) : accountsAfter.bind(after, limit + 1);
        List<String> out = new ArrayList<>();
        for (Row row : CassandraMapStore.allRowsOf(cql, statement.setIdempotent(true), "scanning accounts")) {
            String name = row.getString("account");
            if (!name.equals(after) && out.size() < limit) {
                out.add(name);
            }
        }
        return out;
    }

    @Override
    public List<BlockEntry> blocks(BlockHash after, int limit) {
        return blocks.scan(after, limit);
    }

    @Override
    public List<MapEntry> maps(MapId after, int limit) {
        return maps.scan(after, limit);
    }

    /**
     * One query per owned block for its newest chunk's write time: owned blocks are few next to content
     * blocks. A block deleted between the two reads is left out; if that empties the page, the scan
     * reads on, so an empty page still means the end.
     */
    @Override
    public List<OwnedEntry> owned(BlockHash after, int limit) {
        while (true) {
            var statement = after == null ? ownedFirst.bind(limit) : ownedAfter.bind(ByteBuffer.wrap(after.toBytes()), limit + 1);
            List<BlockHash> ids = new ArrayList<>();
            for (Row row : CassandraMapStore.allRowsOf(cql, statement.setIdempotent(true), "scanning owned blocks")) {
                BlockHash id = BlockHash.of(bytes(row.getByteBuffer("id")));
                if (!id.equals(after) && ids.size() < limit) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            List<OwnedEntry> out = new ArrayList<>();
            List<Long> written = cql.pipeline(ids, id -> CassandraMapStore.allRows(cql.executeAsync(
                            ownedWritten.bind(ByteBuffer.wrap(id.toBytes())).setIdempotent(true)))
                    .thenApply(rows -> rows.stream().filter(r -> !r.isNull("written"))
                            .mapToLong(r -> r.getLong("written") / 1000).max().orElse(-1)), "reading owned block times");
            for (int i = 0; i < ids.size(); i++) {
                if (written.get(i) >= 0) { // -1: deleted meanwhile
                    out.add(new OwnedEntry(ids.get(i), written.get(i)));
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
            after = ids.get(ids.size() - 1);
        }
    }

    @Override
    public Optional<BlockEntry> block(BlockHash hash) {
        return blocks.entry(hash);
    }

    @Override
    public boolean condemnBlock(BlockHash hash, long atMillis) {
        return blocks.condemn(hash, atMillis);
    }

    @Override
    public boolean reviveBlock(BlockHash hash, long condemnedMillis) {
        return blocks.revive(hash, condemnedMillis);
    }

    @Override
    public boolean deleteBlockIfCondemned(BlockHash hash, long condemnedMillis) {
        return condemnedMillis != 0 && blocks.deleteIfCondemned(hash, condemnedMillis);
    }

    @Override
    public boolean condemnMap(MapId id, long atMillis) {
        return maps.condemn(id, atMillis);
    }

    @Override
    public boolean reviveMap(MapId id, long condemnedMillis) {
        return maps.revive(id, condemnedMillis);
    }

    @Override
    public boolean deleteMapIfCondemned(MapId id, long condemnedMillis) {
        return condemnedMillis != 0 && maps.deleteIfCondemned(id, condemnedMillis);
    }

    @Override
    public Optional<String> state(String key) {
        Row row = cql.execute(selectState.bind(key).setIdempotent(true), "reading collector state").one();
        return row == null ? Optional.empty() : Optional.ofNullable(row.getString("value"));
    }

    @Override
    public void putState(String key, String value) {
        cql.execute(insertState.bind(key, value).setIdempotent(true), "writing collector state");
    }

    @Override
    public void deleteState(String key) {
        cql.execute(deleteState.bind(key).setIdempotent(true), "deleting collector state");
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
