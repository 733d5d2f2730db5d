package io.tessera.store.content;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.StoreCorruptionException;
import java.util.List;

/**
 * Saves and loads the hashmap behind a {@link MapId}. A map of at most one block is never written:
 * its Merkle root is its only block hash, so the id alone says everything, and a small object costs
 * one block write and one version row, not three writes. The collector treats such an id as a direct
 * reference to its block.
 */
public final class ContentMaps {
    private final Store store;
    private final BlockSize blockSize;

    public ContentMaps(Store store) {
        this.store = store;
        this.blockSize = store.blockSize();
    }

    /** Whether the map behind {@code id} is implied by the id and not stored. */
    public boolean isImplicit(MapId id) {
        return id.length() <= blockSize.bytes();
    }

    public MapId save(Hashmap map) {
        MapId id = MapId.of(map);
        if (!isImplicit(id)) {
            store.maps().put(map);
        }
        return id;
    }

    public Hashmap load(MapId id) {
        if (id.length() == 0) {
            return Hashmap.empty(blockSize);
        }
        if (isImplicit(id)) {
            return new Hashmap(blockSize, id.length(), List.of(id.merkleRoot()));
        }
        return store.maps().get(id)
                .orElseThrow(() -> new StoreCorruptionException("map " + id.key() + " is missing"));
    }

    /**
     * Loads the map behind {@code id} for a new reference to it that moves no data (a server-side copy,
     * a volume clone) and makes sure the collector will not delete it: a map, or a one-block map's
     * block, that the collector has condemned is stored again, which revives it (store/GC.md, "New
     * references to existing content"). Costs one extra index read when nothing is condemned.
     *
     * @throws StoreCorruptionException if the map or a one-block map's block is missing
     */
    public Hashmap retain(MapId id) {
        Hashmap map = load(id);
        if (id.length() == 0) {
            return map;
        }
        if (!isImplicit(id)) {
            store.maps().put(map); // a no-op read, unless condemned: then it clears the mark
            return map;
        }
        BlockHash block = id.merkleRoot();
        if (block.isZeroBlock() || io.tessera.store.OwnedIds.isOwned(block)
                || !store.blocks().existing(List.of(block)).isEmpty()) {
            return map;
        }
        // Absent or condemned: a condemned block still has its content, and storing it again revives it.
        byte[] content = store.blocks().get(block)
                .orElseThrow(() -> new StoreCorruptionException("block " + block + " is missing"));
        store.blocks().putIfAbsent(block, content, 0, content.length);
        return map;
    }

    /**
     * Publishes {@code version}, which names content that existed before this request: the one path for
     * every write that points a name at an existing map (a server-side copy, versioning archiving or
     * restoring a version, a POST publishing an object again with new metadata). It {@link #retain retains}
     * the map first, so that content the collector condemned while its reference moved (a mark may miss a
     * reference that moves past it) is revived rather than freed. Writes of new content publish with
     * {@link MetadataStore#putObject} directly: storing the content already revived it.
     *
     * @throws StoreCorruptionException if the map or a one-block map's block is missing
     */
    public MetadataStore.PutOutcome publishExisting(ObjectVersion version, PutCondition condition) {
        retain(version.map());
        return store.metadata().putObject(version, condition);
    }

    /**
     * The blocks {@code map} names that the store lacks, each once, in the map's order: what a client
     * that publishes a map it hashed itself (a Pithos hashmap PUT) must upload first. The all-zero block
     * is never missing (it is never stored). A block the collector has condemned counts as missing
     * ({@link io.tessera.store.BlockStore#existing}): uploading it again revives it. Asks the store in
     * batches of {@value #EXISTING_BATCH} hashes.
     */
    public List<BlockHash> missingBlocks(Hashmap map) {
        List<BlockHash> distinct = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(map.hashes()));
        distinct.removeIf(BlockHash::isZeroBlock);
        List<BlockHash> missing = new java.util.ArrayList<>();
        for (int from = 0; from < distinct.size(); from += EXISTING_BATCH) {
            List<BlockHash> batch = distinct.subList(from, Math.min(distinct.size(), from + EXISTING_BATCH));
            java.util.Set<BlockHash> present = store.blocks().existing(batch);
            for (BlockHash h : batch) {
                if (!present.contains(h)) {
                    missing.add(h);
                }
            }
        }
        return missing;
    }

    private static final int EXISTING_BATCH = 1000;

    /** The blocks a map id references without loading a stored map, for one-block maps. */
    public static boolean referencesBlockDirectly(MapId id, BlockSize blockSize) {
        return id.length() > 0 && id.length() <= blockSize.bytes() && !id.merkleRoot().equals(BlockHash.ZERO_BLOCK);
    }
}
