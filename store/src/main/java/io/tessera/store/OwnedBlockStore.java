package io.tessera.store;

import io.tessera.hashmap.BlockHash;

/**
 * Mutable blocks owned by one volume (ARCHITECTURE.md, Volumes): the only data in a store that
 * changes in place. An owned block is addressed by an {@link OwnedIds owned id}, a {@link BlockHash}
 * that starts with a reserved 16-byte prefix no SHA-256 output plausibly has, so a map may name
 * content blocks and owned blocks side by side and a reader tells them apart by the id alone.
 *
 * <p>An owned block is at most one store block long. Bytes never written read as zero, and an id that
 * was never written reads as a block of zeroes (a volume may point at a block whose first write was
 * lost in a crash before any flush: it then reads zeroes, as a disk that lost unflushed writes).
 *
 * <p>Writes and syncs go through the owning volume's {@link VolumeWriter}, fenced by its lease
 * generation (invariant 5): this interface only reads and deletes.
 */
public interface OwnedBlockStore {

    /** Reads {@code len} bytes at {@code offset} of the block into {@code dest[destOff...]}; unwritten bytes read as zero. */
    void read(BlockHash id, int offset, byte[] dest, int destOff, int len);

    /** Removes an owned block. Only the collector (and tests) call this; deleting a missing id is a no-op. */
    void delete(BlockHash id);
}
