package io.tessera.server;

/** {@link PithosMovesTest} on the embedded store. */
class PithosMovesEmbeddedTest extends PithosMovesTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
