package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code swift} CLI's segmented uploads (issue 7, item 4): a 20 MiB file uploaded as a Static
 * Large Object ({@code --use-slo --segment-size 1M}) and as a Dynamic one ({@code --segment-size 1M}),
 * downloaded with swiftclient's checksum verification, and deleted with its segments (the SLO through
 * {@code ?multipart-manifest=delete}, the container through {@code ?bulk-delete}). Runs once per
 * backend ({@link SwiftCliLargeObjectsEmbeddedTest}, {@link SwiftCliLargeObjectsCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SwiftCliLargeObjectsTest {
    private static final int SIZE = 20 * 1024 * 1024;

    Path home;
    TestServer server;
    SwiftCli swift;
    Path file;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        server = TestServer.start(home, backend());
        swift = new SwiftCli(server, home);
        byte[] data = new byte[SIZE];
        new Random(20).nextBytes(data);
        file = Files.write(Files.createDirectories(home.resolve("up")).resolve("big.bin"), data);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String md5(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
    }

    @Test
    void staticLargeObjectRoundTrip() throws Exception {
        Path up = file.getParent();
        swift.run(up, "upload", "slo", "big.bin", "--use-slo", "--segment-size", "1M");
        assertThat(swift.run(up, "list", "slo_segments").lines()).hasSize(20);
        String stat = swift.run(up, "stat", "slo", "big.bin").out();
        assertThat(stat).contains("Content Length: " + SIZE).containsPattern("ETag: \"?[0-9a-f]{32}\"?");
        assertThat(swift.run(up, "stat", "slo", "big.bin", "--lh").out()).isNotEmpty();

        Path down = Files.createDirectories(home.resolve("slo-down"));
        swift.run(down, "download", "slo", "big.bin"); // swiftclient checks the segments' MD5s against the ETag
        assertThat(md5(down.resolve("big.bin"))).isEqualTo(md5(file));

        swift.run(up, "delete", "slo", "big.bin");
        assertThat(swift.run(up, "list", "slo").lines()).isEmpty();
        assertThat(swift.run(up, "list", "slo_segments").lines()).as("segments go with the manifest").isEmpty();
        swift.run(up, "delete", "slo");
        swift.run(up, "delete", "slo_segments");
        assertThat(swift.run(up, "list").lines()).doesNotContain("slo", "slo_segments");
    }

    @Test
    void dynamicLargeObjectRoundTrip() throws Exception {
        Path up = file.getParent();
        swift.run(up, "upload", "dlo", "big.bin", "--segment-size", "1M");
        assertThat(swift.run(up, "stat", "dlo", "big.bin").out()).contains("Manifest: dlo_segments/big.bin/")
                .contains("Content Length: " + SIZE);
        assertThat(swift.run(up, "list", "dlo_segments").lines()).hasSize(20);

        Path down = Files.createDirectories(home.resolve("dlo-down"));
        swift.run(down, "download", "dlo", "big.bin");
        assertThat(md5(down.resolve("big.bin"))).isEqualTo(md5(file));

        swift.run(up, "delete", "dlo", "big.bin");
        assertThat(swift.run(up, "list", "dlo_segments").lines()).as("segments go with the manifest").isEmpty();
        // Whole containers: swiftclient deletes their objects with ?bulk-delete now that /info offers it.
        swift.run(up, "upload", "dlo", "big.bin", "--segment-size", "4M");
        swift.run(up, "delete", "dlo");
        assertThat(swift.run(up, "list", "dlo_segments").lines()).isEmpty();
        swift.run(up, "delete", "dlo_segments");
        assertThat(swift.run(up, "list").lines()).doesNotContain("dlo", "dlo_segments");
    }

    @Test
    void deletingManyObjectsUsesBulkDelete() throws Exception {
        Path dir = Files.createDirectories(home.resolve("many"));
        for (int i = 0; i < 30; i++) {
            Files.writeString(dir.resolve("f" + i + ".txt"), "file " + i);
        }
        swift.run(dir, "upload", "many", ".");
        assertThat(swift.run(dir, "list", "many").lines()).hasSize(30);
        // swiftclient sends more than 2 x 10 deletes as ?bulk-delete pages (it reads /info for the limit).
        SwiftCli.Result deleted = swift.run(dir, "--debug", "delete", "many");
        assertThat(deleted.err()).contains("?bulk-delete");
        assertThat(swift.run(dir, "list").lines()).doesNotContain("many");
    }
}
