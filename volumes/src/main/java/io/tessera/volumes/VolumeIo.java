package io.tessera.volumes;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.OwnedIds;
import io.tessera.store.Store;
import io.tessera.store.VolumeStore.Entry;
import io.tessera.store.VolumeStore.VolumeRecord;
import io.tessera.volumes.nbd.BlockDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;

/**
 * Reads and writes of one open volume (or of a read-only object) over its map.
 *
 * <p>Writes copy on write at block granularity: the first write to a block the volume does not own in
 * its current epoch (a parent's block, a zero block, or an owned block frozen by a snapshot) creates a
 * new owned block, copies the old content into it (a partial write) and writes the new bytes; the new
 * entry takes effect in memory at once and is stored by the next write barrier, after the block's data
 * is synced: an overlay entry is never durable before the data it names, and a write without FUA waits
 * for neither (NBD promises it nothing until a FLUSH). Later writes change the block in place. Whole
 * blocks zeroed or trimmed become zero entries, stored the same way; partial zeroing writes zeroes; a
 * partial TRIM of a block the volume does not own is dropped (NBD lets a server ignore TRIM, and copying
 * a block up to trim a part of it would only cost).
 *
 * <p>Durability: {@link #flush} is a group commit ({@link #syncAcknowledged}): when it returns, every
 * write acknowledged before it was called, through any connection sharing this VolumeIo, is durable;
 * flushes that arrive while a sync runs wait for it and then share the next one. A barrier syncs the
 * dirty owned blocks, then stores the entries not stored yet ({@link #unstored}). Snapshots, close, a
 * FUA write that changed an entry, and too many or too old unstored entries ({@link #MAX_UNSTORED},
 * {@link #storeIfOlderThan}) use the same barrier. This is what NBD's CAN_MULTI_CONN promises.
 *
 * <p>Concurrency: writes to an owned block of the current epoch go straight to it (concurrent NBD
 * requests carry no ordering); copy-ups, zeroing and trims of one block are serialized (striped locks)
 * and re-resolve the entry under the lock, so a copy-up never races another; a snapshot takes the
 * exclusive side of {@link #snapshotLock} and waits for writes in flight. The volume's record (size,
 * epoch, version) changes only through {@link #updateRecord}, under {@link #recordLock}.
 *
 * <p>Content blocks (an image's) are read through the process's one {@link BlockCache}.
 */
public final class VolumeIo implements BlockDevice {
    private static final int STRIPES = 64;
    /**
     * A copy-up copies the old block this many bytes at a time, through one buffer: a multiple of the
     * content blocks' piece checksums (4 KiB) and of Cassandra's owned-block rows (64 KiB).
     */
    static final int COPY_PIECE = 256 * 1024;
    /**
     * A write that leaves more entries than this unstored runs the barrier itself: the entries a volume
     * keeps in memory stay bounded (a few hundred KiB) whatever a guest writes without flushing.
     */
    static final int MAX_UNSTORED = 1024;

    private final Store store;
    private final BlockCache contentBlocks;
    private final VolumeMap map;
    private final String description;
    private final boolean readOnly;
    private final VolumeLease lease; // null for read-only
    private final Object[] stripes = new Object[STRIPES];
    /** Owned blocks written by acknowledged writes since the group commit that last took them. */
    private final Set<BlockHash> dirty = ConcurrentHashMap.newKeySet();
    /**
     * Entries in effect in {@link #map} but not yet stored: the next barrier stores them after syncing
     * the blocks they name. A key's value only changes to a newer entry, and a barrier removes a value
     * only if it is still the one it stored; barriers run one at a time, so the store sees each block's
     * entries in the order they were made.
     */
    private final ConcurrentHashMap<Long, Entry> unstored = new ConcurrentHashMap<>();
    /**
     * About when the oldest entry of {@link #unstored} was made (nanoTime; set when the map turns non-empty
     * and by each barrier that leaves entries behind): meaningful only while {@link #unstored} is non-empty.
     */
    private volatile long unstoredSince;
    final ReentrantReadWriteLock snapshotLock = new ReentrantReadWriteLock();
    /** Held while the record changes ({@link #updateRecord}): one change at a time, versions only forward. */
    final ReentrantLock recordLock = new ReentrantLock();
    private volatile VolumeRecord record; // null for a read-only object
    private final Runnable onClose;

