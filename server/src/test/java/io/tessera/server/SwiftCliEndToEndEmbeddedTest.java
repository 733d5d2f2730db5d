package io.tessera.server;

/** {@link SwiftCliEndToEndTest} on the embedded store. */
class SwiftCliEndToEndEmbeddedTest extends SwiftCliEndToEndTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
