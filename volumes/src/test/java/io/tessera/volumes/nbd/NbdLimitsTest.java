package io.tessera.volumes.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.volumes.VolumeException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The NBD server's limits: connections, handshake time, and clients that stop reading their replies. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NbdLimitsTest {
    static final long SIZE = 1L << 30;
    static final int MIB = 1 << 20;
    final MetricRegistry metrics = new MetricRegistry();
    NbdServer server;

    static final ExportResolver PATTERN = new ExportResolver() {
        public Optional<ExportInfo> describe(String name) {
            return name.equals("disk") ? Optional.of(new ExportInfo(SIZE, true, "pattern")) : Optional.empty();
        }

        public BlockDevice open(String name) {
            if (!name.equals("disk")) {
                throw VolumeException.notFound(name);
            }
            return new PatternDevice(SIZE);
        }
    };

    void start(NbdLimits limits) throws IOException {
        server = new NbdServer(PATTERN, "127.0.0.1", 0, Set.of(InetAddress.getByName("127.0.0.1")), limits,
                new NbdMetrics(metrics));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    NbdTestClient client() throws IOException {
        return new NbdTestClient(new Socket("127.0.0.1", server.port()));
    }

    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnceAndIdleOnesCostNoThreadEach() throws Exception {
        start(new NbdLimits(64L * MIB, 8, Duration.ofSeconds(30), Duration.ofSeconds(60)));
        int before = threads();
        List<Socket> sockets = new ArrayList<>();
        int greeted = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.setSoTimeout(5000);
                sockets.add(s);
            }
            for (Socket s : sockets) {
                try {
                    if (s.getInputStream().read() < 0) {
                        refused++;
                    } else {
                        greeted++;
                    }
                } catch (SocketException e) {
                    refused++; // reset: closed as well
                }
            }
            assertThat(greeted).as("connections served").isEqualTo(8);
            assertThat(refused).as("connections closed at once").isEqualTo(192);
            assertThat(threads() - before).as("threads made for 200 idle sockets").isLessThanOrEqualTo(8 + 4);
            assertThat(metrics.counter("nbd.connections_refused").getCount()).isEqualTo(192);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        // Their places free up as they go: a new client is served again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (NbdTestClient c = client()) {
                assertThat(c.attach("disk")).isEqualTo(SIZE);
                break;
            } catch (IOException | AssertionError e) {
                assertThat(System.nanoTime()).as("a client is served again after the others left").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aClientThatDoesNotFinishItsHandshakeInTimeIsDroppedButAnAttachedIdleOneStays() throws Exception {
        start(new NbdLimits(64L * MIB, 8, Duration.ofMillis(500), Duration.ofSeconds(60)));
        try (NbdTestClient attached = client(); NbdTestClient silent = client(); NbdTestClient slow = client()) {
            attached.attach("disk");
            slow.clientFlags(3); // then sends nothing more
            long t0 = System.nanoTime();
            assertThat(silent.in.read()).as("the silent client is closed (a read timeout here means it was not)").isEqualTo(-1);
            assertThat(slow.in.read()).isEqualTo(-1);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
            Thread.sleep(1000); // twice the handshake timeout: an attached client may idle for ever
            assertThat(attached.read(1, 4096, 4096)).isEqualTo(PatternDevice.expected(4096, 4096));
        }
    }

    @Test
    void aClientThatStopsReadingItsRepliesDelaysNoOtherClient() throws Exception {
        start(NbdLimits.DEFAULTS);
        Socket stuckSocket = new Socket();
        stuckSocket.setReceiveBufferSize(4096);
        stuckSocket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        try (NbdTestClient stuck = new NbdTestClient(stuckSocket); NbdTestClient other = client()) {
            stuck.attach("disk");
            other.attach("disk");
            // 64 MiB of replies the client never reads: far more than the socket buffers hold.
            for (int i = 0; i < 64; i++) {
                stuck.request(Nbd.CMD_READ, 0, i, (long) i * MIB, MIB, null);
            }
            Random random = new Random(3);
            long start = System.nanoTime();
            int reads = 0;
            while (reads < 200 || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
                long offset = (random.nextLong() & (SIZE - 1)) & ~4095L;
                long t0 = System.nanoTime();
                assertThat(other.read(reads, offset, 4096)).isEqualTo(PatternDevice.expected(offset, 4096));
                assertThat(System.nanoTime() - t0).as("read %d took", reads).isLessThan(TimeUnit.SECONDS.toNanos(5));
                reads++;
            }
        }
    }
}
