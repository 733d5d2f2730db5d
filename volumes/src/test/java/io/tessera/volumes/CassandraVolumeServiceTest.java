package io.tessera.volumes;

import io.tessera.hashmap.BlockSize;
import io.tessera.store.Store;
import io.tessera.store.cassandra.CassandraExtension;
import io.tessera.store.cassandra.CassandraStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The volume layer on a real Cassandra node (see CassandraExtension); tests use distinct names, so no truncation. */
class CassandraVolumeServiceTest extends VolumeServiceContractTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();
    private static CassandraStore shared;

    @Override
    protected Store store() {
        if (shared == null) {
            shared = CassandraStore.open(CASSANDRA.config().blockSize(new BlockSize(64 * 1024)).build());
        }
        return shared;
    }

    @AfterEach
    void closeService() {
        service.close();
    }

    @AfterAll
    static void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }
}
