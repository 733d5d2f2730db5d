package io.tessera.store.cassandra;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.BlockStore;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Blocks, one partition each (4 MiB at most, well under Cassandra's 16 MiB mutation limit).
 *
 * <p>A put writes the content, then a small index row: the index row is the block's "published" mark.
 * Existence checks read only the index, so asking about a thousand 4 MiB blocks reads a thousand tiny
 * rows, never the blobs. Both writes are idempotent (same key, same content), so racing writers and
 * driver retries are harmless.
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
        insertIndex = cql.prepare("INSERT INTO {ks}.block_index (hash, size) VALUES (?, ?)");
        selectIndex = cql.prepare("SELECT size FROM {ks}.block_index WHERE hash = ?");
        selectContent = cql.prepare("SELECT content FROM {ks}.blocks WHERE hash = ?");
        deleteIndex = cql.prepare("DELETE FROM {ks}.block_index WHERE hash = ?");
        deleteContent = cql.prepare("DELETE FROM {ks}.blocks WHERE hash = ?");
        putTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.blocks", "put"));
        getTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.blocks", "get"));
        existingTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.blocks", "existing"));
    }

    @Override
    public boolean putIfAbsent(BlockHash hash, byte[] content, int off, int len) {
        if (hash.isZeroBlock()) {
            return false; // never stored: its stripped content is empty, and every reader knows it
        }
        int stored = BlockHasher.strippedLength(content, off, len);
        if (stored > maxBlockBytes) {
            throw new IllegalArgumentException("block of " + stored + " bytes exceeds the block size " + maxBlockBytes);
        }
        try (Timer.Context ignored = putTimer.time()) {
            if (size(hash).isPresent()) {
                return false;
            }
            ByteBuffer key = ByteBuffer.wrap(hash.toBytes());
            cql.execute(insertContent.bind(key, ByteBuffer.wrap(content, off, stored)).setIdempotent(true),
                    "writing block " + hash);
            cql.execute(insertIndex.bind(key, stored).setIdempotent(true), "indexing block " + hash);
            // Two racing writers both get here and both count the block: counters may drift (SCHEMA.md).
            usage.addBlock(hash, 1, stored);
            return true;
        }
    }

    @Override
    public Set<BlockHash> existing(Collection<BlockHash> hashes) {
        try (Timer.Context ignored = existingTimer.time()) {
            Set<BlockHash> unique = new LinkedHashSet<>(hashes);
            Set<BlockHash> found = new HashSet<>();
            if (unique.remove(BlockHash.ZERO_BLOCK)) {
                found.add(BlockHash.ZERO_BLOCK);
            }
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
        if (hash.isZeroBlock()) {
            return Optional.of(new byte[0]);
        }
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
        if (hash.isZeroBlock()) {
            return;
        }
        Optional<Integer> size = size(hash);
        ByteBuffer key = ByteBuffer.wrap(hash.toBytes());
        // Unpublish first: no one may learn that a block exists while its content is going away.
        cql.execute(deleteIndex.bind(key).setIdempotent(true), "unindexing block " + hash);
        cql.execute(deleteContent.bind(key).setIdempotent(true), "deleting block " + hash);
        size.ifPresent(bytes -> usage.addBlock(hash, -1, -bytes));
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
