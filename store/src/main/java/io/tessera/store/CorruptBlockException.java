package io.tessera.store;

import io.tessera.hashmap.BlockHash;

/**
 * A stored block whose content no longer hashes to its address (bit rot, a damaged disk, a file or row
 * changed behind the store's back). Its bytes must not reach anyone: the read that found it fails.
 */
public final class CorruptBlockException extends StoreCorruptionException {
    private final BlockHash block;

    public CorruptBlockException(BlockHash block, BlockHash actual) {
        super("block " + block + " is corrupt: its stored content hashes to " + actual);
        this.block = block;
    }

    /** A part of the block no longer matches what was checked ({@code why} says which part and how). */
    public CorruptBlockException(BlockHash block, String why) {
        super("block " + block + " is corrupt: " + why);
        this.block = block;
    }

    /** The address of the damaged block. */
    public BlockHash block() {
        return block;
    }
}
