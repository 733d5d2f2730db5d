package io.tessera.store;

import io.tessera.hashmap.Hashmap;
import java.util.Optional;

/**
 * Hashmaps, addressed by {@link MapId}. Maps are immutable; a put of an existing id is a no-op.
 * Backends keep huge maps in partitions of bounded size (invariant 4), e.g. pages of a few thousand
 * hashes; callers always see the whole map.
 */
public interface MapStore {

    /**
     * Stores {@code map} under {@link MapId#of(Hashmap)} and returns that id. Idempotent.
     *
     * @throws IllegalArgumentException if the map's block size is not the store's: a map id does not
     *                                  name its block size, so {@link #get} answers with the store's
     */
    MapId put(Hashmap map);

    Optional<Hashmap> get(MapId id);

    /** Removes a map. Only the collector calls this. */
    void delete(MapId id);
}
