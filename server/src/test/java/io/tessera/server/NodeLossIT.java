package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node loss, as CI runs it: three Cassandra nodes (RF 3) and a Tessera at LOCAL_QUORUM; 200 uploads from
 * four clients, and half way through one node is killed with SIGKILL. Every acknowledged object must read
 * back with its MD5 while the node is down, and again after it rejoined. Uploads keep being acknowledged
 * after the kill (a client retries what failed in flight, as Swift clients do on a 503).
 *
 * <p>The cluster runs on its own loopback addresses ({@code TESSERA_TEST_CLUSTER_ADDR_PREFIX}, default
 * 127.0.1, so 127.0.1.1-3) and JMX ports ({@code TESSERA_TEST_CLUSTER_JMX_PORT}, default 7299), away from the
 * one-node cluster of the other tests (127.0.0.1, JMX 7199), with 512 MiB of heap per node. It is stopped
 * afterwards whatever happened. Without a Cassandra this test fails; it is never skipped.
 */
class NodeLossIT {
    private static final int NODES = 3;
    private static final int UPLOADS = 200;
    private static final int CLIENTS = 4;
    private static final int KILLED = 1; // the first contact point: the driver's control connection most likely runs there
    private static final int BLOCK = 1024 * 1024;
    private static final String A = "/v1/" + TestServer.ACCOUNT;

    @TempDir
    Path home;

    @Test
    void everyAcknowledgedUploadSurvivesTheLossOfANodeAndItsReturn() throws Exception {
        String prefix = setting("TESSERA_TEST_CLUSTER_ADDR_PREFIX", "127.0.1");
        assertThat(prefix).as("the three-node cluster needs other addresses than the one-node test cluster")
                .isNotEqualTo(setting("CASSANDRA_ADDR_PREFIX", "127.0.0"));
        int jmx = Integer.parseInt(setting("TESSERA_TEST_CLUSTER_JMX_PORT", "7299"));
        Path runDir = Path.of(System.getProperty("user.dir"), "target", "cassandra-node-loss");
        try (LocalCassandraCluster cluster = new LocalCassandraCluster(runDir, prefix, jmx, NODES)) {
            long t0 = System.nanoTime();
            cluster.startFresh();
            log("%d nodes up in %d s", NODES, seconds(t0));
            TestBackend backend = new TestBackend.Cassandra(cluster.contactPoints(), "datacenter1", "nodeloss",
                    "{class: NetworkTopologyStrategy, factor: 3}", "LOCAL_QUORUM", 10, BLOCK);
            try (TestServer server = TestServer.start(home, backend)) {
                run(server, cluster);
            }
        }
    }

    private void run(TestServer server, LocalCassandraCluster cluster) throws Exception {
        SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        assertThat(http.send("PUT", A + "/loss").statusCode()).isEqualTo(201);

        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failedAttempts = new AtomicInteger();
        AtomicInteger ackedAfterKill = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            SwiftHttp client = SwiftHttp.withToken(server.port(), http.token);
            running.add(clients.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < UPLOADS; ) {
                    byte[] data = content(i);
                    String md5 = md5(data);
                    String name = "obj-" + i;
                    for (int attempt = 1; attempt <= 8; attempt++) {
                        try {
                            HttpResponse<byte[]> r = client.send("PUT", A + "/loss/" + name, data);
                            if (r.statusCode() == 201) {
                                assertThat(r.headers().firstValue("ETag")).as(name).contains(md5);
                                acknowledged.put(name, md5);
                                if (killed.get()) {
                                    ackedAfterKill.incrementAndGet();
                                }
                                break;
                            }
                            assertThat(r.statusCode()).as(name + ": only 'unavailable' may fail an upload").isEqualTo(503);
                        } catch (java.io.IOException e) {
                            // the connection broke: not acknowledged, try again
                        }
                        failedAttempts.incrementAndGet();
                        Thread.sleep(1000L * attempt);
                    }
                }
                return null;
            }));
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (acknowledged.size() < UPLOADS / 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        int ackedBeforeKill = acknowledged.size();
        long pid = cluster.kill9(KILLED);
        killed.set(true);
        log("node%d (pid %d) killed with SIGKILL after %d acknowledged uploads, %d s in", KILLED, pid, ackedBeforeKill, seconds(t0));

        clients.shutdown();
        assertThat(clients.awaitTermination(10, TimeUnit.MINUTES)).as("uploads finished").isTrue();
        for (Future<?> f : running) {
            f.get(); // an assertion failed in a client thread fails the test here
        }
        log("%d of %d uploads acknowledged (%d after the kill), %d failed attempts retried, %d s",
                acknowledged.size(), UPLOADS, ackedAfterKill.get(), failedAttempts.get(), seconds(t0));
        assertThat(ackedBeforeKill).as("the kill came in the middle").isBetween(UPLOADS / 2, UPLOADS - 20);
        assertThat(ackedAfterKill.get()).as("uploads go on at LOCAL_QUORUM with a node down").isGreaterThanOrEqualTo(20);
        assertThat(acknowledged).as("every upload is acknowledged in the end").hasSize(UPLOADS);

        readEverything(http, acknowledged, "with node" + KILLED + " down");

        long back = System.nanoTime();
        cluster.startMissing();
        log("node%d back in %d s", KILLED, seconds(back));
        readEverything(http, acknowledged, "with node" + KILLED + " back");
        assertThat(http.send("PUT", A + "/loss/after-return", "ok".getBytes()).statusCode()).isEqualTo(201);
    }

    private static void readEverything(SwiftHttp http, Map<String, String> acknowledged, String when) throws Exception {
        long t0 = System.nanoTime();
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
            HttpResponse<byte[]> r = getRetryingUnavailable(http, A + "/loss/" + e.getKey());
            assertThat(r.statusCode()).as(e.getKey() + " " + when).isEqualTo(200);
            assertThat(md5(r.body())).as(e.getKey() + " " + when).isEqualTo(e.getValue());
        }
        HttpResponse<byte[]> listing = getRetryingUnavailable(http, A + "/loss");
        assertThat(new String(listing.body(), StandardCharsets.UTF_8).lines().toList()).as("listing " + when)
                .containsAll(acknowledged.keySet());
        log("all %d objects read back with their MD5 and listed %s (%d s)", acknowledged.size(), when, seconds(t0));
    }

    /** A read may meet a coordinator that has not noticed the change yet: a 503 is retried, anything else is the answer. */
    private static HttpResponse<byte[]> getRetryingUnavailable(SwiftHttp http, String path) throws Exception {
        HttpResponse<byte[]> r = http.send("GET", path);
        for (int attempt = 1; r.statusCode() == 503 && attempt <= 5; attempt++) {
            Thread.sleep(1000L * attempt);
            r = http.send("GET", path);
        }
        return r;
    }

    /** Object i: 1 B .. 200 KB, every tenth one 2.5 MiB (three 1 MiB blocks). */
    private static byte[] content(int i) {
        Random random = new Random(i);
        byte[] data = new byte[i % 10 == 0 ? 5 * BLOCK / 2 : 1 + random.nextInt(200_000)];
        random.nextBytes(data);
        return data;
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static long seconds(long since) {
        return (System.nanoTime() - since) / 1_000_000_000L;
    }

    private static String setting(String name, String fallback) {
        String v = System.getProperty(name, System.getenv(name));
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static void log(String format, Object... args) {
        System.out.printf("[node-loss] " + format + "%n", args);
    }
}
