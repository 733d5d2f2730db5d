package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean start logs nothing a user cannot act on: {@code bin/tessera run}'s main class in its own JVM, on
 * the configuration the project ships (conf/tessera.yaml, conf/users.yaml), a fresh data folder and free
 * ports, with the production logging (server's logback.xml: the test jars, which carry a logback-test.xml,
 * are left off the class path). Every line up to "Tessera serving" is read; not one may be a WARN or an
 * ERROR.
 */
class CleanStartTest {
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+ (WARN|ERROR) ");

    @TempDir
    Path data;

    @Test
    void theEmbeddedStoreStartsWithoutAWarning() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes") && !e.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath, "io.tessera.server.Main", "run")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TESSERA_"));
        pb.environment().put("TESSERA_HOME", root.toString());
        pb.environment().put("TESSERA_DATA_DIR", data.toString());
        pb.environment().put("TESSERA_PORT", "0");
        pb.environment().put("TESSERA_NBD_PORT", "0");
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try {
            CompletableFuture<Boolean> served = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                        if (line.contains("Tessera serving")) {
                            return true;
                        }
                    }
                    return false; // the process ended first
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            boolean up = served.get(120, TimeUnit.SECONDS);
            String log;
            synchronized (lines) {
                log = String.join("\n", lines);
            }
            assertThat(up).as("started; its output:\n" + log).isTrue();
            assertThat(lines).as("the start's log:\n" + log).noneMatch(l -> WARN_OR_ERROR.matcher(l).find())
                    .noneMatch(l -> l.startsWith("WARNING") || l.contains("Exception"));
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
