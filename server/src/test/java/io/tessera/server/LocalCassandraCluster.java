package io.tessera.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A Cassandra cluster of several nodes on this machine, run by {@code bin/cassandra-local} in a run
 * folder of its own and on loopback addresses of its own ({@code <prefix>.1}, {@code .2}, ...), so it
 * never meets the one-node cluster the other tests share. {@link #close()} stops every node it has, also
 * when the test failed; a shutdown hook does the same if the JVM is ended first.
 */
final class LocalCassandraCluster implements AutoCloseable {
    private static final long START_TIMEOUT_MINUTES = 15;

    private final Path root;
    private final Path runDir;
    private final String addressPrefix;
    private final int jmxPort;
    private final int nodes;
    private final Path log;
    private final Thread stopAtExit = new Thread(this::stopQuietly, "stop-cassandra-cluster");

    /**
     * @param runDir        data, logs and PID files; emptied first (leftovers of an earlier run are stopped)
     * @param addressPrefix the first three octets of the node addresses, e.g. 127.0.1
     * @param jmxPort       node 1's JMX port (on 127.0.0.1); node i uses jmxPort + i - 1
     */
    LocalCassandraCluster(Path runDir, String addressPrefix, int jmxPort, int nodes) throws IOException {
        this.root = projectRoot();
        this.runDir = runDir.toAbsolutePath();
        this.addressPrefix = addressPrefix;
        this.jmxPort = jmxPort;
        this.nodes = nodes;
        this.log = this.runDir.resolveSibling(this.runDir.getFileName() + ".log");
        Files.createDirectories(this.runDir.getParent());
    }

    /** Starts every node on fresh data, one after another; throws with the launcher's output if one does not come up. */
    void startFresh() throws IOException {
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        run("stop"); // whatever an earlier, killed run left running in this folder
        deleteRecursively(runDir);
        run("start", "--nodes", String.valueOf(nodes));
    }

    /** Starts the nodes that are not running (a killed node rejoins with its data). */
    void startMissing() throws IOException {
        run("start", "--nodes", String.valueOf(nodes));
    }

    List<String> contactPoints() {
        return IntStream.rangeClosed(1, nodes).mapToObj(i -> addressPrefix + "." + i + ":9042").toList();
    }

    /** SIGKILL to node {@code i}, by the PID its launcher recorded; returns once the process is gone. */
    long kill9(int i) throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readString(runDir.resolve("node" + i).resolve("cassandra.pid")).strip());
        ProcessHandle node = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("node" + i + " (pid " + pid + ") is not running"));
        String command = node.info().commandLine().orElse("");
        if (!command.contains("CassandraDaemon") || !command.contains(runDir.resolve("node" + i).toString())) {
            throw new IllegalStateException("pid " + pid + " is not node" + i + " of " + runDir + ": " + command);
        }
        node.destroyForcibly(); // SIGKILL on Linux
        node.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        return pid;
    }

    @Override
    public void close() throws IOException {
        try {
            run("stop");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopAtExit);
            } catch (IllegalStateException | IllegalArgumentException alreadyExitingOrNotAdded) {
                // the hook runs (or never was added)
            }
        }
    }

    private void stopQuietly() {
        try {
            run("stop");
        } catch (IOException | RuntimeException e) {
            System.err.println("could not stop the Cassandra cluster in " + runDir + ": " + e.getMessage());
        }
    }

    /** Runs bin/cassandra-local with this cluster's settings; output goes to the log, its tail into the exception. */
    private void run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/cassandra-local").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("TESSERA_CASSANDRA_RUN_DIR", runDir.toString());
        env.put("CASSANDRA_ADDR_PREFIX", addressPrefix);
        env.put("CASSANDRA_JMX_PORT", String.valueOf(jmxPort));
        env.putIfAbsent("CASSANDRA_HEAP", "512m");
        Path out = Files.createTempFile(runDir.getParent(), "cassandra-local", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            boolean done = p.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!done) {
                p.destroy();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n" + output, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!done || p.exitValue() != 0) {
                List<String> lines = output.lines().toList();
                throw new IllegalStateException("'bin/cassandra-local " + String.join(" ", args) + "' "
                        + (done ? "failed (exit " + p.exitValue() + ")" : "did not finish in " + START_TIMEOUT_MINUTES + " min")
                        + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running bin/cassandra-local " + String.join(" ", args), e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path projectRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bin/cassandra-local"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no bin/cassandra-local at or above " + System.getProperty("user.dir"));
    }
}
