package io.tessera.server;

/** {@link PithosVersionsTest} on the embedded store. */
class PithosVersionsEmbeddedTest extends PithosVersionsTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
