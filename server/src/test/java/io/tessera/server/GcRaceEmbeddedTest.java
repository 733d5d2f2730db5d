package io.tessera.server;

/** {@link GcRaceTest} on the embedded store, in 64 KiB blocks. */
class GcRaceEmbeddedTest extends GcRaceTest {
    @Override
    TestBackend backend() {
        return () -> """
                store:
                  backend: embedded
                  data_dir: data
                  block_size: 65536
                """;
    }
}
