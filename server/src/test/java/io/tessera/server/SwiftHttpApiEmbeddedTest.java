package io.tessera.server;

/** {@link SwiftHttpApiTest} on the embedded store. */
class SwiftHttpApiEmbeddedTest extends SwiftHttpApiTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
