package io.tessera.store;

import io.tessera.hashmap.BlockSize;

/**
 * One Tessera store: blocks, hashmaps and metadata, behind one backend (embedded or cassandra).
 *
 * <p>The SPI is shaped by what Apache Cassandra can do (ARCHITECTURE.md, Backends): every write
 * touches one partition; concurrent writes to the same row resolve last-write-wins by timestamp;
 * compare-and-set is offered only where a caller truly needs it ({@link MetadataStore#putObject}
 * with {@link PutCondition#IF_ABSENT}, {@link MetadataStore#putSettingIfAbsent}). No backend may offer
 * more (no multi-key transactions), so code that works on a laptop works on a cluster.
 *
 * <p>Durability: every write method returns only once its effect is durable under the store's
 * {@link Durability} setting. Callers publish last (invariant 2): blocks, then the map, then the
 * object version row, so a crash leaves either the old version or the new one.
 */
public interface Store extends AutoCloseable {

    BlockStore blocks();

    MapStore maps();

    MetadataStore metadata();

    /** Mutable blocks owned by volumes (see {@link OwnedBlockStore}). */
    OwnedBlockStore owned();

    /** Volume records, overlays, leases (see {@link VolumeStore}). */
    VolumeStore volumes();

    /** Scans, the condemned mark and state for the collector, scrub and fsck (see {@link GcStore}). */
    GcStore gc();

    /** The store-wide block size; fixed when the store is created. */
    BlockSize blockSize();

    /** Cheap liveness probe for health checks: throws {@link StoreUnavailableException} if the store cannot serve. */
    void checkReachable();

    @Override
    void close();
}
