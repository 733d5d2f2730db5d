package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenStack client, python3-swiftclient's {@code swift} CLI, against a real Tessera:
 * upload a tree with nested and non-ASCII names, list, download with its MD5 verification, stat,
 * post metadata, copy and delete. The CLI must be installed (.ci/run installs it): this test fails,
 * never skips, without it. Runs once per backend ({@link SwiftCliEndToEndEmbeddedTest},
 * {@link SwiftCliEndToEndCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SwiftCliEndToEndTest {
    /** The server's folder, for the whole class (the @BeforeAll parameter: a @TempDir field would be per test). */
    Path home;
    TestServer server;
    SwiftCli cli;

    /** The store this class runs on. */
    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        server = TestServer.start(home, backend());
        cli = new SwiftCli(server, home);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SwiftCli.Result swift(Path cwd, String... args) throws Exception {
        return cli.run(cwd, args);
    }

    @Test
    void uploadListDownloadStatPostCopyDelete() throws Exception {
        Path tree = Files.createDirectories(home.resolve("tree"));
        Random random = new Random(7);
        Map<String, Integer> files = Map.of(
                "top.txt", 1000,
                "dir/big.bin", 9 * 1024 * 1024 + 5,
                "dir/sub/é ü.txt", 3000,
                "dir/日本語/файл.dat", 70_000,
                "empty.txt", 0,
                "with space/name #1.txt", 10);
        for (Map.Entry<String, Integer> f : files.entrySet()) {
            Path p = tree.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            byte[] data = new byte[f.getValue()];
            random.nextBytes(data);
            Files.write(p, data);
        }

        SwiftCli.Result up = swift(tree, "upload", "cli", "top.txt", "dir", "empty.txt", "with space");
        assertThat(up.lines()).hasSize(files.size());

        assertThat(swift(tree, "list", "cli").lines()).containsExactlyInAnyOrderElementsOf(files.keySet());
        assertThat(swift(tree, "list", "cli", "--prefix", "dir/").lines())
                .containsExactlyInAnyOrder("dir/big.bin", "dir/sub/é ü.txt", "dir/日本語/файл.dat");
        assertThat(swift(tree, "list", "cli", "--delimiter", "/").lines())
                .containsExactly("dir/", "empty.txt", "top.txt", "with space/");
        assertThat(swift(tree, "list", "cli", "--prefix", "dir/", "--delimiter", "/").lines())
                .containsExactly("dir/big.bin", "dir/sub/", "dir/日本語/");
        assertThat(swift(tree, "list").lines()).contains("cli");

        // Download everything; swiftclient checks every body's MD5 against its ETag by default.
        Path out = Files.createDirectories(home.resolve("download"));
        swift(out, "download", "cli");
        for (String name : files.keySet()) {
            assertThat(Files.readAllBytes(out.resolve(name))).as(name).isEqualTo(Files.readAllBytes(tree.resolve(name)));
        }

        String stat = swift(tree, "stat", "cli", "dir/big.bin").out();
        assertThat(stat).contains("Content Length: " + (9 * 1024 * 1024 + 5)).containsPattern("ETag: [0-9a-f]{32}");
        assertThat(swift(tree, "stat", "cli").out()).contains("Objects: " + files.size());
        assertThat(swift(tree, "stat").out()).contains("Containers: 1");

        swift(tree, "post", "cli", "top.txt", "-m", "Color:blue");
        assertThat(swift(tree, "stat", "cli", "top.txt").out()).contains("Meta Color: blue");

        swift(tree, "post", "cli2");
        swift(tree, "copy", "cli", "dir/日本語/файл.dat", "--destination", "/cli2/copied é.dat");
        Path copyOut = Files.createDirectories(home.resolve("copy-download"));
        swift(copyOut, "download", "cli2", "copied é.dat");
        assertThat(Files.readAllBytes(copyOut.resolve("copied é.dat")))
                .isEqualTo(Files.readAllBytes(tree.resolve("dir/日本語/файл.dat")));

        // A Dynamic Large Object: swiftclient cuts the file into 1 MiB segments (without --use-slo).
        swift(tree, "upload", "cli", "dir/big.bin", "--object-name", "dlo.bin", "--segment-size", "1048576");
        assertThat(swift(tree, "stat", "cli", "dlo.bin").out()).contains("Manifest: cli_segments/dlo.bin/");
        Path dloOut = Files.createDirectories(home.resolve("dlo-download"));
        swift(dloOut, "download", "cli", "dlo.bin");
        assertThat(Files.readAllBytes(dloOut.resolve("dlo.bin"))).isEqualTo(Files.readAllBytes(tree.resolve("dir/big.bin")));
        swift(tree, "delete", "cli", "dlo.bin");
        assertThat(swift(tree, "list", "cli_segments").lines()).as("segments go with the manifest").isEmpty();

        swift(tree, "delete", "cli", "top.txt");
        assertThat(swift(tree, "list", "cli").lines()).doesNotContain("top.txt").hasSize(files.size() - 1);
        swift(tree, "delete", "cli");
        swift(tree, "delete", "cli2");
        assertThat(swift(tree, "list").lines()).doesNotContain("cli", "cli2");
    }
}
