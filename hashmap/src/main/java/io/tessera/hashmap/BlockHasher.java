package io.tessera.hashmap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Block hashing exactly as Pithos does it: SHA-256 of the block with its trailing NUL bytes
 * stripped ({@code H(block.rstrip('\x00'))}). A short last block therefore hashes like the same
 * block zero-padded to full size, and a block of only zeroes hashes to SHA-256("").
 *
 * <p>Because of this, a block is stored as its stripped content and zero-padded on read.
 */
public final class BlockHasher {
    private BlockHasher() {
    }

    /** Length of {@code buf[off, off+len)} once its trailing zero bytes are removed. */
    public static int strippedLength(byte[] buf, int off, int len) {
        int end = off + len;
        while (end > off && buf[end - 1] == 0) {
            end--;
        }
        return end - off;
    }

    /** The Pithos hash of the block {@code buf[off, off+len)}. */
    public static BlockHash hash(byte[] buf, int off, int len) {
        MessageDigest sha = sha256();
        sha.update(buf, off, strippedLength(buf, off, len));
        return BlockHash.of(sha.digest());
    }

    public static BlockHash hash(byte[] block) {
        return hash(block, 0, block.length);
    }

    /**
     * This thread's SHA-256, reset: every block read is checked against its hash, and a provider
     * lookup per block cost more than hashing a small one. Callers use it to the end before any other
     * call that may hash (nothing here is reentrant).
     */
    static MessageDigest sha256() {
        MessageDigest sha = SHA256.get();
        sha.reset(); // whatever a use that failed half-way left in it
        return sha;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });
}
