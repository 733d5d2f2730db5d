package io.tessera.store.gc;

import io.tessera.hashmap.BlockSize;
import io.tessera.store.Store;
import io.tessera.store.cassandra.CassandraExtension;
import io.tessera.store.cassandra.CassandraStore;
import io.tessera.store.cassandra.CounterSkew;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The collector against a real Cassandra; one keyspace (and store) for the class, one account per test. */
class CassandraCollectorTest extends CollectorTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();
    private static CassandraStore shared;

    @Override
    protected Store openStore() {
        if (shared == null) {
            shared = CassandraStore.open(CASSANDRA.config().blockSize(new BlockSize(BLOCK)).build());
        }
        return shared;
    }

    @Override
    protected void closeStore(Store s) {
        // shared by the class
    }

    @Override
    protected void skewContainerUsage(String account, String container, long objects, long bytes) {
        CounterSkew.add(CASSANDRA, account, container, 0, objects, bytes);
    }

    @Override
    protected void skewAccountUsage(String account, long containers, long objects, long bytes) {
        CounterSkew.add(CASSANDRA, account, null, containers, objects, bytes);
    }

    @AfterAll
    static void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }
}
