package io.tessera.server;

import io.tessera.store.cassandra.CassandraExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PithosMovesTest} on the cassandra store: a real node, a keyspace of this class's own. */
class PithosMovesCassandraTest extends PithosMovesTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    TestBackend backend() {
        return TestBackend.cassandra(CASSANDRA);
    }
}
