package io.tessera.volumes;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.ExecutionError;
import com.google.common.util.concurrent.UncheckedExecutionException;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.content.VerifiedBlocks;
import java.util.concurrent.ExecutionException;

/**
 * The process's one cache of content blocks (an image's, a hashed snapshot's), shared by every volume,
 * clone and object export of a {@link VolumeService}: keyed by block hash, so ten clones of one image
 * hold its blocks once, and bounded in bytes, so no number of volumes or exports grows it.
 *
 * <p>Whole blocks enter it checked against their hash ({@link VerifiedBlocks#get}); one load per block at
 * a time (concurrent misses on one block wait for the one read and check). A read of a part of a block
 * that is not cached does not load the block when its piece checksums are known
 * ({@link VerifiedBlocks#read}): a working set larger than the cache then costs a 4 KiB read and CRC32C
 * per 4 KiB miss, not a 4 MiB one.
 *
 * <p>Guava's cache (already a managed dependency of the build, so no new library): a weigher bounds
 * the bytes and {@code get(key, loader)} gives one load per key. Its eviction is LRU per segment (up to
 * four segments, each holding at least four blocks).
 */
final class BlockCache {
    /** The default bound: a sixth of the default 384 MiB heap. */
    static final long DEFAULT_BYTES = 64L << 20;
    /** Bytes of piece checksums kept by default: 4 KiB per 4 MiB block, so about 16 GiB of distinct blocks. */
    static final long DEFAULT_CHECKSUM_BYTES = 16L << 20;
    private static final int ENTRY_OVERHEAD = 200;

    private final VerifiedBlocks verified;
    private final Cache<BlockHash, byte[]> blocks;

    /** @param blockSize the store's: Guava splits the bound over segments, each must hold a few blocks */
    BlockCache(VerifiedBlocks verified, long maxBytes, int blockSize) {
        this.verified = verified;
        this.blocks = CacheBuilder.newBuilder()
                .maximumWeight(maxBytes)
                .concurrencyLevel((int) Math.max(1, Math.min(4, maxBytes / (4L * blockSize))))
                .weigher((BlockHash h, byte[] content) -> content.length + ENTRY_OVERHEAD)
                .build();
    }

    /** The whole stored (stripped) content of a content block, checked. */
    byte[] block(BlockHash hash) {
        try {
            return blocks.get(hash, () -> verified.get(hash));
        } catch (ExecutionException | UncheckedExecutionException | ExecutionError e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Reads {@code [offset, offset+len)} of a content block's stored content, checked; returns how many
     * bytes were stored there (the caller pads the rest of the range with zeroes).
     */
    int read(BlockHash hash, int offset, byte[] dest, int destOff, int len) {
        byte[] content = blocks.getIfPresent(hash);
        if (content == null) {
            if (verified.hasPieceChecksums(hash)) {
                return verified.read(hash, offset, dest, destOff, len); // the pieces the range touches
            }
            content = block(hash); // first sight: read and check it whole (which keeps its piece checksums)
        }
        int stored = Math.max(0, Math.min(len, content.length - offset));
        System.arraycopy(content, offset, dest, destOff, stored);
        return stored;
    }

    /** Bytes held now (tests, metrics). */
    long weightedSize() {
        return blocks.asMap().values().stream().mapToLong(c -> c.length + ENTRY_OVERHEAD).sum();
    }
}
