package io.tessera.server;

import io.tessera.store.cassandra.CassandraExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MetricsEndpointTest} on the cassandra store: a real node, a keyspace of this class's own. */
class MetricsEndpointCassandraTest extends MetricsEndpointTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    TestBackend backend() {
        return TestBackend.cassandra(CASSANDRA);
    }
}
