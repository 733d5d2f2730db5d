package io.tessera.store.embedded;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.BlockStore;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks: an index row per block in RocksDB ({@code blocks}: hash -> where and how long), the
 * content of small blocks in RocksDB too ({@code inline_blocks}), and large blocks as files
 * ({@link BlockFiles}). The index row, its content row and the block counters change in one batch,
 * so {@link #stats()} is exact; a block file is durable before its index row is written, and the
 * row's delete is durable before its file is unlinked.
 *
 * <p>A row is still not trusted blindly: a store written by an older release may hold a row whose
 * file a power loss left unlinked. Uploads check that a file row's file is there with its length
 * ({@link #existing} counts such a block as absent, {@link #putIfAbsent} writes the file again),
 * which costs one {@code stat} per large block found, nothing for inline ones.
 *
 * <p>Why the split (measured with {@code BlockWriteBench}, see {@link EmbeddedStore}): files write a
 * large block once, where BlobDB writes it twice (WAL, then blob file) and holds it in a memtable
 * meanwhile; but a small block as a file costs an inode and two fsyncs with no group commit, where
 * RocksDB group-commits the WALs of concurrent writers.
 */
final class EmbeddedBlockStore implements BlockStore {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBlockStore.class);
    /** Blocks whose stored content is at most this long live in RocksDB; larger ones are files. */
    static final int DEFAULT_INLINE_MAX = 64 * 1024;

    private static final byte INLINE = 1;
    private static final byte FILE = 2;
    private static final int EXISTING_BATCH = 1024;

    private final EmbeddedDb db;
    private final BlockFiles files;
    private final int maxLength;
    private final int inlineMax;
    private final Striped<ReentrantLock> locks = new Striped<>(1024, ReentrantLock::new);
    private final Timer putTimer;
    private final Timer getTimer;
    private final Meter written;
    private final Meter present;

    EmbeddedBlockStore(EmbeddedDb db, BlockFiles files, int maxLength, int inlineMax, MetricRegistry metrics) {
        this.db = db;
        this.files = files;
        this.maxLength = maxLength;
        this.inlineMax = inlineMax;
        this.putTimer = metrics.timer(EmbeddedStore.METRICS + "block.put");
        this.getTimer = metrics.timer(EmbeddedStore.METRICS + "block.get");
        this.written = metrics.meter(EmbeddedStore.METRICS + "block.written");
        this.present = metrics.meter(EmbeddedStore.METRICS + "block.present");
    }

    @Override
    public boolean putIfAbsent(BlockHash hash, byte[] content, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, content.length);
        if (len > maxLength) {
            throw new IllegalArgumentException("a block holds at most " + maxLength + " bytes, not " + len);
        }
        byte[] key = Keys.block(hash);
        try (Timer.Context ignored = putTimer.time()) {
            ReentrantLock lock = locks.get(key);
            lock.lock();
            try {
                byte[] existing = db.get(Cf.BLOCKS, key);
                if (existing != null && !holdsContent(hash, existing)) {
                    // A row without its file (see the class comment): store the content again and
                    // date the row as a new block's, for the collector's grace period.
                    log.warn("block {} is indexed but its file is missing or short; writing it again", hash);
                    files.write(hash, content, off, len);
                    db.put(Cf.BLOCKS, key, indexRow(FILE, len, System.currentTimeMillis()));
                    written.mark();
                    return true;
                }
                if (existing != null) {
                    if (condemnedAt(existing) != 0) {
                        // Re-referenced by its address: no longer garbage (GcStore, under this stripe's lock).
                        db.put(Cf.BLOCKS, key, withCondemned(existing, 0));
                    }
                    present.mark();
                    return false;
                }
                boolean inline = len <= inlineMax;
                if (!inline) {
                    files.write(hash, content, off, len);
                }
                try (EmbeddedDb.Batch batch = db.batch()) {
                    batch.put(Cf.BLOCKS, key, indexRow(inline ? INLINE : FILE, len, System.currentTimeMillis()));
                    if (inline) {
                        batch.put(Cf.INLINE_BLOCKS, key, Arrays.copyOfRange(content, off, off + len));
                    }
                    batch.add(Keys.BLOCK_COUNT, 1).add(Keys.BLOCK_BYTES, len).write();
                }
                written.mark();
                return true;
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public Set<BlockHash> existing(Collection<BlockHash> hashes) {
        List<BlockHash> distinct = new ArrayList<>(new LinkedHashSet<>(hashes));
        Set<BlockHash> found = new HashSet<>();
        for (int start = 0; start < distinct.size(); start += EXISTING_BATCH) {
            List<BlockHash> chunk = distinct.subList(start, Math.min(distinct.size(), start + EXISTING_BATCH));
            List<byte[]> rows = db.multiGet(Cf.BLOCKS, chunk.stream().map(Keys::block).toList());
            for (int i = 0; i < chunk.size(); i++) {
                // A condemned block counts as absent: the caller stores it again, which revives it;
                // so does a row without its file, which putIfAbsent repairs.
                byte[] row = rows.get(i);
                if (row != null && condemnedAt(row) == 0 && holdsContent(chunk.get(i), row)) {
                    found.add(chunk.get(i));
                }
            }
        }
        return found;
    }

    /** Whether the content an index row promises is there: always for inline rows; for a file, one stat. */
    private boolean holdsContent(BlockHash hash, byte[] row) {
        return row[0] != FILE || files.holds(hash, length(hash, row));
    }

    @Override
    public Optional<byte[]> get(BlockHash hash) {
        byte[] key = Keys.block(hash);
        try (Timer.Context ignored = getTimer.time()) {
            byte[] row = db.get(Cf.BLOCKS, key);
            if (row == null) {
                return Optional.empty();
            }
            int length = length(hash, row);
            if (row[0] == FILE) {
                return readFile(hash, key, length);
            }
            byte[] content = db.get(Cf.INLINE_BLOCKS, key);
            if (content == null || content.length != length) {
                throw new StoreCorruptionException("block " + hash + " is indexed but its content is "
                        + (content == null ? "missing" : content.length + " bytes, not " + length));
            }
            return Optional.of(content);
        }
    }

    /** A part of a file block is read with one positional read; inline blocks are small, read whole. */
    @Override
    public int read(BlockHash hash, int offset, byte[] dest, int destOff, int len) {
        byte[] key = Keys.block(hash);
        try (Timer.Context ignored = getTimer.time()) {
            byte[] row = db.get(Cf.BLOCKS, key);
            if (row == null) {
                return -1;
            }
            int length = length(hash, row);
            int n = Math.max(0, Math.min(len, length - offset));
            if (row[0] != FILE) {
                byte[] content = db.get(Cf.INLINE_BLOCKS, key);
                if (content == null || content.length != length) {
                    throw new StoreCorruptionException("block " + hash + " is indexed but its content is "
                            + (content == null ? "missing" : content.length + " bytes, not " + length));
                }
                System.arraycopy(content, offset, dest, destOff, n);
                return n;
            }
            try {
                return files.read(hash, length, offset, dest, destOff, n);
            } catch (StoreCorruptionException e) {
                if (db.get(Cf.BLOCKS, key) == null) {
                    return -1; // deleted between our index read and the file read
                }
                throw e;
            }
        }
    }

    private Optional<byte[]> readFile(BlockHash hash, byte[] key, int length) {
        try {
            return Optional.of(files.read(hash, length));
        } catch (StoreCorruptionException e) {
            if (db.get(Cf.BLOCKS, key) == null) {
                return Optional.empty(); // deleted between our index read and the file read
            }
            throw e;
        }
    }

    @Override
    public void delete(BlockHash hash) {
        deleteIf(hash, row -> true);
    }

    /**
     * Removes the index row first, synced whatever the store's durability when a file goes next: a
     * crash before the unlink leaves garbage, not a dangling index, and a power loss cannot undo the
     * delete of a row whose file is gone (under RELAXED it did, and an upload deduplicated against
     * the revived row). The condition is checked under the stripe's lock, so no put can revive the
     * block between.
     */
    boolean deleteIf(BlockHash hash, java.util.function.Predicate<byte[]> condition) {
        byte[] key = Keys.block(hash);
        ReentrantLock lock = locks.get(key);
        lock.lock();
        try {
            byte[] row = db.get(Cf.BLOCKS, key);
            if (row == null || !condition.test(row)) {
                return false;
            }
            int length = length(hash, row);
            try (EmbeddedDb.Batch batch = db.batch()) {
                batch.delete(Cf.BLOCKS, key).delete(Cf.INLINE_BLOCKS, key)
                        .add(Keys.BLOCK_COUNT, -1).add(Keys.BLOCK_BYTES, -length);
                if (row[0] == FILE) {
                    batch.writeDurably();
                    files.delete(hash);
                } else {
                    batch.write(); // the content goes with the row: nothing to outlive it
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the index row under the stripe's lock if {@code change} returns a new row (null: leave it). */
    boolean updateIndex(BlockHash hash, java.util.function.UnaryOperator<byte[]> change) {
        byte[] key = Keys.block(hash);
        ReentrantLock lock = locks.get(key);
        lock.lock();
        try {
            byte[] row = db.get(Cf.BLOCKS, key);
            byte[] next = row == null ? null : change.apply(row);
            if (next == null) {
                return false;
            }
            db.put(Cf.BLOCKS, key, next);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The collector's view of an index row. */
    static io.tessera.store.GcStore.BlockEntry entry(BlockHash hash, byte[] row) {
        return new io.tessera.store.GcStore.BlockEntry(hash, length(hash, row), writtenAt(row), condemnedAt(row));
    }

    /** Rows written before the collector existed were 5 bytes long: no write time (0, i.e. old). */
    static long writtenAt(byte[] row) {
        return row.length == ROW_LENGTH ? ByteBuffer.wrap(row, 5, 8).getLong() : 0;
    }

    static long condemnedAt(byte[] row) {
        return row.length == ROW_LENGTH ? ByteBuffer.wrap(row, 13, 8).getLong() : 0;
    }

    static byte[] withCondemned(byte[] row, long condemnedMillis) {
        return ByteBuffer.allocate(ROW_LENGTH).put(row, 0, 5).putLong(writtenAt(row)).putLong(condemnedMillis).array();
    }

    @Override
    public BlockStats stats() {
        return new BlockStats(db.counter(Keys.BLOCK_COUNT), db.counter(Keys.BLOCK_BYTES));
    }

    /** Index row: where (1 byte), stored length (4), written at (8, ms), condemned at (8, ms; 0: not). */
    private static final int ROW_LENGTH = 21;

    private static byte[] indexRow(byte where, int length, long writtenMillis) {
        return ByteBuffer.allocate(ROW_LENGTH).put(where).putInt(length).putLong(writtenMillis).putLong(0).array();
    }

    private static int length(BlockHash hash, byte[] row) {
        if ((row.length != 5 && row.length != ROW_LENGTH) || (row[0] != INLINE && row[0] != FILE)) {
            throw new StoreCorruptionException("unreadable index row for block " + hash);
        }
        return ByteBuffer.wrap(row, 1, 4).getInt();
    }
}
