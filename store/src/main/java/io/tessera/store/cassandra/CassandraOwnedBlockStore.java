package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.OwnedBlockStore;
import io.tessera.store.OwnedIds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

/**
 * Owned blocks as rows of {@link #CHUNK} bytes in one partition per block: at most blockSize / 64 KiB
 * rows (64 for 4 MiB blocks), so a partition is bounded by the block size (invariant 4). A write that
 * covers a chunk partly reads it first (read-modify-write). Every write is acknowledged at the store's
 * consistency level, which is this backend's durability for everything, so a sync has nothing left to
 * make durable.
 *
 * <p>Concurrent writes into one row (NBD requests at queue depth > 1 carry no ordering, and two 4 KiB
 * writes often share a 64 KiB row) are serialized by a lock per row, held from the read to the
 * acknowledged write, and each write's timestamp is taken under it: the later of two writes read the
 * earlier one's bytes and carries the larger timestamp, so both survive. A lock in this process is
 * enough because only one process writes a volume's blocks at a time (the lease, fenced by
 * {@link CassandraVolumeStore}); a fenced writer elsewhere writes with smaller timestamps and loses.
 * Writes come only through a volume's fenced writer ({@link CassandraVolumeStore#writer}).
 */
final class CassandraOwnedBlockStore implements OwnedBlockStore {
    static final int CHUNK = 64 * 1024;
    private static final int ROW_LOCKS = 1024;

    private final Cql cql;
    private final int blockBytes;
    private final PreparedStatement insert;
    private final PreparedStatement selectRange;
    private final PreparedStatement writeTimes;
    private final PreparedStatement deleteAll;
    private final ReentrantLock[] rowLocks = new ReentrantLock[ROW_LOCKS];

    CassandraOwnedBlockStore(Cql cql, int blockBytes) {
        this.cql = cql;
        this.blockBytes = blockBytes;
        for (int i = 0; i < ROW_LOCKS; i++) {
            rowLocks[i] = new ReentrantLock();
        }
        insert = cql.prepare("INSERT INTO {ks}.owned_chunks (id, chunk, data) VALUES (?, ?, ?) USING TIMESTAMP ?");
        selectRange = cql.prepare("SELECT chunk, data FROM {ks}.owned_chunks WHERE id = ? AND chunk >= ? AND chunk <= ?");
        writeTimes = cql.prepare("SELECT WRITETIME(data) AS written FROM {ks}.owned_chunks WHERE id = ?");
        deleteAll = cql.prepare("DELETE FROM {ks}.owned_chunks USING TIMESTAMP ? WHERE id = ?");
    }

    private void check(BlockHash id, long offset, int len) {
        if (!OwnedIds.isOwned(id)) {
            throw new IllegalArgumentException(id + " is not an owned id");
        }
        if (offset < 0 || len < 0 || offset + len > blockBytes) {
            throw new IllegalArgumentException("range [" + offset + ", +" + len + ") outside a block of " + blockBytes);
        }
    }

    /** Chunks {@code [first, last]} of the block, all zero where nothing is stored. */
    private byte[][] readChunks(BlockHash id, int first, int last) {
        byte[][] chunks = new byte[last - first + 1][];
        for (Row row : cql.execute(selectRange.bind(ByteBuffer.wrap(id.toBytes()), first, last).setIdempotent(true),
                "reading owned block " + id).currentPage()) {
            ByteBuffer data = row.getByteBuffer("data");
            byte[] b = new byte[CHUNK];
            if (data != null) {
                data.get(b, 0, Math.min(CHUNK, data.remaining()));
            }
            chunks[row.getInt("chunk") - first] = b;
        }
        return chunks;
    }

