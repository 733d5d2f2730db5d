package io.tessera.server;

/** {@link LargeObjectsHttpTest} on the embedded store. */
class LargeObjectsHttpEmbeddedTest extends LargeObjectsHttpTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
