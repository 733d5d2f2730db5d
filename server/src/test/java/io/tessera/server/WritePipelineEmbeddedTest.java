package io.tessera.server;

/** {@link WritePipelineTest} on the embedded store. */
class WritePipelineEmbeddedTest extends WritePipelineTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
