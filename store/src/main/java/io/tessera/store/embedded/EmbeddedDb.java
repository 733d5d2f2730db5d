package io.tessera.store.embedded;

import io.tessera.store.Durability;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under an embedded store: one column family per kind of row, options sized
 * for a bounded memory footprint, and every native call behind a gate so that a call racing
 * {@link #close()} gets an exception instead of touching freed native memory.
 */
final class EmbeddedDb implements AutoCloseable {

    /** Column families. META is RocksDB's default family, which must exist anyway. */
    enum Cf {
        META, BLOCKS, INLINE_BLOCKS, MAPS, ACCOUNTS, CONTAINERS, OBJECTS, SETTINGS, COUNTERS,
        VOLUMES, OVERLAY, LEASES, HASH_JOBS,
        /** The collector's state (GcStore#state): progress, condemned owned blocks, account statistics. */
        GC,
        /** The expiry index: due time, then the object version (Keys#expiry). */
        EXPIRY,
        /** NBD attachments (VolumeStore#attachment): the export key, then client and migration target. */
        ATTACHMENTS,
        /** Public links (MetadataStore#getPublicLink): the token, then the object's path (Rows#publicLink). */
        PUBLIC_LINKS,
        /** Path indexes (MetadataStore#putIndexEntry): the partition, length-prefixed, then the entry. */
        PATH_INDEX;

        byte[] rocksName() {
            return this == META ? RocksDB.DEFAULT_COLUMN_FAMILY : name().toLowerCase().getBytes(StandardCharsets.UTF_8);
        }
    }

    // Memory budget (native, outside the Java heap): the server must stay small while streaming.
    private static final long BLOCK_CACHE_BYTES = 32L << 20;
    private static final long ALL_MEMTABLES_BYTES = 64L << 20;
    private static final long MEMTABLE_BYTES = 16L << 20;
    private static final long MAX_WAL_BYTES = 128L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final ReadWriteLock gate = new ReentrantReadWriteLock();
    private final List<AutoCloseable> resources; // closed in reverse order of creation
    private final RocksDB db;
    private final Map<Cf, ColumnFamilyHandle> handles;
    /** The store's durability: what every write uses unless it says otherwise. */
    private final WriteOptions writeOptions;
    /** Synced whatever the store's durability: writes that must be durable before something irreversible. */
    private final WriteOptions synced;
    /** Never synced: writes that only restate what the WAL already holds (counter folds). */
    private final WriteOptions unsynced;
    private final Counters counters = new Counters(this::foldCounter);
    private boolean closed;

    private EmbeddedDb(List<AutoCloseable> resources, RocksDB db, Map<Cf, ColumnFamilyHandle> handles,
                       WriteOptions writeOptions, WriteOptions synced, WriteOptions unsynced) {
        this.resources = resources;
        this.db = db;
        this.handles = handles;
        this.writeOptions = writeOptions;
        this.synced = synced;
        this.unsynced = unsynced;
    }

    static EmbeddedDb open(Path dir, Durability durability) {
        return open(dir, durability, false);
    }

    /**
     * As {@link #open(Path, Durability)}; with {@code unsyncedWalDiesWithProcess}, RocksDB keeps WAL
     * writes in the process until a sync (manual WAL flush), so a kill -9 loses exactly what a power
     * loss would lose of the WAL. Tests of {@link Durability#RELAXED} use it; the store never does.
     */
    static EmbeddedDb open(Path dir, Durability durability, boolean unsyncedWalDiesWithProcess) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Cache cache = keep(resources, new LRUCache(BLOCK_CACHE_BYTES));
            BloomFilter bloom = keep(resources, new BloomFilter(10));
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setFilterPolicy(bloom)
                    // index and filter blocks count against the small cache instead of growing unbounded
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true);
            ColumnFamilyOptions plain = keep(resources, new ColumnFamilyOptions()
                    .setTableFormatConfig(table)
                    .setWriteBufferSize(MEMTABLE_BYTES)
                    .setMaxWriteBufferNumber(2));
            UInt64AddOperator add = keep(resources, new UInt64AddOperator());
            // Usage counters are merge operands, folded by Counters (not by max_successive_merges,
            // which folds only while the value is cached and makes every write walk the operands).
            ColumnFamilyOptions counters = keep(resources, new ColumnFamilyOptions(plain).setMergeOperator(add));
            DBOptions dbOptions = keep(resources, new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setDbWriteBufferSize(ALL_MEMTABLES_BYTES)
                    .setMaxTotalWalSize(MAX_WAL_BYTES)
                    .setMaxBackgroundJobs(2)
                    .setKeepLogFileNum(5)
                    .setMaxLogFileSize(16L << 20)
                    .setManualWalFlush(unsyncedWalDiesWithProcess));
            WriteOptions writeOptions = keep(resources, new WriteOptions()
                    // DURABLE: fsync the WAL before returning; RocksDB group-commits concurrent writers
                    .setSync(durability == Durability.DURABLE));
            WriteOptions synced = keep(resources, new WriteOptions().setSync(true));
            WriteOptions unsynced = keep(resources, new WriteOptions().setSync(false));

            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (Cf cf : Cf.values()) {
                descriptors.add(new ColumnFamilyDescriptor(cf.rocksName(), cf == Cf.COUNTERS ? counters : plain));
            }
            List<ColumnFamilyHandle> list = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, list);
            Map<Cf, ColumnFamilyHandle> handles = new EnumMap<>(Cf.class);
            for (Cf cf : Cf.values()) {
                handles.put(cf, list.get(cf.ordinal()));
            }
            return new EmbeddedDb(resources, db, handles, writeOptions, synced, unsynced);
        } catch (RocksDBException e) {
            closeAll(resources);
            throw translate("open " + dir, e);
        }
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    // ---- reads ----

    byte[] get(Cf cf, byte[] key) {
        return guarded("get", () -> db.get(handles.get(cf), key));
    }

    /** Values for {@code keys} in order, null where absent: one batched lookup. */
    List<byte[]> multiGet(Cf cf, List<byte[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        ColumnFamilyHandle handle = handles.get(cf);
        return guarded("multiGet", () -> db.multiGetAsList(Collections.nCopies(keys.size(), handle), keys));
    }

    interface Visitor {
        /** Returns false to stop. */
        boolean visit(byte[] key, byte[] value);
    }

    /**
     * Visits the rows with keys in {@code [from, to)} ({@code to} null: no upper bound), in key order
     * or reversed, at most {@code limit} of them, all from one consistent view.
     */
    void scan(Cf cf, byte[] from, byte[] to, boolean reverse, int limit, Visitor visitor) {
        if (limit <= 0) {
            return;
        }
        int[] seen = {0};
        walk(cf, from, to, reverse, (key, value) ->
                visitor.visit(key, value) && ++seen[0] < limit ? Walker.NEXT : Walker.STOP);
    }

    /** A {@link #walk} visitor that steers the iterator. */
    interface Walker {
        /** Go on to the next row in the walk's direction. */
        byte[] NEXT = new byte[0];
        /** End the walk. */
        byte[] STOP = new byte[0];

        /**
         * Sees one row; returns {@link #NEXT}, {@link #STOP}, or a key to jump to: forward, the first key
         * at or after it; reversed, the last key at or before it (the walk's bounds still apply).
         */
        byte[] visit(byte[] key, byte[] value);
    }

    /**
     * Walks the rows with keys in {@code [from, to)} ({@code to} null: no upper bound) on one iterator,
     * so one consistent view, in key order or reversed, letting the visitor jump ahead with a seek
     * (how a delimiter listing skips a whole subdirectory without reading it).
     */
    void walk(Cf cf, byte[] from, byte[] to, boolean reverse, Walker walker) {
        if (to != null && Arrays.compareUnsigned(from, to) >= 0) {
            return;
        }
        guarded("scan", () -> {
            try (Slice lower = new Slice(from);
                 Slice upper = to == null ? null : new Slice(to);
                 ReadOptions options = bounded(new ReadOptions(), lower, upper);
                 RocksIterator it = db.newIterator(handles.get(cf), options)) {
                if (reverse) {
                    it.seekToLast();
                } else {
                    it.seekToFirst();
                }
                while (it.isValid()) {
                    byte[] next = walker.visit(it.key(), it.value());
                    if (next == Walker.STOP) {
                        break;
                    } else if (next == Walker.NEXT) {
                        if (reverse) {
                            it.prev();
                        } else {
                            it.next();
                        }
                    } else if (reverse) {
                        it.seekForPrev(next);
                    } else {
                        it.seek(next);
                    }
                }
                it.status();
            }
            return null;
        });
    }

    private static ReadOptions bounded(ReadOptions options, Slice lower, Slice upper) {
        options.setIterateLowerBound(lower);
        if (upper != null) {
            options.setIterateUpperBound(upper);
        }
        return options;
    }

    /** Whether any key starts with {@code prefix}. */
    boolean anyWithPrefix(Cf cf, byte[] prefix) {
        boolean[] found = {false};
        scan(cf, prefix, Keys.successorOfPrefix(prefix), false, 1, (k, v) -> found[0] = true);
        return found[0];
    }

    long counter(byte[] key) {
        return Rows.counterValue(get(Cf.COUNTERS, key));
    }

    /**
     * How many merge operands RocksDB applied in the point lookups {@code action} made on this thread
     * (its PerfContext), the cost a read of a counter pays; tests use it.
     */
    long mergeOperandsLookedUpBy(Runnable action) {
        db.setPerfLevel(org.rocksdb.PerfLevel.ENABLE_COUNT);
        try {
            db.getPerfContext().reset();
            action.run();
            return db.getPerfContext().getInternalMergePointLookupCount();
        } finally {
            db.setPerfLevel(org.rocksdb.PerfLevel.DISABLE);
        }
    }

    /**
     * Writes every memtable to a table file, as RocksDB does by itself every {@link #MEMTABLE_BYTES}
     * of writes; tests use it to reach that state without writing that much.
     */
    void flushMemtables() {
        guarded("flush", () -> {
            try (org.rocksdb.FlushOptions options = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
                db.flush(options, new ArrayList<>(handles.values()));
            }
            return null;
        });
    }

    // ---- writes (each one atomic, durable per the store's durability) ----

    void put(Cf cf, byte[] key, byte[] value) {
        notACounter(cf);
        guarded("put", () -> {
            db.put(handles.get(cf), writeOptions, key, value);
            return null;
        });
    }

    /** Counters move only through {@link Batch#add} and {@link Batch#deleteCounter}, which {@link Counters} sees. */
    private static void notACounter(Cf cf) {
        if (cf == Cf.COUNTERS) {
            throw new IllegalArgumentException("counters change through Batch.add and Batch.deleteCounter only");
        }
    }

    /** Writes a counter's current value back as one whole value (see {@link Counters}, which holds its stripe). */
    private void foldCounter(byte[] key) {
        guarded("fold a counter", () -> {
            ColumnFamilyHandle handle = handles.get(Cf.COUNTERS);
            byte[] value = db.get(handle, key);
            if (value != null) { // null: deleted with its container; writing 0 would bring the row back
                db.put(handle, unsynced, key, value);
            }
            return null;
        });
    }

    /** A batch whose column family names are resolved here; write it with {@link #write}. */
    final class Batch implements AutoCloseable {
        private final WriteBatch batch = new WriteBatch();
        private final List<byte[]> counterKeys = new ArrayList<>(4);

        Batch put(Cf cf, byte[] key, byte[] value) {
            notACounter(cf);
            return run(() -> batch.put(handles.get(cf), key, value));
        }

        Batch delete(Cf cf, byte[] key) {
            notACounter(cf);
            return run(() -> batch.delete(handles.get(cf), key));
        }

        /** Deletes every key in {@code [from, to)}. */
        Batch deleteRange(Cf cf, byte[] from, byte[] to) {
            notACounter(cf);
            return run(() -> batch.deleteRange(handles.get(cf), from, to));
        }

        /** Adds {@code delta} (may be negative) to a counter. */
        Batch add(byte[] counterKey, long delta) {
            if (delta == 0) {
                return this;
            }
            counterKeys.add(counterKey);
            return run(() -> batch.merge(handles.get(Cf.COUNTERS), counterKey, Rows.counterDelta(delta)));
        }

        /** Removes a counter (it reads as 0 again). */
        Batch deleteCounter(byte[] counterKey) {
            counterKeys.add(counterKey);
            return run(() -> batch.delete(handles.get(Cf.COUNTERS), counterKey));
        }

        int count() {
            return batch.count();
        }

        /** Writes the batch, durable per the store's durability. */
        void write() {
            write(writeOptions);
        }

        /**
         * Writes the batch and syncs the WAL whatever the store's durability: for a change that
         * must survive a power loss before the caller does something it cannot take back.
         */
        void writeDurably() {
            write(synced);
        }

        private void write(WriteOptions options) {
            Runnable write = () -> guarded("write", () -> {
                db.write(options, batch);
                return null;
            });
            if (counterKeys.isEmpty()) {
                write.run();
            } else {
                counters.write(counterKeys, write);
            }
        }

        private Batch run(RocksAction action) {
            guarded("batch", () -> {
                action.run();
                return null;
            });
            return this;
        }

        @Override
        public void close() {
            batch.close();
        }
    }

    Batch batch() {
        return new Batch();
    }

    // ---- lifecycle ----

    interface RocksCall<T> {
        T run() throws RocksDBException;
    }

    interface RocksAction {
        void run() throws RocksDBException;
    }

    private <T> T guarded(String what, RocksCall<T> call) {
        gate.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the embedded store is closed");
            }
            return call.run();
        } catch (RocksDBException e) {
            throw translate(what, e);
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Cheap health probe: a point read that goes through RocksDB. */
    void probe() {
        get(Cf.META, new byte[] {0});
    }

    /**
     * Waits for calls in flight, syncs the WAL (so a clean shutdown loses nothing even under
     * RELAXED), then closes handles before the database and the options after it, as RocksDB wants.
     */
    @Override
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                db.flushWal(true);
            } catch (RocksDBException e) {
                throw translate("sync the WAL", e);
            } finally {
                db.cancelAllBackgroundWork(true);
                handles.values().forEach(ColumnFamilyHandle::close);
                db.close();
                closeAll(resources);
            }
        } finally {
            gate.writeLock().unlock();
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + resources.get(i), e);
            }
        }
    }

    static RuntimeException translate(String what, RocksDBException e) {
        Status status = e.getStatus();
        if (status != null && status.getCode() == Status.Code.Corruption) {
            StoreCorruptionException corruption = new StoreCorruptionException("RocksDB " + what + ": " + e.getMessage());
            corruption.initCause(e);
            return corruption;
        }
        return new StoreUnavailableException("RocksDB " + what + " failed: " + e.getMessage(), e);
    }
}
