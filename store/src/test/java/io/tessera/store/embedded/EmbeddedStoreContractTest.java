package io.tessera.store.embedded;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.StoreContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on the embedded backend. 64 KiB blocks with a 4 KiB inline limit, so the suite's
 * small blocks go through RocksDB rows and its larger ones through block files.
 */
class EmbeddedStoreContractTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Store newStore() {
        return EmbeddedStore.open(dir.resolve("data"), new BlockSize(64 * 1024), Durability.DURABLE,
                new MetricRegistry(), 4096);
    }
}
