package io.tessera.volumes.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 (4): a misbehaving client delays no one else. A client that stops reading its replies holds at
 * most its connection's share of the payload budget. (A volume whose writes block takes only a few of the
 * shared workers: SnapshotStallsOnlyItsVolumeTest, with a snapshot's real lock.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NbdFairnessTest {
    static final int MIB = 1 << 20;
    final MetricRegistry registry = new MetricRegistry();
    NbdServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start(ExportResolver exports, NbdLimits limits) throws IOException {
        server = new NbdServer(exports, "127.0.0.1", 0, Set.of(InetAddress.getByName("127.0.0.1")), limits,
                new NbdMetrics(registry));
    }

    NbdTestClient client() throws IOException {
        return new NbdTestClient(new Socket("127.0.0.1", server.port()));
    }

    /** A client whose socket buffers hold little, so replies it does not read pile up in the server. */
    NbdTestClient stuckClient() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return new NbdTestClient(s);
    }

    @SuppressWarnings("unchecked")
    long payloadBytesHeld() {
        return ((Gauge<Long>) registry.getGauges().get("nbd.payload_bytes")).getValue();
    }

    /**
     * From the review: one client pipelines 128 x 1 MiB READs and never reads a reply; before, its replies
     * took the whole 64 MiB shared budget until the send timeout (60 s), and another client's 1 MiB READ
     * (above the 256 KiB per-connection reserve) waited for it.
     */
    @Test
    void aClientThatStopsReadingHoldsOnlyItsShareAndAnotherClientsOneMibReadGoesThrough() throws Exception {
        start(NbdLimitsTest.PATTERN, NbdLimits.DEFAULTS);
        try (NbdTestClient stuck = stuckClient(); NbdTestClient other = client()) {
            stuck.attach("disk");
            other.attach("disk");
            for (int i = 0; i < 128; i++) {
                stuck.request(Nbd.CMD_READ, 0, i, (long) i * MIB, MIB, null);
            }
            long held = io.tessera.volumes.Settled.value(this::payloadBytesHeld, NbdLimits.DEFAULTS.payloadBudgetBytes());
            long t0 = System.nanoTime();
            boolean timedOut = false;
            try {
                assertThat(other.read(1, 0, MIB)).isEqualTo(PatternDevice.expected(0, MIB));
            } catch (SocketTimeoutException e) {
                timedOut = true; // NbdTestClient's 10 s read timeout
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("NbdFairnessTest: the stuck client holds " + held + " bytes of the budget; the other"
                    + " client's 1 MiB READ took " + ms + " ms (timed out: " + timedOut + ")");
            assertThat(timedOut).as("the other client's 1 MiB read timed out after 10 s").isFalse();
            assertThat(ms).as("ms for the other client's 1 MiB read").isLessThan(5000);
            assertThat(held).as("payload bytes the stuck client holds")
                    .isLessThanOrEqualTo(NbdLimits.DEFAULTS.connectionPayloadBytes());
        }
    }
}
