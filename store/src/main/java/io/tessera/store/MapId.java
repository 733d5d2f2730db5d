package io.tessera.store;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;

/**
 * The address of a stored hashmap: its Merkle root plus its length. Maps are content too (as in
 * Pithos): equal content gives one map, so a copy of an object, a snapshot of an unchanged image or
 * a re-upload of the same bytes writes no new map.
 */
public record MapId(BlockHash merkleRoot, long length) {

    public MapId {
        if (merkleRoot == null || length < 0) {
            throw new IllegalArgumentException("a map id needs a Merkle root and a length >= 0");
        }
    }

    public static MapId of(Hashmap map) {
        return new MapId(map.merkleRoot(), map.length());
    }

    /** Stable text form {@code <hex root>.<length>}, used as a key by backends. */
    public String key() {
        return merkleRoot.toHex() + "." + length;
    }

    public static MapId parse(String key) {
        int dot = key.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("not a map id: " + key);
        }
        return new MapId(BlockHash.fromHex(key.substring(0, dot)), Long.parseLong(key.substring(dot + 1)));
    }
}
