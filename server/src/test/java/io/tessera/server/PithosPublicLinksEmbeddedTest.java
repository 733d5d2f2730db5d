package io.tessera.server;

/** {@link PithosPublicLinksTest} on the embedded store. */
class PithosPublicLinksEmbeddedTest extends PithosPublicLinksTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
