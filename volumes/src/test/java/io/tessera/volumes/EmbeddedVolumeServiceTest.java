package io.tessera.volumes;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedVolumeServiceTest extends VolumeServiceContractTest {
    @TempDir
    Path dir;
    private Store opened;

    @Override
    protected Store store() {
        opened = EmbeddedStore.open(dir, new BlockSize(64 * 1024), Durability.DURABLE, new MetricRegistry());
        return opened;
    }

    @AfterEach
    void closeStore() {
        service.close();
        opened.close();
    }
}
