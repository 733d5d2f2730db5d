package io.tessera.server;

/** {@link PithosSharingTest} on the embedded store. */
class PithosSharingEmbeddedTest extends PithosSharingTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
