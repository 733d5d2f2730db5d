package io.tessera.server.ui;

import io.tessera.store.cassandra.CassandraExtension;

/** {@link UiScenarioTest} on the embedded store. */
class UiScenarioEmbeddedTest extends UiScenarioTest {
    @Override
    CassandraExtension cassandra() {
        return null;
    }
}
