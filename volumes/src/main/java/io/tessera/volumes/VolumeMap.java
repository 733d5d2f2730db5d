package io.tessera.volumes;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.OwnedIds;
import io.tessera.store.VolumeStore.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A volume's map in memory: the parent's immutable hashmap under the volume's own overlay. Pure logic,
 * no I/O: the caller persists an overlay change before it relies on it.
 *
 * <p>Block {@code i} resolves to the overlay entry if there is one, else the parent's hash (epoch -1:
 * never writable in place, even if it names an owned block of another volume's unhashed snapshot),
 * else the zero block (past the parent's end: a clone grown larger, or an empty volume).
 */
public final class VolumeMap {
    /** The epoch of entries the volume did not write itself. */
    public static final long INHERITED = -1;
    private static final Entry ZERO = new Entry(BlockHash.ZERO_BLOCK, INHERITED);

    private final int blockSize;
    private final List<BlockHash> parent;
    private final Map<Long, Entry> overlay;
    private volatile long size;

    public VolumeMap(int blockSize, long size, Hashmap parent, Map<Long, Entry> overlay) {
        if (parent != null && parent.blockSize().bytes() != blockSize) {
            throw new IllegalArgumentException("the parent map has another block size");
        }
        if (parent != null && parent.length() > size) {
            throw new IllegalArgumentException("a volume is never smaller than its parent");
        }
        this.blockSize = blockSize;
        this.size = size;
        this.parent = parent == null ? List.of() : parent.hashes();
        this.overlay = new ConcurrentHashMap<>(overlay);
    }

    public int blockSize() {
        return blockSize;
    }

    public long size() {
        return size;
    }

    public void grow(long newSize) {
        if (newSize < size) {
            throw new IllegalArgumentException("volumes only grow");
        }
        size = newSize;
    }

    public long blockCount() {
        return (size + blockSize - 1) / blockSize;
    }

    /** Length of block {@code i}: the block size, except for a short last block. */
    public int blockLength(long i) {
        return (int) Math.min(blockSize, size - i * blockSize);
    }

    public Entry resolve(long i) {
        Entry e = overlay.get(i);
        if (e != null) {
            return e;
        }
        if (i < parent.size()) {
            return new Entry(parent.get((int) i), INHERITED);
        }
        return ZERO;
    }

    /** Whether block {@code i} is in the overlay (else it comes from the parent, or is a zero past it). */
    public boolean isOwnEntry(long i) {
        return overlay.containsKey(i);
    }

    /** An owned block the volume created in its current epoch: the only kind written in place. */
    public static boolean writableInPlace(Entry e, long currentEpoch) {
        return e.epoch() == currentEpoch && OwnedIds.isOwned(e.block());
    }

    public void set(long i, Entry e) {
        overlay.put(i, e);
    }

    /** The content as one immutable hashmap: what a snapshot publishes (owned ids until the hasher ran). */
    public Hashmap toHashmap(io.tessera.hashmap.BlockSize bs) {
        long n = blockCount();
        List<BlockHash> hashes = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            hashes.add(resolve(i).block());
        }
        return new Hashmap(bs, size, hashes);
    }

    public record Usage(long allocatedBytes, long ownedBytes, long sharedWithParentBytes) {
    }

    /**
     * Allocated: blocks that hold data (not the zero block). Owned: blocks the volume wrote itself (owned
     * ids in its overlay). Shared with the parent: blocks still read from the parent's map.
     */
    public Usage usage() {
        long allocated = 0;
        long owned = 0;
        long shared = 0;
        long n = blockCount();
        for (long i = 0; i < n; i++) {
            Entry e = resolve(i);
            if (e.block().isZeroBlock()) {
                continue;
            }
            int len = blockLength(i);
            allocated += len;
            if (!overlay.containsKey(i)) {
                shared += len;
            } else if (OwnedIds.isOwned(e.block())) {
                owned += len;
            }
        }
        return new Usage(allocated, owned, shared);
    }
}
