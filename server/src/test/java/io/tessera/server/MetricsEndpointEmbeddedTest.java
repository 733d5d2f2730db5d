package io.tessera.server;

/** {@link MetricsEndpointTest} on the embedded store. */
class MetricsEndpointEmbeddedTest extends MetricsEndpointTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
