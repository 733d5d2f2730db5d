package io.tessera.volumes.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The NBD server's memory is bounded process-wide: a server with the default limits in a child JVM with
 * the default 384 MiB heap survives clients that pipeline large READs and never read the replies, and
 * clients that announce large WRITEs and never send the payload, and still serves a well-behaved client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdMemoryBoundTest {
    static final long SIZE = 1L << 30;
    static final int MIB = 1 << 20;

    /** The child: an NBD server with the default limits over a 1 GiB pattern device, until stdin closes. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try (NbdServer server = new NbdServer(NbdLimitsTest.PATTERN, "127.0.0.1", 0,
                    Set.of(InetAddress.getByName("127.0.0.1")), NbdLimits.DEFAULTS, NbdMetrics.none())) {
                System.out.println("PORT " + server.port());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent to close our stdin
                }
            }
        }
    }

    @Test
    void stuckClientsWithLargeRequestsDoNotExhaustTheDefaultHeapAndOthersAreStillServed() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx384m", "-XX:+ExitOnOutOfMemoryError",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName())
                .redirectErrorStream(true).start();
        List<Socket> stuck = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                    break;
                }
                output.append(line).append('\n');
            }
            assertThat(port).as("the child's port; its output:\n%s", output).isPositive();
            CompletableFuture.runAsync(() -> out.lines().forEach(l -> {
                synchronized (output) {
                    output.append(l).append('\n');
                }
            }));

            try {
                load(port, stuck);
            } catch (IOException e) {
                child.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("the server went away (" + e + "); alive: " + child.isAlive() + "; output:\n"
                        + output, e);
            }
            assertThat(child.isAlive()).as("the server is up; its output:\n%s", output).isTrue();
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static void load(int port, List<Socket> stuck) throws IOException {
        // Six clients pipeline two 32 MiB READs each and never read a reply (384 MiB of replies) ...
        for (int i = 0; i < 6; i++) {
            NbdTestClient c = stuckClient(port, stuck);
            c.attach("disk");
            c.request(Nbd.CMD_READ, 0, 1, (long) i * 64 * MIB, 32 * MIB, null);
            c.request(Nbd.CMD_READ, 0, 2, (long) i * 64 * MIB + 32 * MIB, 32 * MIB, null);
        }
        // ... and twelve announce a 32 MiB WRITE and never send its payload (another 384 MiB).
        for (int i = 0; i < 12; i++) {
            NbdTestClient c = stuckClient(port, stuck);
            c.attach("disk");
            c.request(Nbd.CMD_WRITE, 0, 1, 0, 32 * MIB, null);
        }
        // A seventh client's small reads still complete, every byte right.
        try (NbdTestClient c = new NbdTestClient(new Socket("127.0.0.1", port))) {
            c.attach("disk");
            Random random = new Random(7);
            for (int i = 0; i < 200; i++) {
                long offset = random.nextLong() & (SIZE - 1) & ~511L;
                assertThat(c.read(i, offset, 4096)).isEqualTo(PatternDevice.expected(offset, 4096));
            }
        }
    }

    private static NbdTestClient stuckClient(int port, List<Socket> all) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        all.add(s);
        return new NbdTestClient(s);
    }
}