    /**
     * Writes {@code src[srcOff, srcOff+len)} at {@code offset} of the block, every row it touches at a write
     * timestamp from {@code stamps} (the fenced writer's: they grow with the lease generation), taken
     * under the rows' locks.
     */
    void write(BlockHash id, int offset, byte[] src, int srcOff, int len, LongSupplier stamps) {
        check(id, offset, len);
        if (len == 0) {
            return;
        }
        int first = offset / CHUNK;
        int last = (offset + len - 1) / CHUNK;
        boolean partialFirst = offset % CHUNK != 0 || len < CHUNK;
        boolean partialLast = (offset + len) % CHUNK != 0;
        List<ReentrantLock> locks = rowLocks(id, first, last);
        locks.forEach(ReentrantLock::lock);
        try {
            byte[][] old = (partialFirst || partialLast) ? readChunks(id, first, last) : new byte[last - first + 1][];
            long stamp = stamps.getAsLong();
            ByteBuffer key = ByteBuffer.wrap(id.toBytes());
            cql.pipeline(IntStream.rangeClosed(first, last).boxed().toList(), c -> {
                int chunkStart = c * CHUNK;
                int from = Math.max(offset, chunkStart);
                int to = Math.min(offset + len, chunkStart + CHUNK);
                byte[] chunk = old[c - first] != null ? old[c - first] : new byte[CHUNK];
                System.arraycopy(src, srcOff + (from - offset), chunk, from - chunkStart, to - from);
                return cql.executeAsync(insert.bind(key, c, ByteBuffer.wrap(chunk), stamp).setIdempotent(true));
            }, "writing owned block " + id);
        } finally {
            locks.forEach(ReentrantLock::unlock);
        }
    }

    /** The locks of rows {@code [first, last]} of the block, each once, in one global order (no deadlock). */
    private List<ReentrantLock> rowLocks(BlockHash id, int first, int last) {
        int h = id.hashCode();
        return IntStream.rangeClosed(first, last).map(c -> Math.floorMod(31 * h + c, ROW_LOCKS)).distinct().sorted()
                .mapToObj(i -> rowLocks[i]).toList();
    }

    @Override
    public void read(BlockHash id, int offset, byte[] dest, int destOff, int len) {
        check(id, offset, len);
        Arrays.fill(dest, destOff, destOff + len, (byte) 0);
        if (len == 0) {
            return;
        }
        int first = offset / CHUNK;
        int last = (offset + len - 1) / CHUNK;
        byte[][] chunks = readChunks(id, first, last);
        for (int c = first; c <= last; c++) {
            byte[] chunk = chunks[c - first];
            if (chunk == null) {
                continue;
            }
            int chunkStart = c * CHUNK;
            int from = Math.max(offset, chunkStart);
            int to = Math.min(offset + len, chunkStart + CHUNK);
            System.arraycopy(chunk, from - chunkStart, dest, destOff + (from - offset), to - from);
        }
    }

    /**
     * Deletes every row of the block at a timestamp above all of theirs: a volume's writes may be stamped
     * ahead of the clock (up to about one lease TTL after a take, SCHEMA.md, Fencing), and a delete
     * stamped by the clock would not remove them. A write that lands later with a larger stamp (a fenced
     * holder's, into a block nothing names any more) leaves a row the collector finds and frees again.
     */
    @Override
    public void delete(BlockHash id) {
        if (!OwnedIds.isOwned(id)) {
            throw new IllegalArgumentException(id + " is not an owned id");
        }
        ByteBuffer key = ByteBuffer.wrap(id.toBytes());
        long stamp = System.currentTimeMillis() * 1000;
        for (Row row : cql.execute(writeTimes.bind(key).setIdempotent(true), "reading owned block " + id).currentPage()) {
            if (!row.isNull("written")) {
                stamp = Math.max(stamp, row.getLong("written") + 1);
            }
        }
        cql.execute(deleteAll.bind(stamp, key).setIdempotent(true), "deleting owned block " + id);
    }

    static List<String> ddl() {
        return List.of("CREATE TABLE IF NOT EXISTS {ks}.owned_chunks (id blob, chunk int, data blob, PRIMARY KEY (id, chunk))");
    }
}
