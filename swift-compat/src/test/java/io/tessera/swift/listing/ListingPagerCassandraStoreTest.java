package io.tessera.swift.listing;

import io.tessera.hashmap.BlockSize;
import io.tessera.store.Store;
import io.tessera.store.cassandra.CassandraExtension;
import io.tessera.store.cassandra.CassandraStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ListingPagerStoreTest} on the cassandra store: a real node, a keyspace of this class's own. */
class ListingPagerCassandraStoreTest extends ListingPagerStoreTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    Store openStore() {
        return CassandraStore.open(CASSANDRA.config().blockSize(new BlockSize(64 * 1024)).build());
    }

    @Override
    int names() {
        return 150;
    }

    @Override
    int requests() {
        return 40; // every page is a slice per listing shard
    }
}
