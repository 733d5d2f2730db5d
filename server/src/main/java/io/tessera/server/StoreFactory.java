package io.tessera.server;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.server.config.TesseraConfig;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.util.Locale;

/** Opens the backend the configuration names. */
final class StoreFactory {
    private StoreFactory() {
    }

    static Store open(TesseraConfig.StoreSettings settings, Path dataDir, MetricRegistry metrics) throws Exception {
        Durability durability = switch (settings.durability().toLowerCase(Locale.ROOT)) {
            case "durable" -> Durability.DURABLE;
            case "relaxed" -> Durability.RELAXED;
            default -> throw new IllegalArgumentException(
                    "store.durability must be 'durable' or 'relaxed', not '" + settings.durability() + "'");
        };
        BlockSize blockSize = new BlockSize(settings.blockSize());
        return switch (settings.backend().toLowerCase(Locale.ROOT)) {
            case "embedded" -> EmbeddedStore.open(dataDir, blockSize, durability, metrics);
            default -> throw new IllegalArgumentException(
                    "store.backend must be 'embedded', not '" + settings.backend() + "'");
        };
    }
}
