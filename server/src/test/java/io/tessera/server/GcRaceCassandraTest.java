package io.tessera.server;

import io.tessera.store.cassandra.CassandraExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link GcRaceTest} on the cassandra store: a real node, a keyspace of this class's own, 64 KiB blocks. */
class GcRaceCassandraTest extends GcRaceTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    TestBackend backend() {
        return TestBackend.cassandra(CASSANDRA).withBlockSize(BLOCK);
    }
}
