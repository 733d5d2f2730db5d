package io.tessera.swift.listing;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link ListingPagerStoreTest} on the embedded store. */
class ListingPagerEmbeddedStoreTest extends ListingPagerStoreTest {
    @TempDir
    Path dir;

    @Override
    Store openStore() {
        return EmbeddedStore.open(dir.resolve("data"), new BlockSize(64 * 1024), Durability.RELAXED, new MetricRegistry());
    }

    @Override
    int names() {
        return 400;
    }

    @Override
    int requests() {
        return 400;
    }
}
