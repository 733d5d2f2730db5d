package io.tessera.store.gc;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.embedded.CounterSkew;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCollectorTest extends CollectorTest {
    @TempDir
    Path data;

    @Override
    protected Store openStore() {
        return EmbeddedStore.open(data, new BlockSize(BLOCK), Durability.RELAXED, new MetricRegistry());
    }

    @Override
    protected void skewContainerUsage(String account, String container, long objects, long bytes) {
        CounterSkew.add(store, account, container, 0, objects, bytes);
    }

    @Override
    protected void skewAccountUsage(String account, long containers, long objects, long bytes) {
        CounterSkew.add(store, account, null, containers, objects, bytes);
    }
}
