package io.tessera.server;

/** {@link PithosHashmapTest} on the embedded store. */
class PithosHashmapEmbeddedTest extends PithosHashmapTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
