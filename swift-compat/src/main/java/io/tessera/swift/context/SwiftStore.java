package io.tessera.swift.context;

import io.tessera.hashmap.BlockSize;
import io.tessera.store.BlockStore;
import io.tessera.store.GcStore;
import io.tessera.store.MapStore;
import io.tessera.store.MetadataStore;
import io.tessera.store.OwnedBlockStore;
import io.tessera.store.Store;
import io.tessera.store.VolumeStore;

/**
 * The store as the Swift API sees it: the same store, with metadata writes that keep the
 * {@link InfoCache} true ({@link InvalidatingMetadataStore}). Closing it leaves the store open: the
 * server owns that.
 */
public final class SwiftStore implements Store {
    private final Store store;
    private final MetadataStore metadata;
    private final InfoCache info;

    public SwiftStore(Store store) {
        this.store = store;
        this.info = new InfoCache(store.metadata());
        this.metadata = new InvalidatingMetadataStore(store.metadata(), info);
    }

    /** The cached account and container rows the middlewares read. */
    public InfoCache info() {
        return info;
    }

    @Override
    public BlockStore blocks() {
        return store.blocks();
    }

    @Override
    public MapStore maps() {
        return store.maps();
    }

    @Override
    public MetadataStore metadata() {
        return metadata;
    }

    @Override
    public OwnedBlockStore owned() {
        return store.owned();
    }

    @Override
    public VolumeStore volumes() {
        return store.volumes();
    }

    @Override
    public GcStore gc() {
        return store.gc();
    }

    @Override
    public BlockSize blockSize() {
        return store.blockSize();
    }

    @Override
    public void checkReachable() {
        store.checkReachable();
    }

    @Override
    public void close() {
    }
}
