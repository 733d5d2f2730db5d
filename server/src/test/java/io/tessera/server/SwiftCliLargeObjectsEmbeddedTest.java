package io.tessera.server;

/** {@link SwiftCliLargeObjectsTest} on the embedded store. */
class SwiftCliLargeObjectsEmbeddedTest extends SwiftCliLargeObjectsTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
