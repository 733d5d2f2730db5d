package io.tessera.server;

/** {@link PithosUpdatesTest} on the embedded store. */
class PithosUpdatesEmbeddedTest extends PithosUpdatesTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
