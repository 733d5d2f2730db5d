package io.tessera.server;

/** {@link TransferClientTest} on the embedded store. */
class TransferClientEmbeddedTest extends TransferClientTest {
    @Override
    TestBackend backend() {
        return TestBackend.embedded();
    }
}