    // The group commit (guarded by commitLock): batches are numbered; a batch is the dirty ids one sync took.
    private final Object commitLock = new Object();
    private long batchesTaken;   // the number of the last batch a sync took (running or finished)
    private long batchesDurable; // every batch up to this one is durable
    private boolean syncing;

    VolumeIo(Store store, BlockCache contentBlocks, VolumeRecord record, VolumeMap map, VolumeLease lease,
             String description, Runnable onClose) {
        this.store = store;
        this.contentBlocks = contentBlocks;
        this.record = record;
        this.map = map;
        this.lease = lease;
        this.readOnly = lease == null;
        this.description = description;
        this.onClose = onClose;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** A read-only device over an immutable map (an image or snapshot object). */
    static VolumeIo readOnly(Store store, BlockCache contentBlocks, Hashmap content, String description) {
        VolumeMap m = new VolumeMap(store.blockSize().bytes(), content.length(), content, Map.of());
        return new VolumeIo(store, contentBlocks, null, m, null, description, () -> { });
    }

    VolumeMap map() {
        return map;
    }

    VolumeRecord record() {
        return record;
    }

    /**
     * The one way an open volume's record changes (a resize, a snapshot's epoch bump): under
     * {@link #recordLock}, {@code change} is applied to the record this volume knows and the result stored
     * by compare-and-set on its version; if another server changed the stored record meanwhile, the
     * stored one is adopted and {@code change} applied again to it. The record in memory only moves to
     * newer versions, and the map grows with it.
     *
     * @param change the new record for a given one (its version + 1), or the same record for no change
     */
    VolumeRecord updateRecord(UnaryOperator<VolumeRecord> change) {
        recordLock.lock();
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                VolumeRecord r = record;
                VolumeRecord next = change.apply(r);
                if (next == r) {
                    return r;
                }
                if (store.volumes().update(next, r.version())) {
                    adopt(next);
                    return next;
                }
                adopt(store.volumes().get(r.account(), r.name())
                        .orElseThrow(() -> VolumeException.notFound("volume " + r.name())));
            }
            throw VolumeException.conflict("volume " + record.name() + " changed under us five times in a row");
        } finally {
            recordLock.unlock();
        }
    }

    private void adopt(VolumeRecord r) {
        if (r.version() > record.version()) {
            if (r.size() > map.size()) {
                map.grow(r.size());
            }
            record = r;
        }
    }

    VolumeLease lease() {
        return lease;
    }

    @Override
    public long size() {
        return map.size();
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public String description() {
        return description;
    }

    private int bs() {
        return map.blockSize();
    }

    // ---------------------------------------------------------------- reads

    /**
     * A volume's map in memory is only true while this server holds its lease: a holder that knows (or
     * should know) it was fenced refuses to serve it ({@link VolumeLease#check}, no store round trip).
     */
    private void checkServing() {
        if (lease != null) {
            lease.check();
        }
    }

    @Override
    public void read(long offset, byte[] dest, int destOff, int len) {
        checkRange(offset, len);
        checkServing();
        int pos = 0;
        while (pos < len) {
            long abs = offset + pos;
            long i = abs / bs();
            int inBlock = (int) (abs % bs());
            int n = Math.min(len - pos, bs() - inBlock);
            readBlock(map.resolve(i).block(), inBlock, dest, destOff + pos, n);
            pos += n;
        }
    }

    private void readBlock(BlockHash block, int inBlock, byte[] dest, int destOff, int n) {
        if (block.isZeroBlock()) {
            Arrays.fill(dest, destOff, destOff + n, (byte) 0);
        } else if (OwnedIds.isOwned(block)) {
            store.owned().read(block, inBlock, dest, destOff, n);
        } else {
            // Checked against the block's hash (BlockCache, VerifiedBlocks): a corrupt block fails the read
            // (an NBD EIO) instead of handing the guest wrong data. Owned blocks have no address to check.
            int stored = contentBlocks.read(block, inBlock, dest, destOff, n);
            Arrays.fill(dest, destOff + stored, destOff + n, (byte) 0);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void write(long offset, byte[] src, int srcOff, int len, boolean fua) {
        mutate(offset, len, fua, (i, inBlock, pos, n, touched) -> writeBlock(i, inBlock, src, srcOff + pos, n, touched));
    }

    @Override
    public void writeZeroes(long offset, long len, boolean fua, boolean noHole) {
        zeroes(offset, len, fua, noHole, false);
    }

    @Override
    public void trim(long offset, long len, boolean fua) {
        zeroes(offset, len, fua, false, true);
    }

    private void zeroes(long offset, long len, boolean fua, boolean noHole, boolean trim) {
        checkRange(offset, len);
        mutate(offset, len, fua, (i, inBlock, pos, n, touched) -> {
            synchronized (stripes[(int) (i % STRIPES)]) {
                zeroBlock(i, inBlock, n, noHole, trim, touched);
            }
        });
    }

    /** What one request changed: the owned blocks it wrote, and whether it made an entry. */
    private static final class Changes {
        final Set<BlockHash> blocks = new HashSet<>(4);
        boolean entries;
    }

    private interface BlockOp {
        void apply(long block, int inBlock, int pos, int n, Changes touched);
    }

    private void mutate(long offset, long len, boolean fua, BlockOp op) {
        if (readOnly) {
            throw new VolumeException(403, "read-only");
        }
        checkRange(offset, len);
        lease.check();
        Changes touched = new Changes();
        snapshotLock.readLock().lock();
        try {
            long pos = 0;
            while (pos < len) {
                long abs = offset + pos;
                long i = abs / bs();
                int inBlock = (int) (abs % bs());
                int n = (int) Math.min(len - pos, bs() - inBlock);
                op.apply(i, inBlock, (int) pos, n, touched);
                pos += n;
            }
        } finally {
            snapshotLock.readLock().unlock();
        }
        dirty.addAll(touched.blocks);
        if (fua && touched.entries || unstored.size() > MAX_UNSTORED) {
            syncAcknowledged(); // entries are stored by barriers only, so that they are stored in order
        } else if (fua) {
            lease.writer().sync(touched.blocks);
        }
        lease.check(); // the lease ran out meanwhile (not renewed): the write landed, but is not acknowledged
    }

    private long epoch() {
        return record.epoch();
    }

    private void writeBlock(long i, int inBlock, byte[] src, int srcOff, int n, Changes touched) {
        Entry e = map.resolve(i);
        if (VolumeMap.writableInPlace(e, epoch())) {
            lease.writer().write(e.block(), inBlock, src, srcOff, n);
            touched.blocks.add(e.block());
            return;
        }
        synchronized (stripes[(int) (i % STRIPES)]) {
            copyUpAndWrite(i, inBlock, src, srcOff, n, touched);
        }
    }

    private void copyUpAndWrite(long i, int inBlock, byte[] src, int srcOff, int n, Changes touched) {
        Entry e = map.resolve(i); // again, under the block's lock: another writer may have copied it up
        if (VolumeMap.writableInPlace(e, epoch())) {
            lease.writer().write(e.block(), inBlock, src, srcOff, n);
            touched.blocks.add(e.block());
            return;
        }
        BlockHash fresh = copyUp(i, e, !(inBlock == 0 && n == map.blockLength(i)));
        lease.writer().write(fresh, inBlock, src, srcOff, n);
        touched.blocks.add(fresh);
        setEntry(i, new Entry(fresh, epoch()), touched);
    }

    private static final byte[] ZEROES = new byte[64 * 1024];

    private void zeroBlock(long i, int inBlock, int n, boolean noHole, boolean trim, Changes touched) {
        Entry e = map.resolve(i);
        boolean whole = inBlock == 0 && n == map.blockLength(i);
        if (!noHole && e.block().isZeroBlock()) {
            return; // reads as zeroes already
        }
        if (!noHole && whole) {
            setEntry(i, new Entry(BlockHash.ZERO_BLOCK, epoch()), touched);
            return;
        }
        boolean inPlace = VolumeMap.writableInPlace(e, epoch());
        if (trim && !inPlace) {
            return; // a part of a block we do not own: NBD lets TRIM do nothing, and a copy-up would only cost
        }
        // A part of a block, or NO_HOLE (the client wants it allocated): write zeroes into an owned block.
        BlockHash target = inPlace ? e.block() : copyUp(i, e, !whole);
        for (int done = 0; done < n; ) {
            int k = Math.min(ZEROES.length, n - done);
            lease.writer().write(target, inBlock + done, ZEROES, 0, k);
            done += k;
        }
        touched.blocks.add(target);
        if (!inPlace) {
            setEntry(i, new Entry(target, epoch()), touched);
        }
    }

    /**
     * A new owned block for block {@code i}, holding the old content if {@code keepOld} (a partial write
     * keeps the bytes it does not overwrite). The caller writes the new bytes, then {@link #publishCopy}.
     *
     * <p>The old content goes over {@link #COPY_PIECE} bytes at a time through one buffer, so a copy-up
     * holds 256 KiB rather than a whole block (4 MiB) besides the request's own payload, which the NBD
     * payload budget counts; copy-ups run on the NBD server's 16 workers, so together they hold at most
     * 4 MiB. A content block is read through the shared {@link BlockCache} (checked), which loads it whole
     * on its first sight, within the cache's own bound, as a READ of it would.
     */
    private BlockHash copyUp(long i, Entry old, boolean keepOld) {
        BlockHash fresh = OwnedIds.newId();
        if (!keepOld || old.block().isZeroBlock()) {
            return fresh;
        }
        int len = map.blockLength(i);
        boolean owned = OwnedIds.isOwned(old.block());
        byte[] buf = new byte[Math.min(COPY_PIECE, len)];
        for (int off = 0; off < len; off += buf.length) {
            int n = Math.min(buf.length, len - off);
            int stored = n;
            if (owned) {
                store.owned().read(old.block(), off, buf, 0, n);
            } else {
                stored = contentBlocks.read(old.block(), off, buf, 0, n); // checked: damage must not move into an owned block
            }
            if (stored > 0) {
                lease.writer().write(fresh, off, buf, 0, stored);
            }
            if (stored < n) {
                break; // the content block's stored bytes end here: the rest reads as zeroes, as a fresh block does
            }
        }
        return fresh;
    }

    /**
     * Block {@code i} is now {@code e}: in effect at once, stored by the next barrier (after the block it
     * names is synced). Callers hold block {@code i}'s stripe lock.
     */
    private void setEntry(long i, Entry e, Changes touched) {
        map.set(i, e);
        if (unstored.isEmpty()) {
            unstoredSince = System.nanoTime();
        }
        unstored.put(i, e);
        touched.entries = true;
    }

    /** Runs the barrier if an entry has waited longer than this to be stored (the lease renewer calls it). */
    void storeIfOlderThan(long millis) {
        long since = unstoredSince;
        if (!unstored.isEmpty() && System.nanoTime() - since > millis * 1_000_000L) {
            syncAcknowledged();
        }
    }

    @Override
    public void flush() {
        if (readOnly) {
            return;
        }
        lease.check();
        syncAcknowledged();
        lease.check();
    }

    /**
     * The write barrier (FLUSH, snapshots, close), a group commit: returns once every write acknowledged
     * before the call, through any connection sharing this VolumeIo, is durable. Everything acknowledged
     * so far is either in {@link #dirty} or in a batch a sync already took; so the call needs the next
     * batch to be taken after it came in to finish. If a sync is running, it waits for it; then the first
     * waiter takes every dirty id as one batch and syncs it while the others wait for that one sync.
     */
    void syncAcknowledged() {
        long batch;
        synchronized (commitLock) {
            long needed = batchesTaken + 1;
            while (true) {
                if (batchesDurable >= needed) {
                    return; // another caller's sync, taken after we came in, covered us
                }
                if (!syncing) {
                    syncing = true;
                    batch = ++batchesTaken;
                    break;
                }
                try {
                    commitLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new VolumeException(503, "interrupted while waiting for a flush of " + description);
                }
            }
        }
        // The entries first, then the ids: every block an entry taken here names is synced by this batch
        // (its writer adds it to dirty before the write is acknowledged; it is also added here, in case
        // the entry was made by a request still running). Take the ids out before syncing them: a write
        // that completes meanwhile puts its id back for the next batch, instead of being forgotten.
        Map<Long, Entry> entries = Map.copyOf(unstored);
        Set<BlockHash> ids = new HashSet<>(dirty);
        ids.forEach(dirty::remove);
        entries.values().stream().map(Entry::block).filter(OwnedIds::isOwned).forEach(ids::add);
        boolean done = false;
        try {
            if (!ids.isEmpty()) {
                lease.writer().sync(ids);
            }
            if (!entries.isEmpty()) {
                lease.writer().putEntries(entries); // after the data they name
                entries.forEach(unstored::remove); // unless a newer entry replaced it meanwhile
                unstoredSince = System.nanoTime();
            }
            done = true;
        } catch (RuntimeException e) {
            dirty.addAll(ids); // the next batch retries them; the waiters go on and one of them takes it
            throw e;
        } finally {
            synchronized (commitLock) {
                syncing = false;
                if (done) {
                    batchesDurable = batch;
                }
                commitLock.notifyAll();
            }
        }
    }

    // ---------------------------------------------------------------- block status

    @Override
    public List<Extent> extents(long offset, long len, boolean one) {
        checkRange(offset, len);
        checkServing();
        List<Extent> out = new ArrayList<>();
        long pos = offset;
        long end = offset + len;
        int curFlags = -1;
        long curLen = 0;
        while (pos < end) {
            long i = pos / bs();
            long blockEnd = Math.min(end, (i + 1) * bs());
            int flags = map.resolve(i).block().isZeroBlock() ? (Extent.HOLE | Extent.ZERO) : 0;
            if (flags == curFlags) {
                curLen += blockEnd - pos;
            } else {
                if (curFlags >= 0) {
                    out.add(new Extent(curLen, curFlags));
                    if (one || out.size() >= 100_000) {
                        return out;
                    }
                }
                curFlags = flags;
                curLen = blockEnd - pos;
            }
            pos = blockEnd;
            if (curLen >= (1L << 31) - bs()) { // an extent length is a u32
                out.add(new Extent(curLen, curFlags));
                if (one) {
                    return out;
                }
                curFlags = -1;
                curLen = 0;
            }
        }
        if (curFlags >= 0) {
            out.add(new Extent(curLen, curFlags));
        }
        return out;
    }

    private void checkRange(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len > map.size()) {
            throw VolumeException.badRequest("range " + offset + "+" + len + " outside the device of " + map.size() + " bytes");
        }
    }

    /** Flushes and runs the owner's close hook (the service releases the lease when the last user closes). */
    @Override
    public void close() {
        onClose.run();
    }
}
