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
    private final Timer putTimer;
    private final Timer getTimer;
    private final Timer existingTimer;

    CassandraBlockStore(Cql cql, int maxBlockBytes, UsageCounters usage, MetricRegistry metrics) {
        this.cql = cql;
        this.maxBlockBytes = maxBlockBytes;
        this.usage = usage;
        insertContent = cql.prepare("INSERT INTO {ks}.blocks (hash, content) VALUES (?, ?)");
        insertIndex = cql.prepare("INSERT INTO {ks}.block_index (hash, size) VALUES (?, ?) IF NOT EXISTS");
        selectIndex = cql.prepare("SELECT size FROM {ks}.block_index WHERE hash = ?");
        selectContent = cql.prepare("SELECT content FROM {ks}.blocks WHERE hash = ?");
        deleteIndex = cql.prepare("DELETE FROM {ks}.block_index WHERE hash = ? IF EXISTS");
        deleteContent = cql.prepare("DELETE FROM {ks}.blocks WHERE hash = ?");
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
            if (size(hash).isPresent()) {
                return false; // the common case of deduplication: one small read, no transaction
            }
            ByteBuffer key = ByteBuffer.wrap(hash.toBytes());
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
                            .thenApply(rs -> rs.one() != null),
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
        AsyncResultSet rs = cql.execute(selectIndex.bind(ByteBuffer.wrap(hash.toBytes())).setIdempotent(true),
                "looking up block " + hash);
        Row row = rs.one();
        return row == null ? Optional.empty() : Optional.of(row.getInt("size"));
    }
}
