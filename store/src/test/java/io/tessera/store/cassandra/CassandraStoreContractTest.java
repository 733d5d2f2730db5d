package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Store;
import io.tessera.store.StoreContractTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared contract on the cassandra backend, against a real node (see {@link CassandraExtension}).
 *
 * <p>Creating a keyspace's tables takes 15-20 s on a busy two-core machine, so the class creates them once
 * and empties them before each test (TRUNCATE, about half a second for all of them); the store itself is
 * opened once too. 64 KiB blocks, as the suite suggests, keep its block tests quick.
 */
class CassandraStoreContractTest extends StoreContractTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    /** Every table but store_meta, which holds the schema version and the store's fixed parameters. */
    private static final List<String> DATA_TABLES = List.of("blocks", "block_index", "block_usage", "maps",
            "map_pages", "accounts", "account_usage", "containers", "container_usage", "objects", "settings",
            "owned_chunks", "volumes", "volume_overlay", "volume_leases", "volume_attachments", "hash_jobs", "expiry_index", "expiry_hours",
            "expiry_due", "expiry_buckets", "expiry_days", "expiry_minutes");

    private static CassandraStore shared;

    @Override
    protected Store newStore() {
        if (shared == null) {
            shared = CassandraStore.open(CASSANDRA.config().blockSize(new BlockSize(64 * 1024)).build());
        } else {
            for (String table : DATA_TABLES) {
                CASSANDRA.session().execute(SimpleStatement.newInstance("TRUNCATE " + CASSANDRA.keyspace() + "." + table)
                        .setTimeout(Duration.ofSeconds(60)));
            }
        }
        return shared;
    }

    @Override
    protected boolean racingPutsOfANewBlockCountItOnce() {
        return false;
    }

    @Override
    protected int listingRounds() {
        return 2; // every query is a slice per listing shard
    }

    @Override
    protected void closeStore(Store store) {
        // kept open for the next test; closed after the class
    }

    @AfterAll
    static void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }
}
