package io.tessera.server;

/** {@link SwiftFeaturesTest} on the embedded store. */
class SwiftFeaturesEmbeddedTest extends SwiftFeaturesTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
