package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: each failed authentication cost 0.2-0.3 s of CPU with no bound, so about ten wrong keys a
 * second saturated the machine. A flood of wrong keys, from many loopback addresses at once (so the
 * per-address back-off alone cannot stop it), while another client GETs a small object: the GETs keep
 * their latency within a small factor of what it was without the flood. (The flood is paced, ~100 a
 * second: an unpaced one measures how fast this JVM's own client threads can open sockets, not the
 * server.)
 *
 * <p>The bound is four times plus 2 ms, not twice: the checks allowed to run keep half the cores busy by
 * design, and CI runs other test JVMs beside this one on two cores, so a GET that shares its core with
 * them took 2.7 times as long once (CI, 2026-12-04). Without the bound on hashing, ~100 checks a second
 * of a third of a core each ask for thirty cores: with the bound lifted (hashers = 1000) the median GET
 * took 32 ms against 1.9 ms before the flood, far beyond this bound.
 */
class AuthFloodTest {
    @TempDir
    Path home;

    static long medianGetNanos(SwiftHttp http, int n) throws Exception {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            assertThat(http.send("GET", "/v1/" + TestServer.ACCOUNT + "/c/small").statusCode()).isEqualTo(200);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t[n / 2];
    }

    /** One wrong-key authentication from {@code from}, over a raw socket bound to that address: its status. */
    static int wrongKey(int port, InetAddress from) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /auth/v1.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-User: test:tester\r\nX-Auth-Key: wrong\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            return Integer.parseInt(new String(head, StandardCharsets.US_ASCII).substring(9, 12));
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aFloodOfWrongKeysDoesNotSlowOtherRequests() throws Exception {
        try (TestServer server = TestServer.start(home)) {
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            assertThat(http.send("PUT", "/v1/" + TestServer.ACCOUNT + "/c").statusCode()).isEqualTo(201);
            assertThat(http.send("PUT", "/v1/" + TestServer.ACCOUNT + "/c/small", new byte[4096]).statusCode()).isEqualTo(201);
            medianGetNanos(http, 200); // warm-up
            long before = medianGetNanos(http, 300);

            AtomicBoolean stop = new AtomicBoolean();
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            int threads = 32; // more than the checks that may run and wait at once
            ExecutorService flood = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int first = t;
                flood.submit(() -> {
                    for (int i = first; !stop.get(); i += threads) {
                        InetAddress from = InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + i / 250 % 200), (byte) (2 + i % 250)});
                        statuses.computeIfAbsent(wrongKey(server.port(), from), k -> new AtomicInteger()).incrementAndGet();
                        Thread.sleep(300); // ~100 wrong keys a second in all: ten times what saturated the machine before
                    }
                    return null;
                });
            }
            Thread.sleep(2_000); // the flood under way
            long during = medianGetNanos(http, 300);
            stop.set(true);
            flood.shutdown();
            assertThat(flood.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            System.out.printf("AuthFloodTest: GET median %.2f ms before, %.2f ms during a flood of wrong keys %s%n",
                    before / 1e6, during / 1e6, statuses);
            assertThat(statuses.keySet()).as("every wrong key got an answer: 401, or 503 once the checks are full")
                    .isSubsetOf(List.of(401, 503));
            assertThat(statuses.getOrDefault(503, new AtomicInteger()).get()).as("checks beyond the bound refused").isPositive();
            assertThat(during).as("GET median during the flood vs %d ns before", before).isLessThanOrEqualTo(4 * before + 2_000_000);
            assertThat(new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY).token).as("the right key still works").isNotEmpty();
        }
    }

    @Test
    void wrongKeysFromOneAddressAreRefusedWithoutHashingAfterAFew() throws Exception {
        try (TestServer server = TestServer.start(home)) {
            InetAddress from = InetAddress.getByName("127.0.0.77");
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                seen.add(wrongKey(server.port(), from));
            }
            assertThat(seen.subList(0, 5)).containsOnly(401);
            assertThat(seen.get(7)).as("after the free failures: %s", seen).isEqualTo(429);
            long t0 = System.nanoTime();
            assertThat(wrongKey(server.port(), from)).isEqualTo(429);
            assertThat((System.nanoTime() - t0) / 1e6).as("ms for a refusal: no PBKDF2").isLessThan(100);
        }
    }
}
