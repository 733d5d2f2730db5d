package io.tessera.store.embedded;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.BlockStore;
import io.tessera.store.Durability;
import io.tessera.store.MapStore;
import io.tessera.store.MetadataStore;
import io.tessera.store.Store;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default, zero-setup backend: one machine, everything under one data folder.
 *
 * <pre>
 *   dataDir/rocksdb/   RocksDB: block index and small blocks, hashmap pages, accounts, containers,
 *                      object versions, settings, counters (one column family each)
 *   dataDir/blocks/    blocks larger than 64 KiB, one file each (see {@link BlockFiles})
 *   dataDir/owned/     volumes' owned (mutable) blocks, one sparse file each (see {@link EmbeddedOwnedBlockStore})
 * </pre>
 *
 * <h2>Why large blocks are files and small ones RocksDB rows</h2>
 * Measured with {@code BlockWriteBench} (store/src/test) on a 2-core VM, ext4 on virtio, all writes
 * durable, three rounds each (this disk acknowledges an fsync in 20-45 us, so the numbers show the
 * write path's own cost rather than a spinning disk's):
 * <pre>
 *                                  256 MiB in 4 MiB blocks, 1 thread   2000 x 4 KiB blocks, 16 threads
 *   file per block                 1,050-1,400 MB/s                    3,500-6,400 ops/s
 *   file per block + index row     1,100-1,220 MB/s                    3,500-4,900 ops/s
 *   BlobDB (min_blob_size 0)         370-476 MB/s (334-377 w/ flush)   37,000-48,000 ops/s (22-31k w/ flush)
 *   BlobDB, blocks < 64 KiB inline   468-528 MB/s (425-473 w/ flush)   38,000-58,000 ops/s (27-36k w/ flush)
 * </pre>
 * Files win large blocks 2.5x: each byte is written once (BlobDB writes it to the WAL and again to
 * a blob file, and holds it in a memtable meanwhile, which costs native memory), and deleting a
 * block frees its space at once (BlobDB needs blob garbage collection, i.e. more rewriting). RocksDB
 * wins small blocks 8x: it group-commits concurrent writers into one WAL fsync, where a file costs
 * two fsyncs per block and an inode. Small blocks are common even at the 4 MiB default (every object
 * under 4 MiB ends in a short block), so blocks of at most 64 KiB stay in RocksDB and only larger
 * ones become files; every block has an index row in RocksDB so existence checks are one batched
 * lookup and {@link BlockStore#stats()} is exact.
 *
 * <p>The block size is written on first open and checked on every later one: stored maps only make
 * sense with the block size they were cut with.
 */
public final class EmbeddedStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);
    /** Prefix of this backend's Dropwizard metric names. */
    public static final String METRICS = "store.embedded.";
    private static final byte[] BLOCK_SIZE_KEY = Keys.utf8("block-size");

    private final Path dataDir;
    private final BlockSize blockSize;
    private final EmbeddedDb db;
    private final EmbeddedBlockStore blocks;
    private final EmbeddedMapStore maps;
    private final EmbeddedMetadataStore metadata;
    private final EmbeddedOwnedBlockStore owned;
    private final EmbeddedVolumeStore volumes;
    private final EmbeddedGcStore gc;

    private EmbeddedStore(Path dataDir, BlockSize blockSize, EmbeddedDb db, BlockFiles files, int inlineMax,
                          MetricRegistry metrics, Durability durability) {
        this.dataDir = dataDir;
        this.blockSize = blockSize;
        this.db = db;
        this.blocks = new EmbeddedBlockStore(db, files, blockSize.bytes(), inlineMax, metrics);
        this.maps = new EmbeddedMapStore(db, blockSize);
        this.metadata = new EmbeddedMetadataStore(db, new ObjectTable(db, metrics));
        this.owned = new EmbeddedOwnedBlockStore(dataDir.resolve("owned"), blockSize.bytes(), durability);
        this.volumes = new EmbeddedVolumeStore(db, owned);
        this.gc = new EmbeddedGcStore(db, blocks, maps, owned);
    }

    /**
     * Opens the store in {@code dataDir}, creating it if needed.
     *
     * @throws IllegalStateException if the folder holds a store with another block size
     * @throws StoreUnavailableException if the folder cannot be used (permissions, another process has it open)
     */
    public static EmbeddedStore open(Path dataDir, BlockSize blockSize, Durability durability, MetricRegistry metrics) {
        return open(dataDir, blockSize, durability, metrics, EmbeddedBlockStore.DEFAULT_INLINE_MAX);
    }

    /** As {@link #open(Path, BlockSize, Durability, MetricRegistry)}, with another inline limit (tests use it). */
    static EmbeddedStore open(Path dataDir, BlockSize blockSize, Durability durability, MetricRegistry metrics,
                              int inlineMax) {
        return open(dataDir, blockSize, durability, metrics, inlineMax, false);
    }

    /** As above; {@code unsyncedWalDiesWithProcess}: see {@link EmbeddedDb#open(Path, Durability, boolean)} (power-loss tests). */
    static EmbeddedStore open(Path dataDir, BlockSize blockSize, Durability durability, MetricRegistry metrics,
                              int inlineMax, boolean unsyncedWalDiesWithProcess) {
        Objects.requireNonNull(metrics, "metrics (pass a new MetricRegistry() if none is wanted)");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create the data folder " + dataDir, e);
        }
        EmbeddedDb db = EmbeddedDb.open(dataDir.resolve("rocksdb"), durability, unsyncedWalDiesWithProcess);
        try {
            checkBlockSize(db, dataDir, blockSize);
            EmbeddedStore store = new EmbeddedStore(dataDir, blockSize, db, new BlockFiles(dataDir.resolve("blocks")),
                    inlineMax, metrics, durability);
            log.info("opened embedded store in {} (blocks of {} bytes, {} writes)", dataDir, blockSize.bytes(), durability);
            return store;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static void checkBlockSize(EmbeddedDb db, Path dataDir, BlockSize wanted) {
        byte[] stored = db.get(Cf.META, BLOCK_SIZE_KEY);
        if (stored == null) {
            db.put(Cf.META, BLOCK_SIZE_KEY, ByteBuffer.allocate(4).putInt(wanted.bytes()).array());
            return;
        }
        int existing = ByteBuffer.wrap(stored).getInt();
        if (existing != wanted.bytes()) {
            throw new IllegalStateException("the store in " + dataDir + " was created with blocks of " + existing
                    + " bytes but is being opened with blocks of " + wanted.bytes() + " bytes; the block size is"
                    + " fixed when a store is created, so configure " + existing + " or use another data folder");
        }
    }

    /** The database itself, for this package's tests. */
    EmbeddedDb db() {
        return db;
    }

    @Override
    public BlockStore blocks() {
        return blocks;
    }

    @Override
    public MapStore maps() {
        return maps;
    }

    @Override
    public MetadataStore metadata() {
        return metadata;
    }

    @Override
    public io.tessera.store.OwnedBlockStore owned() {
        return owned;
    }

    @Override
    public io.tessera.store.VolumeStore volumes() {
        return volumes;
    }

    @Override
    public io.tessera.store.GcStore gc() {
        return gc;
    }

    @Override
    public BlockSize blockSize() {
        return blockSize;
    }

    @Override
    public void checkReachable() {
        try {
            db.probe();
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
        if (!Files.isDirectory(dataDir.resolve("blocks"))) {
            throw new StoreUnavailableException("the block folder " + dataDir.resolve("blocks") + " is gone");
        }
    }

    @Override
    public void close() {
        owned.close();
        db.close();
        log.info("closed embedded store in {}", dataDir);
    }
}
