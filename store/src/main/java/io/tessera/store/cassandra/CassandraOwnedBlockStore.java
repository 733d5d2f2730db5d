package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.OwnedBlockStore;
import io.tessera.store.OwnedIds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Owned blocks as rows of {@link #CHUNK} bytes in one partition per block: at most blockSize / 64 KiB
 * rows (64 for 4 MiB blocks), so a partition is bounded by the block size (invariant 4). A write that
 * covers a chunk partly reads it first (read-modify-write; one writer per volume, so no race).
 * Every write is acknowledged at the store's consistency level, which is this backend's durability
 * for everything, so {@link #sync} has nothing left to do.
 */
final class CassandraOwnedBlockStore implements OwnedBlockStore {
    static final int CHUNK = 64 * 1024;

    private final Cql cql;
    private final int blockBytes;
    private final PreparedStatement insert;
    private final PreparedStatement selectRange;
    private final PreparedStatement deleteAll;

    CassandraOwnedBlockStore(Cql cql, int blockBytes) {
        this.cql = cql;
        this.blockBytes = blockBytes;
        insert = cql.prepare("INSERT INTO {ks}.owned_chunks (id, chunk, data) VALUES (?, ?, ?)");
        selectRange = cql.prepare("SELECT chunk, data FROM {ks}.owned_chunks WHERE id = ? AND chunk >= ? AND chunk <= ?");
        deleteAll = cql.prepare("DELETE FROM {ks}.owned_chunks WHERE id = ?");
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

    @Override
    public void write(BlockHash id, int offset, byte[] src, int srcOff, int len) {
        check(id, offset, len);
        if (len == 0) {
            return;
        }
        int first = offset / CHUNK;
        int last = (offset + len - 1) / CHUNK;
        boolean partialFirst = offset % CHUNK != 0 || len < CHUNK;
        boolean partialLast = (offset + len) % CHUNK != 0;
        byte[][] old = (partialFirst || partialLast) ? readChunks(id, first, last) : new byte[last - first + 1][];
        ByteBuffer key = ByteBuffer.wrap(id.toBytes());
        cql.pipeline(IntStream.rangeClosed(first, last).boxed().toList(), c -> {
            int chunkStart = c * CHUNK;
            int from = Math.max(offset, chunkStart);
            int to = Math.min(offset + len, chunkStart + CHUNK);
            byte[] chunk = old[c - first] != null ? old[c - first] : new byte[CHUNK];
            System.arraycopy(src, srcOff + (from - offset), chunk, from - chunkStart, to - from);
            return cql.executeAsync(insert.bind(key, c, ByteBuffer.wrap(chunk)).setIdempotent(true));
        }, "writing owned block " + id);
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

    @Override
    public void sync(Collection<BlockHash> ids) {
        // Every write was acknowledged by the consistency level's replicas before write() returned.
    }

    @Override
    public void delete(BlockHash id) {
        if (!OwnedIds.isOwned(id)) {
            throw new IllegalArgumentException(id + " is not an owned id");
        }
        cql.execute(deleteAll.bind(ByteBuffer.wrap(id.toBytes())).setIdempotent(true), "deleting owned block " + id);
    }

    static List<String> ddl() {
        return List.of("CREATE TABLE IF NOT EXISTS {ks}.owned_chunks (id blob, chunk int, data blob, PRIMARY KEY (id, chunk))");
    }
}
