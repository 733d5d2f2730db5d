package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.server.config.ConfigLoader;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What one 4 KiB object GET and HEAD cost the server: bytes allocated by its HTTP threads per request
 * (per-thread allocation counters, {@code com.sun.management.ThreadMXBean}) and requests per second
 * from one client, with the plain-read path on and off (issue 13: at most 10 KB per GET). Not part of
 * the suite (tag "bench"); run it with
 * {@code mvn -B -q -pl server -am verify -Dbench.excluded=none -Dtest=RequestAllocationBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (the table lands in server/target/request-allocation.txt). The client is in this JVM but runs on
 * threads of its own ("HttpClient-..."), which are not counted.
 */
@Tag("bench")
class RequestAllocationBench {
    private static final int WARMUP = 20_000;
    private static final int MEASURED = 20_000;

    @Test
    void allocationPerPlainRead() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add("| path | request | bytes allocated per request | requests/s (1 client) |");
        rows.add("| --- | --- | ---: | ---: |");
        for (boolean plain : new boolean[] {true, false}) {
            Path home = Files.createTempDirectory("tessera-alloc");
            Map<String, String> env = TestServer.writeConfig(home, 0);
            env.put("TESSERA_PLAIN_READS", Boolean.toString(plain));
            try (TesseraServer server = TesseraServer.start(new ConfigLoader(env).load())) {
                SwiftHttp client = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
                byte[] data = new byte[4096];
                new Random(1).nextBytes(data);
                assertThat(client.send("PUT", "/v1/AUTH_test/c").statusCode()).isEqualTo(201);
                assertThat(client.send("PUT", "/v1/AUTH_test/c/o", data).statusCode()).isEqualTo(201);
                for (String method : List.of("GET", "HEAD")) {
                    run(client, method, WARMUP);
                    long before = httpThreadsAllocated();
                    long t0 = System.nanoTime();
                    run(client, method, MEASURED);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long bytes = httpThreadsAllocated() - before;
                    rows.add(String.format("| %s | %s 4 KiB | %,d | %,.0f |", plain ? "plain read" : "full (JAX-RS)",
                            method, bytes / MEASURED, MEASURED / seconds));
                }
            }
        }
        String table = String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target/request-allocation.txt"), table);
    }

    private static void run(SwiftHttp client, String method, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            HttpResponse<byte[]> r = client.send(method, "/v1/AUTH_test/c/o");
            if (r.statusCode() != 200) {
                throw new AssertionError(method + " answered " + r.statusCode());
            }
        }
    }

    /** Bytes allocated so far by the server's HTTP threads (Jetty's pool, named "http-..."). */
    private static long httpThreadsAllocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("http-")) {
                long bytes = threads.getThreadAllocatedBytes(t.getId());
                total += Math.max(0, bytes);
            }
        }
        return total;
    }
}
