package io.tessera.hashmap;

/**
 * The fixed size objects are cut into: a store-wide setting, 4 MiB by default as in Pithos.
 * A power of two between 4 KiB and 64 MiB, so that block boundaries line up with any sector size.
 */
public record BlockSize(int bytes) {
    public static final BlockSize DEFAULT = new BlockSize(4 * 1024 * 1024);
    public static final int MIN = 4 * 1024;
    public static final int MAX = 64 * 1024 * 1024;

    public BlockSize {
        if (bytes < MIN || bytes > MAX || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException(
                    "block size must be a power of two between " + MIN + " and " + MAX + " bytes, not " + bytes);
        }
    }

    /** How many blocks an object of {@code length} bytes has: ceil(length / block size). */
    public long blockCount(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        return (length + bytes - 1) / bytes;
    }

    /** Index of the block that holds byte {@code offset}. */
    public long blockIndex(long offset) {
        return offset / bytes;
    }
}
