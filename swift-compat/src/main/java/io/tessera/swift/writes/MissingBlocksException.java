package io.tessera.swift.writes;

import io.tessera.hashmap.BlockHash;
import java.util.List;

/**
 * A {@link WriteContent.Hashed} write names blocks the store lacks: nothing was stored or published.
 * The Pithos layer answers it with 409 and the list (io.tessera.swift.pithos).
 */
public final class MissingBlocksException extends RuntimeException {
    private final List<BlockHash> missing;

    public MissingBlocksException(List<BlockHash> missing) {
        super(missing.size() + " blocks are missing", null, false, false);
        this.missing = List.copyOf(missing);
    }

    /** The missing blocks, each once, in the map's order. */
    public List<BlockHash> missing() {
        return missing;
    }
}
