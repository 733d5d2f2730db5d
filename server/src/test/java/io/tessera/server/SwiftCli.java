package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs python3-swiftclient's {@code swift} CLI against a {@link TestServer}; a non-zero exit fails the test. */
final class SwiftCli {
    static final String SWIFT = "/usr/bin/swift";

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private final TestServer server;
    private final Path scratch;

    SwiftCli(TestServer server, Path scratch) {
        assertThat(Path.of(SWIFT)).as("python3-swiftclient's swift CLI (apt-get install python3-swiftclient)").exists();
        this.server = server;
        this.scratch = scratch;
    }

    Result run(Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SWIFT, "-A", server.authUrl(), "-U", TestServer.USER, "-K", TestServer.KEY));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("ST_") || k.toLowerCase().endsWith("_proxy"));
        env.put("LC_ALL", "C.UTF-8");
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("swift %s finished", String.join(" ", args)).isTrue();
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        assertThat(r.exit()).as("swift %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
        return r;
    }
}
