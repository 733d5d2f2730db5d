package io.tessera.hashmap;

import java.security.MessageDigest;
import java.util.List;

/**
 * The Pithos object hash: a binary Merkle root over the block hashes (pithos modular.py
 * {@code HashMap.hash()}). No blocks gives SHA-256(""); one block gives its own hash; otherwise the
 * leaves are padded with all-zero digests up to the next power of two (at least 2), and each pair is
 * replaced by SHA-256(left || right) until one remains.
 */
public final class MerkleRoot {
    private MerkleRoot() {
    }

    public static BlockHash of(List<BlockHash> leaves) {
        if (leaves.isEmpty()) {
            return BlockHash.ZERO_BLOCK;
        }
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int width = 2;
        while (width < leaves.size()) {
            width <<= 1;
        }
        byte[][] level = new byte[width][];
        for (int i = 0; i < width; i++) {
            level[i] = i < leaves.size() ? leaves.get(i).toBytes() : new byte[BlockHash.LENGTH];
        }
        MessageDigest sha = BlockHasher.sha256();
        while (width > 1) {
            width /= 2;
            for (int i = 0; i < width; i++) {
                sha.update(level[2 * i]);
                sha.update(level[2 * i + 1]);
                level[i] = sha.digest();
            }
        }
        return BlockHash.of(level[0]);
    }
}
