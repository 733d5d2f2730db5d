package io.tessera.hashmap;

import java.util.List;

/**
 * An object's content as Pithos sees it: the ordered hashes of its fixed-size blocks plus its
 * length in bytes. The last block may be short; block {@code i} covers bytes
 * {@code [i*blockSize, min((i+1)*blockSize, length))}.
 */
public record Hashmap(BlockSize blockSize, long length, List<BlockHash> hashes) {

    public Hashmap {
        if (blockSize == null) {
            throw new IllegalArgumentException("block size is required");
        }
        hashes = List.copyOf(hashes);
        long expected = blockSize.blockCount(length);
        if (hashes.size() != expected) {
            // Pithos' InconsistentContentSize: the number of hashes must be ceil(bytes / block size).
            throw new IllegalArgumentException("a hashmap of " + length + " bytes in blocks of "
                    + blockSize.bytes() + " needs " + expected + " hashes, not " + hashes.size());
        }
    }

    public static Hashmap empty(BlockSize blockSize) {
        return new Hashmap(blockSize, 0, List.of());
    }

    public int blockCount() {
        return hashes.size();
    }

    /** Length in bytes of block {@code index} (only the last block may be shorter than the block size). */
    public int blockLength(int index) {
        long start = (long) index * blockSize.bytes();
        return (int) Math.min(blockSize.bytes(), length - start);
    }

    /** The Pithos object hash ({@code X-Object-Hash}). */
    public BlockHash merkleRoot() {
        return MerkleRoot.of(hashes);
    }
}
