package io.tessera.hashmap;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The SHA-256 address of a block's content, as Pithos computes it (see {@link BlockHasher}).
 * Immutable value type; compares by content.
 */
public final class BlockHash implements Comparable<BlockHash> {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    /** SHA-256 of the empty string: the hash of a block of only zero bytes (Archipelago's "zero block"). */
    public static final BlockHash ZERO_BLOCK =
            fromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    private final byte[] bytes;
    private final int hashCode;

    private BlockHash(byte[] bytes) {
        this.bytes = bytes;
        this.hashCode = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of the given 32 bytes. */
    public static BlockHash of(byte[] bytes) {
        return of(bytes, 0);
    }

    /** Wraps a copy of the 32 bytes at {@code offset}. */
    public static BlockHash of(byte[] bytes, int offset) {
        if (bytes.length - offset < LENGTH) {
            throw new IllegalArgumentException("a block hash has " + LENGTH + " bytes");
        }
        return new BlockHash(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
    }

    /** Parses 64 hex digits (either case); throws IllegalArgumentException on anything else. */
    public static BlockHash fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a block hash is " + 2 * LENGTH + " hex digits");
        }
        return new BlockHash(HEX.parseHex(hex));
    }

    /** Whether the hash's first {@code n} bytes are {@code prefix}'s first {@code n} (no copy made). */
    public boolean startsWith(byte[] prefix, int n) {
        return Arrays.equals(bytes, 0, n, prefix, 0, n);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code dest} at {@code offset}. */
    public void copyTo(byte[] dest, int offset) {
        System.arraycopy(bytes, 0, dest, offset, LENGTH);
    }

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    public boolean isZeroBlock() {
        return equals(ZERO_BLOCK);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockHash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    @Override
    public int compareTo(BlockHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
