package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 201 means durable: a real Tessera process (bin/tessera's main class, its own JVM) is killed with
 * SIGKILL while four clients upload; after a restart every acknowledged object reads back with its
 * MD5, and the store is consistent enough to keep serving writes.
 */
class CrashRecoveryTest {
    @TempDir
    Path home;

    @Test
    void everyAcknowledgedUploadSurvivesKillDashNine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = TestServer.writeConfig(home, port);
        Process first = startServer(env);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        try {
            SwiftHttp http = awaitServer(port);
            String a = "/v1/" + TestServer.ACCOUNT;
            assertThat(http.send("PUT", a + "/crash").statusCode()).isEqualTo(201);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger counter = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.submit(() -> {
                    Random random = new Random(client);
                    while (!stop.get()) {
                        int i = counter.incrementAndGet();
                        // Sizes across one block boundary: 1 byte .. 5 MiB.
                        byte[] data = new byte[i % 7 == 0 ? 5 * 1024 * 1024 : 1 + random.nextInt(200_000)];
                        random.nextBytes(data);
                        String name = "obj-" + i;
                        try {
                            HttpResponse<byte[]> r = http.send("PUT", a + "/crash/" + name, data);
                            if (r.statusCode() == 201) {
                                acknowledged.put(name, md5(data));
                            }
                        } catch (Exception killed) {
                            return null;
                        }
                    }
                    return null;
                });
            }
            Instant until = Instant.now().plusSeconds(30);
            while (acknowledged.size() < 60 && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(20);

        Process second = startServer(env);
        try {
            SwiftHttp http = awaitServer(port);
            String a = "/v1/" + TestServer.ACCOUNT;
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                HttpResponse<byte[]> r = http.send("GET", a + "/crash/" + e.getKey());
                assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
                assertThat(md5(r.body())).as(e.getKey()).isEqualTo(e.getValue());
                assertThat(r.headers().firstValue("ETag")).contains(e.getValue());
            }
            String listing = new String(http.send("GET", a + "/crash").body());
            assertThat(List.of(listing.split("\n"))).containsAll(acknowledged.keySet());
            assertThat(http.send("PUT", a + "/crash/after-restart", "ok".getBytes()).statusCode()).isEqualTo(201);
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
            second.destroyForcibly();
        }
    }

    private Process startServer(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                "io.tessera.server.Main", "run");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File(home.toFile(), "server.log")));
        return pb.start();
    }

    private static SwiftHttp awaitServer(int port) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try {
                return new SwiftHttp(port, TestServer.USER, TestServer.KEY);
            } catch (Exception | AssertionError notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("server did not come up on port " + port, notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }
}
