package io.tessera.server;

/** {@link SwiftAccessTest} on the embedded store. */
class SwiftAccessEmbeddedTest extends SwiftAccessTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
