package io.tessera.store;

import io.tessera.hashmap.BlockHash;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable, content-addressed blocks (invariant 1). Callers store a block as its content with
 * trailing zero bytes stripped (see {@link io.tessera.hashmap.BlockHasher}) and pad it with zeroes to
 * the length the hashmap says when reading; the store keeps exactly the bytes it is given. The data
 * path never stores the all-zero block (its stripped content is empty, so readers need no lookup),
 * but the store accepts it like any other.
 *
 * <p>The store trusts that {@code hash} is the hash of {@code content}: callers compute it.
 */
public interface BlockStore {

    /**
     * Stores {@code content[off, off+len)} under {@code hash} unless a block with that hash exists.
     * Idempotent and safe to race: two writers of the same hash leave one block.
     *
     * @return true if this call wrote the block, false if it was already there
     */
    boolean putIfAbsent(BlockHash hash, byte[] content, int off, int len);

    /** Which of {@code hashes} are stored: one batched question, not one per hash. */
    Set<BlockHash> existing(Collection<BlockHash> hashes);

    /** The stored (stripped) content of a block, or empty if there is no such block. */
    Optional<byte[]> get(BlockHash hash);

    /**
     * Reads {@code len} bytes at {@code offset} of a block's stored (stripped) content into
     * {@code dest[destOff...]}, unchecked (callers check: {@code content.VerifiedBlocks}).
     *
     * @return how many bytes the content has in that range (fewer than {@code len} near its end), or -1
     *         if there is no such block
     */
    default int read(BlockHash hash, int offset, byte[] dest, int destOff, int len) {
        // Backends that can read a part of a block without reading all of it override this.
        Optional<byte[]> content = get(hash);
        if (content.isEmpty()) {
            return -1;
        }
        int n = Math.max(0, Math.min(len, content.get().length - offset));
        System.arraycopy(content.get(), offset, dest, destOff, n);
        return n;
    }

    /** Removes a block. Only the collector calls this, after proving nothing references it. */
    void delete(BlockHash hash);

    /** Physical usage: how many distinct blocks are stored and their stored bytes. */
    BlockStats stats();

    record BlockStats(long blocks, long bytes) {
    }
}
