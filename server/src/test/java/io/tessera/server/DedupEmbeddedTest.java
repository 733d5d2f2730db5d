package io.tessera.server;

/** {@link DedupTest} on the embedded store. */
class DedupEmbeddedTest extends DedupTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
