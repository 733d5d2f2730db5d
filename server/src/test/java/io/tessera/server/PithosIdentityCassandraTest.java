package io.tessera.server;

import io.tessera.store.cassandra.CassandraExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PithosIdentityTest} on the cassandra store: a real node, a keyspace of this class's own. */
class PithosIdentityCassandraTest extends PithosIdentityTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    TestBackend backend() {
        return TestBackend.cassandra(CASSANDRA);
    }
}
