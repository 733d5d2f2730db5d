package io.tessera.store.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one Cassandra node (or cluster) every test class in this JVM uses; see {@link CassandraExtension}
 * for where it comes from. Registered in JUnit's root store, so it is stopped (when we started it)
 * after the last test class.
 */
final class CassandraNode implements ExtensionContext.Store.CloseableResource {
    private static final long LAUNCH_TIMEOUT_MINUTES = 15; // first run: Maven fetches ~66 MB, then up to 240 s of start
    private static CassandraNode current;
    private static IllegalStateException failure;

    private final String contactPoint;
    private final String datacenter;
    private final String source;
    private final Runnable stop;

    CassandraNode(String contactPoint, String datacenter, String source, Runnable stop) {
        this.contactPoint = contactPoint;
        this.datacenter = datacenter;
        this.source = source;
        this.stop = stop;
    }

    String contactPoint() {
        return contactPoint;
    }

    String datacenter() {
        return datacenter;
    }

    static synchronized CassandraNode get(ExtensionContext context) {
        if (current == null) {
            if (failure != null) {
                throw failure; // do not retry a four-minute start for every test class
            }
            try {
                current = provision();
            } catch (RuntimeException e) {
                failure = new IllegalStateException("No Cassandra for the tests: " + e.getMessage()
                        + "\nSet TESSERA_TEST_CASSANDRA=host:port to use a running cluster, or make"
                        + " 'bin/cassandra-local start' work (it needs Maven and a Java 11 or 17).", e);
                throw failure;
            }
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(CassandraNode.class, current);
            System.out.println("[cassandra] tests use " + current.contactPoint + " (" + current.source + ")");
        }
        return current;
    }

    static synchronized CassandraNode current() {
        if (current == null) {
            throw new IllegalStateException("CassandraExtension has not run yet");
        }
        return current;
    }

    @Override
    public void close() {
        if (stop != null) {
            stop.run();
        }
    }

    private static CassandraNode provision() {
        String explicit = setting("TESSERA_TEST_CASSANDRA");
        if (explicit != null && !explicit.isBlank()) {
            String dc = setting("TESSERA_TEST_CASSANDRA_DC");
            return new CassandraNode(explicit.strip(), dc == null ? "datacenter1" : dc, "TESSERA_TEST_CASSANDRA", null);
        }
        System.out.println("[cassandra] asking Testcontainers for a Docker engine (an error saying it found no valid"
                + " Docker environment only means there is none: then bin/cassandra-local runs a node)");
        if (DockerCassandra.available()) {
            return DockerCassandra.start();
        }
        return launch();
    }

    /** Starts node 1 with bin/cassandra-local unless it is up already (then it is reused and left running). */
    private static CassandraNode launch() {
        Path root = projectRoot();
        Path script = root.resolve("bin/cassandra-local");
        String runDirSetting = System.getenv("TESSERA_CASSANDRA_RUN_DIR");
        Path runDir = runDirSetting != null ? Path.of(runDirSetting) : root.resolve("data/cassandra");
        Path log = Path.of(System.getProperty("user.dir"), "target", "cassandra-local.log");
        boolean alreadyUp = run(script, root, log, 1, "status").lines().anyMatch(l -> l.startsWith("node1 ") && l.endsWith(" up"));
        // Only the JVM whose start launched the node stops it: another test JVM may have started it
        // between our status and our start (the launcher then leaves it alone and says so).
        boolean startedHere = false;
        if (!alreadyUp) {
            System.out.println("[cassandra] starting a node with " + script + " (log: " + log + ")");
            long t0 = System.nanoTime();
            String out = run(script, root, log, LAUNCH_TIMEOUT_MINUTES, "start", "--nodes", "1");
            startedHere = out.lines().anyMatch(l -> l.contains("starting node1 on"));
            System.out.printf("[cassandra] node up in %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
        }
        String contactPoint = null;
        String dc = "datacenter1";
        try {
            for (String line : Files.readAllLines(runDir.resolve("cassandra.env"))) {
                if (line.startsWith("export TESSERA_TEST_CASSANDRA=")) {
                    contactPoint = unquote(line.substring("export TESSERA_TEST_CASSANDRA=".length()));
                } else if (line.startsWith("export CASSANDRA_LOCAL_DC=")) {
                    dc = unquote(line.substring("export CASSANDRA_LOCAL_DC=".length()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("bin/cassandra-local wrote no readable " + runDir.resolve("cassandra.env"), e);
        }
        if (contactPoint == null) {
            throw new IllegalStateException(runDir.resolve("cassandra.env") + " names no TESSERA_TEST_CASSANDRA");
        }
        boolean keep = "1".equals(setting("TESSERA_TEST_CASSANDRA_KEEP"));
        Runnable stop = !startedHere || keep ? null : () -> run(script, root, log, 2, "stop", "--node", "1");
        return new CassandraNode(contactPoint, dc, startedHere ? "bin/cassandra-local" : "bin/cassandra-local, already running", stop);
    }

    /** Runs the launcher with no stdin; returns its output, or throws with the output's tail if it fails. */
    private static String run(Path script, Path root, Path log, long timeoutMinutes, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(log.getParent());
            Path out = Files.createTempFile(log.getParent(), "cassandra-local", ".out");
            Process p = new ProcessBuilder(command).directory(root.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(timeoutMinutes, TimeUnit.MINUTES);
            if (!done) {
                p.destroy();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n" + output, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.delete(out);
            if (!done) {
                throw new IllegalStateException(String.join(" ", args) + " did not finish within " + timeoutMinutes
                        + " min; see " + log);
            }
            if (p.exitValue() != 0 && !args[0].equals("status")) {
                throw new IllegalStateException("'bin/cassandra-local " + String.join(" ", args) + "' failed (exit "
                        + p.exitValue() + "):\n" + tail(output, 40));
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    /** The nearest directory at or above the working directory that has bin/cassandra-local. */
    private static Path projectRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bin/cassandra-local"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no bin/cassandra-local at or above " + System.getProperty("user.dir"));
    }

    private static String setting(String name) {
        String v = System.getProperty(name);
        return v != null ? v : System.getenv(name);
    }

    private static String unquote(String s) {
        s = s.strip();
        return s.length() >= 2 && s.startsWith("'") && s.endsWith("'") ? s.substring(1, s.length() - 1) : s;
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
