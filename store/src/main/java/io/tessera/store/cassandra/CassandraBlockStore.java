package io.tessera.store.cassandra;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.BlockStore;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Blocks, one partition each (4 MiB at most, well under Cassandra's 16 MiB mutation limit).
 *
 * <p>A put writes the content, then a small index row: the index row is the block's "published" mark.
 * Existence checks read only the index, so asking about a thousand 4 MiB blocks reads a thousand tiny
 * rows, never the blobs. The content write is idempotent (same key, same bytes), so racing writers and
 * driver retries are harmless; the index row is inserted by a lightweight transaction
 * ({@code IF NOT EXISTS}), so of racing writers exactly one is told it wrote the block and counts it.
 * The index row is also deleted by one, so every write to it carries a Paxos ballot timestamp and a
 * block stored again after a delete is never shadowed by the delete's tombstone.
 */
final class CassandraBlockStore implements BlockStore {
    private final Cql cql;
    private final int maxBlockBytes;
    private final UsageCounters usage;
    private final PreparedStatement insertContent;
    private final PreparedStatement insertIndex;
    private final PreparedStatement selectIndex;
    private final PreparedStatement selectContent;
    private final PreparedStatement deleteIndex;
    private final PreparedStatement deleteContent;
    private final PreparedStatement selectEntry;
    private final PreparedStatement scanFirst;
    private final PreparedStatement scanAfter;
    private final PreparedStatement condemn;
    private final PreparedStatement revive;
    private final PreparedStatement deleteIndexIfCondemned;
    private final PreparedStatement deleteContentUpTo;
    private final Timer putTimer;
    private final Timer getTimer;
    private final Timer existingTimer;

    CassandraBlockStore(Cql cql, int maxBlockBytes, UsageCounters usage, MetricRegistry metrics) {
        this.cql = cql;
        this.maxBlockBytes = maxBlockBytes;
        this.usage = usage;
        insertContent = cql.prepare("INSERT INTO {ks}.blocks (hash, content) VALUES (?, ?)");
        insertIndex = cql.prepare("INSERT INTO {ks}.block_index (hash, size) VALUES (?, ?) IF NOT EXISTS");
        selectIndex = cql.prepare("SELECT size, condemned FROM {ks}.block_index WHERE hash = ?");
        selectContent = cql.prepare("SELECT content FROM {ks}.blocks WHERE hash = ?");
        deleteIndex = cql.prepare("DELETE FROM {ks}.block_index WHERE hash = ? IF EXISTS");
        deleteContent = cql.prepare("DELETE FROM {ks}.blocks WHERE hash = ?");
        selectEntry = cql.prepare("SELECT size, condemned, WRITETIME(size) AS written FROM {ks}.block_index WHERE hash = ?");
        scanFirst = cql.prepare("SELECT hash, size, condemned, WRITETIME(size) AS written FROM {ks}.block_index LIMIT ?");
        scanAfter = cql.prepare("SELECT hash, size, condemned, WRITETIME(size) AS written FROM {ks}.block_index"
                + " WHERE token(hash) >= token(?) LIMIT ?");
        // size >= 0: the row exists (an LWT UPDATE on a missing row would otherwise create one)
        condemn = cql.prepare("UPDATE {ks}.block_index SET condemned = ? WHERE hash = ? IF size >= 0 AND condemned = null");
        revive = cql.prepare("UPDATE {ks}.block_index SET condemned = null WHERE hash = ? IF condemned = ?");
        deleteIndexIfCondemned = cql.prepare("DELETE FROM {ks}.block_index WHERE hash = ? IF condemned = ?");
        deleteContentUpTo = cql.prepare("DELETE FROM {ks}.blocks USING TIMESTAMP ? WHERE hash = ?");
        putTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.blocks", "put"));
        getTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.blocks", "get"));
        existingTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.blocks", "existing"));
    }

    @Override
    public boolean putIfAbsent(BlockHash hash, byte[] content, int off, int len) {
        Objects.checkFromIndexSize(off, len, content.length);
        if (len > maxBlockBytes) {
            throw new IllegalArgumentException("a block holds at most " + maxBlockBytes + " bytes, not " + len);
        }
        try (Timer.Context ignored = putTimer.time()) {
            ByteBuffer key = ByteBuffer.wrap(hash.toBytes());
            for (int attempt = 0; ; attempt++) {
                Row index = indexRow(hash);
                if (index == null || index.isNull("size")) {
                    break;
                }
                if (index.isNull("condemned")) {
                    return false; // the common case of deduplication: one small read, no transaction
                }
                // Condemned by the collector: clear the mark by LWT, exclusive with its conditional delete.
                if (lwt(revive.bind(key, index.getLong("condemned")), "reviving block " + hash)) {
                    return false;
                }
                if (attempt > 8) {
                    throw new io.tessera.store.StoreUnavailableException("block " + hash + " keeps changing under the collector");
                }
            }
            cql.execute(insertContent.bind(key, ByteBuffer.wrap(content, off, len)).setIdempotent(true),
                    "writing block " + hash);
            Row applied = cql.execute(insertIndex.bind(key, len)
                    .setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL), "indexing block " + hash).one();
            if (applied != null && !applied.getBoolean("[applied]")) {
                return false; // a racing writer published it first
            }
            usage.addBlock(hash, 1, len);
            return true;
        }
    }

    @Override
    public Set<BlockHash> existing(Collection<BlockHash> hashes) {
        try (Timer.Context ignored = existingTimer.time()) {
            Set<BlockHash> unique = new LinkedHashSet<>(hashes);
            Set<BlockHash> found = new HashSet<>();
            // One single-partition read per hash, pipelined: each goes straight to its replicas, where
            // an IN over many partitions would make one coordinator gather them all.
            List<BlockHash> asked = List.copyOf(unique);
            List<Boolean> present = cql.pipeline(asked,
                    h -> cql.executeAsync(selectIndex.bind(ByteBuffer.wrap(h.toBytes())).setIdempotent(true))
                            .thenApply(rs -> {
                                // A condemned block counts as absent: the caller stores it again, reviving it.
                                Row r = rs.one();
                                return r != null && !r.isNull("size") && r.isNull("condemned");
                            }),
                    "checking " + asked.size() + " blocks");
            IntStream.range(0, asked.size()).filter(present::get).forEach(i -> found.add(asked.get(i)));
            return found;
        }
    }

    @Override
    public Optional<byte[]> get(BlockHash hash) {
        try (Timer.Context ignored = getTimer.time()) {
            Row row = cql.execute(selectContent.bind(ByteBuffer.wrap(hash.toBytes())).setIdempotent(true),
                    "reading block " + hash).one();
            if (row == null) {
                return Optional.empty();
            }
            ByteBuffer content = row.getByteBuffer("content");
            byte[] bytes = new byte[content == null ? 0 : content.remaining()];
            if (content != null) {
                content.get(bytes);
            }
            return Optional.of(bytes);
        }
    }

    @Override
    public void delete(BlockHash hash) {
        Optional<Integer> size = size(hash);
        if (size.isEmpty()) {
            return;
        }
        ByteBuffer key = ByteBuffer.wrap(hash.toBytes());
        // Unpublish first: no one may learn that a block exists while its content is going away.
        Row applied = cql.execute(deleteIndex.bind(key).setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL),
                "unindexing block " + hash).one();
        cql.execute(deleteContent.bind(key).setIdempotent(true), "deleting block " + hash);
        if (applied == null || applied.getBoolean("[applied]")) {
            usage.addBlock(hash, -1, -size.get()); // a block's size is fixed by its hash: no need to re-read
        }
    }

    @Override
    public BlockStats stats() {
        return usage.blockStats();
    }

    private Optional<Integer> size(BlockHash hash) {
        Row row = indexRow(hash);
        return row == null || row.isNull("size") ? Optional.empty() : Optional.of(row.getInt("size"));
    }

    private Row indexRow(BlockHash hash) {
        return cql.execute(selectIndex.bind(ByteBuffer.wrap(hash.toBytes())).setIdempotent(true),
                "looking up block " + hash).one();
    }

    private boolean lwt(com.datastax.oss.driver.api.core.cql.BoundStatement statement, String what) {
        Row applied = cql.execute(statement.setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL), what).one();
        return applied == null || applied.getBoolean("[applied]");
    }

    // ---- the collector's side (CassandraGcStore) ----

    Optional<io.tessera.store.GcStore.BlockEntry> entry(BlockHash hash) {
        Row row = cql.execute(selectEntry.bind(ByteBuffer.wrap(hash.toBytes())).setIdempotent(true),
                "looking up block " + hash).one();
        return row == null || row.isNull("size") ? Optional.empty() : Optional.of(entry(hash, row));
    }

    List<io.tessera.store.GcStore.BlockEntry> scan(BlockHash after, int limit) {
        // token order; ">=" and dropping the cursor itself, so a key sharing the cursor's token is not skipped
        var statement = after == null ? scanFirst.bind(limit)
                : scanAfter.bind(ByteBuffer.wrap(after.toBytes()), limit + 1);
        List<io.tessera.store.GcStore.BlockEntry> out = new java.util.ArrayList<>();
        for (Row row : CassandraMapStore.allRowsOf(cql, statement.setIdempotent(true), "scanning blocks")) {
            BlockHash hash = BlockHash.of(bytes(row.getByteBuffer("hash")));
            if (!row.isNull("size") && !hash.equals(after) && out.size() < limit) {
                out.add(entry(hash, row));
            }
        }
        return out;
    }

    private static io.tessera.store.GcStore.BlockEntry entry(BlockHash hash, Row row) {
        return new io.tessera.store.GcStore.BlockEntry(hash, row.getInt("size"), row.getLong("written") / 1000,
                row.isNull("condemned") ? 0 : row.getLong("condemned"));
    }

    boolean condemn(BlockHash hash, long atMillis) {
        return lwt(condemn.bind(atMillis, ByteBuffer.wrap(hash.toBytes())), "condemning block " + hash);
    }

    boolean revive(BlockHash hash, long condemnedMillis) {
        return lwt(revive.bind(ByteBuffer.wrap(hash.toBytes()), condemnedMillis), "reviving block " + hash);
    }

    /**
     * Unpublishes the index row by LWT if it is still condemned at {@code condemnedMillis}, then deletes
     * the content with a tombstone timestamped at the condemnation: older than any copy of the content a
     * later upload writes (it saw the index row gone, so it writes after this), yet newer than the copy
     * being collected (written before the grace period that preceded the condemnation).
     */
    boolean deleteIfCondemned(BlockHash hash, long condemnedMillis) {
        Optional<Integer> size = size(hash);
        ByteBuffer key = ByteBuffer.wrap(hash.toBytes());
        if (size.isEmpty() || !lwt(deleteIndexIfCondemned.bind(key, condemnedMillis), "unindexing block " + hash)) {
            return false;
        }
        cql.execute(deleteContentUpTo.bind(condemnedMillis * 1000, key).setIdempotent(true), "deleting block " + hash);
        usage.addBlock(hash, -1, -size.get());
        return true;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
