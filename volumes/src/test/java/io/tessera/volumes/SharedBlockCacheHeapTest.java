package io.tessera.volumes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, failure 3: 32 clones and 16 exports of one image, all reading (and the clones writing) at
 * once, in a JVM with the server's default heap (-Xmx384m): with a block cache per device this died of
 * OutOfMemoryError; with one process-wide cache bounded in bytes it finishes with every byte right.
 * A child JVM (ProcessBuilder, same class path), so the heap bound is the real one.
 */
class SharedBlockCacheHeapTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void thirtyTwoClonesAndSixteenExportsOfOneImageFitTheDefaultHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), ManyClonesUnderDefaultHeap.class.getName(),
                dir.resolve("store").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        boolean ended = child.waitFor(280, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);
        String tail = log.substring(Math.max(0, log.length() - 4000));
        assertThat(ended).as("the child ended in time; its log ends with:%n%s", tail).isTrue();
        assertThat(child.exitValue()).as("the child's exit code; its log ends with:%n%s", tail).isZero();
        assertThat(log).contains("OK max heap");
    }
}
