package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tessera run}'s main class in its own JVM: a cluster that does not answer, or a setting that
 * cannot be used, ends the process at once with a one-line reason and a distinct exit status, not a
 * stack trace.
 */
class StartupFailureTest {
    @TempDir
    Path home;

    record Outcome(int exit, String output) {
    }

    private Outcome run(String... env) throws Exception {
        return command(new String[] {"run"}, env);
    }

    private Outcome command(String[] args, String... env) throws Exception {
        Map<String, String> vars = TestServer.writeConfig(home, 0);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), "io.tessera.server.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(vars);
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Path out = home.resolve("out.txt");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("exited").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Outcome(p.exitValue(), Files.readString(out));
    }

    @Test
    void anUnreachableClusterIsExitStatus3WithTheReasonAndNoTrace() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        Outcome o = run("TESSERA_STORE", "cassandra", "TESSERA_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + closed);
        assertThat(o.exit()).as(o.output()).isEqualTo(Main.EXIT_STORE_UNAVAILABLE);
        assertThat(o.output()).contains("tessera: the cassandra store cannot be reached", "127.0.0.1:" + closed)
                .doesNotContain("\tat ").doesNotContain("Exception in thread");
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to give up").isLessThan(60);
    }

    @Test
    void anUnusableSettingIsExitStatus2() throws Exception {
        Outcome o = run("TESSERA_STORE", "cassandra", "TESSERA_CASSANDRA_KEYSPACE", "no-dashes-allowed");
        assertThat(o.exit()).as(o.output()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(o.output()).contains("tessera: store.cassandra: keyspace must match").doesNotContain("\tat ");
        o = run("TESSERA_STORE", "nosuch");
        assertThat(o.exit()).as(o.output()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(o.output()).contains("store.backend (TESSERA_STORE) must be 'embedded' or 'cassandra'");
    }

    /** Issue 13: RocksDB makes its files 0644, so only the folder's mode keeps the store and secrets private. */
    @Test
    void aDataFolderOthersMayEnterIsRefusedWithExitStatus2() throws Exception {
        Path data = Files.createDirectories(home.resolve("data"));
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Outcome o = run();
        assertThat(o.exit()).as(o.output()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(o.output()).contains("tessera: the data folder", "rwxr-xr-x", "chmod 700").doesNotContain("\tat ");
        assertThat(Files.list(data)).as("nothing written into it").isEmpty();
    }

    @Test
    void rotateSecretMakesANewCurrentSecretAndKeepsTheOldOneForTheOverlap() throws Exception {
        Outcome o = command(new String[] {"auth", "rotate-secret", "--overlap", "600"});
        assertThat(o.exit()).as(o.output()).isZero();
        assertThat(o.output()).contains("token secret 2 now signs new tokens", "600 s");
        Path file = home.resolve("data/token-secrets");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).toList())
                .hasSize(2).anyMatch(l -> l.startsWith("2 ") && l.endsWith(" current"))
                .anyMatch(l -> l.startsWith("1 ") && !l.endsWith(" current"));
        assertThat(modeOf(home.resolve("data"))).isEqualTo("rwx------");
    }

    private static String modeOf(Path p) throws java.io.IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
