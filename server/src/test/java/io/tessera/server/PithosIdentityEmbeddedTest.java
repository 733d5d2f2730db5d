package io.tessera.server;

/** {@link PithosIdentityTest} on the embedded store. */
class PithosIdentityEmbeddedTest extends PithosIdentityTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
