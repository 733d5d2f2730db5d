package io.tessera.store.cassandra;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
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
 * rows, never the blobs. Every write here is a plain write, no lightweight transaction (SCHEMA.md,
 * Blocks): the content and index writes are idempotent (same key, same bytes), so racing writers and
 * driver retries are harmless, and the collector orders itself against writers by write timestamps
 * rather than by Paxos. It condemns a block with a write stamped at the condemnation and deletes it
 * with tombstones stamped at that same instant, so a writer that finds a block condemned (or gone)
 * and writes it again, content and index, always writes above the tombstones and survives them; the
 * deletion of a block unreferenced since its condemnation and through a whole grace period is the
 * collector's to decide (Sweep), not the timestamps'.
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
    private final PreparedStatement deleteIndexUpTo;
    private final PreparedStatement deleteContentUpTo;
    private final Timer putTimer;
    private final Timer getTimer;
    private final Timer existingTimer;

    CassandraBlockStore(Cql cql, int maxBlockBytes, UsageCounters usage, MetricRegistry metrics) {
        this.cql = cql;
        this.maxBlockBytes = maxBlockBytes;
        this.usage = usage;
        insertContent = cql.prepare("INSERT INTO {ks}.blocks (hash, content) VALUES (?, ?) USING TIMESTAMP ?");
        // condemned = null: a write of the whole row, so a block stored again is no longer condemned
        insertIndex = cql.prepare("INSERT INTO {ks}.block_index (hash, size, condemned) VALUES (?, ?, null)"
                + " USING TIMESTAMP ?");
        selectIndex = cql.prepare("SELECT size, condemned FROM {ks}.block_index WHERE hash = ?");
        selectContent = cql.prepare("SELECT content FROM {ks}.blocks WHERE hash = ?");
        deleteIndex = cql.prepare("DELETE FROM {ks}.block_index WHERE hash = ?");
        deleteContent = cql.prepare("DELETE FROM {ks}.blocks WHERE hash = ?");
        selectEntry = cql.prepare("SELECT size, condemned, WRITETIME(size) AS written FROM {ks}.block_index WHERE hash = ?");
        scanFirst = cql.prepare("SELECT hash, size, condemned, WRITETIME(size) AS written FROM {ks}.block_index LIMIT ?");
        scanAfter = cql.prepare("SELECT hash, size, condemned, WRITETIME(size) AS written FROM {ks}.block_index"
                + " WHERE token(hash) >= token(?) LIMIT ?");
        condemn = cql.prepare("UPDATE {ks}.block_index USING TIMESTAMP ? SET condemned = ? WHERE hash = ?");
        revive = cql.prepare("UPDATE {ks}.block_index SET condemned = null WHERE hash = ?");
        deleteIndexUpTo = cql.prepare("DELETE FROM {ks}.block_index USING TIMESTAMP ? WHERE hash = ?");
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
            Row index = indexRow(hash);
            boolean stored = index != null && !index.isNull("size");
            if (stored && index.isNull("condemned")) {
                return false; // the common case of deduplication: one small read
            }
            // Absent, or condemned by the collector: the content, then the whole index row, written again
            // above any tombstone of the collector's (stamped at the condemnation), so both survive it.
            long stamp = writeStamp(stored ? index.getLong("condemned") : 0);
            cql.execute(insertContent.bind(key, ByteBuffer.wrap(content, off, len), stamp).setIdempotent(true),
                    "writing block " + hash);
            cql.execute(insertIndex.bind(key, len, stamp).setIdempotent(true), "indexing block " + hash);
            if (stored) {
                return false; // revived: it was stored (and counted) already
            }
            // Two puts racing to store one new block both count it: the physical counters may run a block
            // ahead per such race (SCHEMA.md, Counters); nothing depends on them but reports.
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
        cql.execute(deleteIndex.bind(key).setIdempotent(true), "unindexing block " + hash);
        cql.execute(deleteContent.bind(key).setIdempotent(true), "deleting block " + hash);
        usage.addBlock(hash, -1, -size.get()); // a block's size is fixed by its hash: no need to re-read
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

    /**
     * The write timestamp of a put: now, and above a condemnation it read ({@code condemnedMillis}, 0 if
     * none), so that this frontend's clock being behind the collector's cannot put the write under the
     * tombstones the collector stamps at the condemnation. A block found gone was deleted with tombstones
     * stamped at a condemnation at least a grace period old: far below now.
     */
    static long writeStamp(long condemnedMillis) {
        return Math.max(io.tessera.store.Timestamp.now().micros(), condemnedMillis * 1000 + 1);
    }

    /** Marks a block condemned at {@code atMillis}, with a write stamped at that instant. */
    boolean condemn(BlockHash hash, long atMillis) {
        cql.execute(condemn.bind(atMillis * 1000, atMillis, ByteBuffer.wrap(hash.toBytes())).setIdempotent(true),
                "condemning block " + hash);
        return true;
    }

    /** Clears the condemned mark of a block the collector found referenced again. */
    boolean revive(BlockHash hash, long condemnedMillis) {
        cql.execute(revive.bind(ByteBuffer.wrap(hash.toBytes())).setIdempotent(true), "reviving block " + hash);
        return true;
    }

    /**
     * Deletes the block if it is still condemned at {@code condemnedMillis}: the index row, then the
     * content, both with tombstones stamped at the condemnation. Older than any write of a put that found
     * the block condemned or gone (it writes content and index again after it read that), yet newer than
     * the copy being collected (written before the grace period that preceded the condemnation).
     */
    boolean deleteIfCondemned(BlockHash hash, long condemnedMillis) {
        Row row = indexRow(hash);
        if (row == null || row.isNull("size") || row.isNull("condemned") || row.getLong("condemned") != condemnedMillis) {
            return false;
        }
        ByteBuffer key = ByteBuffer.wrap(hash.toBytes());
        long stamp = condemnedMillis * 1000;
        cql.execute(deleteIndexUpTo.bind(stamp, key).setIdempotent(true), "unindexing block " + hash);
        cql.execute(deleteContentUpTo.bind(stamp, key).setIdempotent(true), "deleting block " + hash);
        usage.addBlock(hash, -1, -row.getInt("size"));
        return true;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
