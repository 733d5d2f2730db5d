package io.tessera.volumes;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.OwnedIds;
import io.tessera.store.Store;
import io.tessera.store.VolumeStore.Entry;
import io.tessera.store.VolumeStore.VolumeRecord;
import io.tessera.store.content.VerifiedBlocks;
import io.tessera.volumes.nbd.BlockDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Reads and writes of one open volume (or of a read-only object) over its map.
 *
 * <p>Writes copy on write at block granularity: the first write to a block the volume does not own in
 * its current epoch (a parent's block, a zero block, or an owned block frozen by a snapshot) creates a
 * new owned block, copies the old content into it, syncs it if it holds old data, and records the new
 * entry in the store before the write is acknowledged; later writes to it change it in place. Whole
 * blocks zeroed or trimmed become zero entries; partial ranges are written as zeroes.
 *
 * <p>Concurrency: writes to an owned block of the current epoch go straight to it (concurrent NBD
 * requests carry no ordering); copy-ups, zeroing and trims of one block are serialized (striped
 * locks) and re-resolve the entry under the lock, so a copy-up never races another; a snapshot takes the exclusive side of {@link #snapshotLock} and waits for writes in flight.
 * Several NBD connections of this process may share one VolumeIo: a flush on any of them syncs every
 * owned block dirtied through any of them, which is what NBD's CAN_MULTI_CONN promises.
 */
public final class VolumeIo implements BlockDevice {
    private static final int STRIPES = 64;
    private static final int CONTENT_CACHE_BLOCKS = 8;

    private final Store store;
    private final VerifiedBlocks contentBlocks;
    private final VolumeMap map;
    private final String description;
    private final boolean readOnly;
    private final VolumeLease lease; // null for read-only
    private final Object[] stripes = new Object[STRIPES];
    private final Set<BlockHash> dirty = ConcurrentHashMap.newKeySet();
    final ReentrantReadWriteLock snapshotLock = new ReentrantReadWriteLock();
    private final Map<BlockHash, byte[]> contentCache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BlockHash, byte[]> eldest) {
            return size() > CONTENT_CACHE_BLOCKS;
        }
    };
    private final Map<BlockHash, CompletableFuture<byte[]>> loading = new ConcurrentHashMap<>();
    private volatile VolumeRecord record; // null for a read-only object
    private final Runnable onClose;

    VolumeIo(Store store, VerifiedBlocks contentBlocks, VolumeRecord record, VolumeMap map, VolumeLease lease,
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
    static VolumeIo readOnly(Store store, VerifiedBlocks contentBlocks, Hashmap content, String description) {
        VolumeMap m = new VolumeMap(store.blockSize().bytes(), content.length(), content, Map.of());
        return new VolumeIo(store, contentBlocks, null, m, null, description, () -> { });
    }

    VolumeMap map() {
        return map;
    }

    VolumeRecord record() {
        return record;
    }

    void setRecord(VolumeRecord r) {
        this.record = r;
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

    @Override
    public void read(long offset, byte[] dest, int destOff, int len) {
        checkRange(offset, len);
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
            byte[] content = content(block);
            int stored = Math.max(0, Math.min(n, content.length - inBlock));
            if (stored > 0) {
                System.arraycopy(content, inBlock, dest, destOff, stored);
            }
            Arrays.fill(dest, destOff + stored, destOff + n, (byte) 0);
        }
    }

    /**
     * The stored (stripped) content of a content block (an image's or a hashed snapshot's), through a
     * small LRU. It is checked against its hash once, when it enters the cache: a corrupt block fails the
     * read (an NBD EIO) instead of handing the guest wrong data. Owned blocks have no address to check.
     *
     * <p>One load per block at a time: concurrent requests that miss on the same block (a client reading
     * a block in pieces, several at once) wait for the one read and check instead of each repeating it.
     */
    private byte[] content(BlockHash hash) {
        synchronized (contentCache) {
            byte[] c = contentCache.get(hash);
            if (c != null) {
                return c;
            }
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> other = loading.putIfAbsent(hash, mine);
        if (other != null) {
            try {
                return other.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        try {
            byte[] c = contentBlocks.get(hash);
            synchronized (contentCache) {
                contentCache.put(hash, c);
            }
            mine.complete(c);
            return c;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(hash, mine);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void write(long offset, byte[] src, int srcOff, int len, boolean fua) {
        mutate(offset, len, fua, (i, inBlock, pos, n, touched) -> writeBlock(i, inBlock, src, srcOff + pos, n, touched));
    }

    @Override
    public void writeZeroes(long offset, long len, boolean fua, boolean noHole) {
        checkRange(offset, len);
        mutate(offset, len, fua, (i, inBlock, pos, n, touched) -> {
            synchronized (stripes[(int) (i % STRIPES)]) {
                zeroBlock(i, inBlock, n, noHole, touched);
            }
        });
    }

    @Override
    public void trim(long offset, long len, boolean fua) {
        writeZeroes(offset, len, fua, false);
    }

    private interface BlockOp {
        void apply(long block, int inBlock, int pos, int n, Set<BlockHash> touched);
    }

    private void mutate(long offset, long len, boolean fua, BlockOp op) {
        if (readOnly) {
            throw new VolumeException(403, "read-only");
        }
        checkRange(offset, len);
        lease.check();
        Set<BlockHash> touched = new java.util.HashSet<>(4);
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
        if (fua) {
            lease.writer().sync(touched);
        } else {
            dirty.addAll(touched);
        }
        lease.check(); // the lease ran out meanwhile (not renewed): the write landed, but is not acknowledged
    }

    private long epoch() {
        return record.epoch();
    }

    private void writeBlock(long i, int inBlock, byte[] src, int srcOff, int n, Set<BlockHash> touched) {
        Entry e = map.resolve(i);
        if (VolumeMap.writableInPlace(e, epoch())) {
            lease.writer().write(e.block(), inBlock, src, srcOff, n);
            touched.add(e.block());
            return;
        }
        synchronized (stripes[(int) (i % STRIPES)]) {
            copyUpAndWrite(i, inBlock, src, srcOff, n, touched);
        }
    }

    private void copyUpAndWrite(long i, int inBlock, byte[] src, int srcOff, int n, Set<BlockHash> touched) {
        Entry e = map.resolve(i); // again, under the block's lock: another writer may have copied it up
        if (VolumeMap.writableInPlace(e, epoch())) {
            lease.writer().write(e.block(), inBlock, src, srcOff, n);
            touched.add(e.block());
            return;
        }
        BlockHash fresh = copyUp(i, e, !(inBlock == 0 && n == map.blockLength(i)));
        lease.writer().write(fresh, inBlock, src, srcOff, n);
        touched.add(fresh);
        publishEntry(i, fresh);
    }

    private static final byte[] ZEROES = new byte[64 * 1024];

    private void zeroBlock(long i, int inBlock, int n, boolean noHole, Set<BlockHash> touched) {
        Entry e = map.resolve(i);
        boolean whole = inBlock == 0 && n == map.blockLength(i);
        if (!noHole && e.block().isZeroBlock()) {
            return; // reads as zeroes already
        }
        if (!noHole && whole) {
            setEntry(i, new Entry(BlockHash.ZERO_BLOCK, epoch()));
            return;
        }
        // A part of a block, or NO_HOLE (the client wants it allocated): write zeroes into an owned block.
        boolean inPlace = VolumeMap.writableInPlace(e, epoch());
        BlockHash target = inPlace ? e.block() : copyUp(i, e, !whole);
        for (int done = 0; done < n; ) {
            int k = Math.min(ZEROES.length, n - done);
            lease.writer().write(target, inBlock + done, ZEROES, 0, k);
            done += k;
        }
        touched.add(target);
        if (!inPlace) {
            publishEntry(i, target);
        }
    }

    /**
     * A new owned block for block {@code i}, holding the old content if {@code keepOld} (a partial
     * write). Synced before its entry is published: the old content was acknowledged long ago and must
     * survive a crash, whatever happens to the new write.
     */
    private BlockHash copyUp(long i, Entry old, boolean keepOld) {
        BlockHash fresh = OwnedIds.newId();
        if (!keepOld || old.block().isZeroBlock()) {
            return fresh;
        }
        int len = map.blockLength(i);
        if (OwnedIds.isOwned(old.block())) {
            byte[] buf = new byte[len];
            store.owned().read(old.block(), 0, buf, 0, len);
            lease.writer().write(fresh, 0, buf, 0, len);
        } else {
            byte[] c = content(old.block());
            lease.writer().write(fresh, 0, c, 0, Math.min(len, c.length));
        }
        lease.writer().sync(List.of(fresh));
        return fresh;
    }

    private void publishEntry(long i, BlockHash owned) {
        setEntry(i, new Entry(owned, epoch()));
    }

    private void setEntry(long i, Entry e) {
        lease.writer().putEntries(Map.of(i, e));
        map.set(i, e);
    }

    @Override
    public void flush() {
        if (readOnly) {
            return;
        }
        lease.check();
        // Take the ids out before syncing them: a write that completes meanwhile puts its id back for
        // the next flush, instead of being forgotten by this one.
        List<BlockHash> toSync = new ArrayList<>(dirty);
        toSync.forEach(dirty::remove);
        try {
            lease.writer().sync(toSync);
        } catch (RuntimeException e) {
            dirty.addAll(toSync);
            throw e;
        }
        lease.check();
    }

    // ---------------------------------------------------------------- block status

    @Override
    public List<Extent> extents(long offset, long len, boolean one) {
        checkRange(offset, len);
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

    void syncAll() {
        // Take the ids out before syncing them: a write that completes meanwhile puts its id back for
        // the next flush, instead of being forgotten by this one.
        List<BlockHash> toSync = new ArrayList<>(dirty);
        toSync.forEach(dirty::remove);
        try {
            lease.writer().sync(toSync);
        } catch (RuntimeException e) {
            dirty.addAll(toSync);
            throw e;
        }
    }
}
