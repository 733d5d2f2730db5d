package io.tessera.server.ui;

import io.tessera.store.cassandra.CassandraExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link UiScenarioTest} on the cassandra store: a real node, a keyspace of this class's own. */
class UiScenarioCassandraTest extends UiScenarioTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    CassandraExtension cassandra() {
        return CASSANDRA;
    }
}
