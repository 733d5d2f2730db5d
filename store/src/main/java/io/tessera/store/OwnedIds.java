package io.tessera.store;

import io.tessera.hashmap.BlockHash;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Owned ids: {@code "tessera-owned-v1"} (16 ASCII bytes) followed by 16 random bytes. A SHA-256 output
 * starts with that prefix with probability 2^-128, so an id with the prefix is never a content hash,
 * and 2^128 random suffixes make two owned ids collide never in practice.
 */
public final class OwnedIds {
    public static final int PREFIX_LENGTH = 16;
    private static final byte[] PREFIX = "tessera-owned-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnedIds() {
    }

    public static BlockHash newId() {
        byte[] b = new byte[BlockHash.LENGTH];
        System.arraycopy(PREFIX, 0, b, 0, PREFIX_LENGTH);
        byte[] suffix = new byte[BlockHash.LENGTH - PREFIX_LENGTH];
        RANDOM.nextBytes(suffix);
        System.arraycopy(suffix, 0, b, PREFIX_LENGTH, suffix.length);
        return BlockHash.of(b);
    }

    public static boolean isOwned(BlockHash hash) {
        return hash.startsWith(PREFIX, PREFIX_LENGTH); // every block read asks: no copy of the hash
    }
}
