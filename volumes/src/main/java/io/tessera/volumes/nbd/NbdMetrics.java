package io.tessera.volumes.nbd;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * NBD I/O by command ({@code read}, {@code write}, {@code flush}, {@code trim}, {@code write_zeroes},
 * {@code block_status}, {@code other}):
 * <ul>
 *   <li>{@code nbd.requests{command}}: a timer (rate, and latency from dispatch to reply);</li>
 *   <li>{@code nbd.bytes{command}}: bytes read, written, trimmed or zeroed by requests that succeeded;</li>
 *   <li>{@code nbd.errors{command}}: error replies;</li>
 *   <li>{@code nbd.connections}: a gauge of the connections open now;</li>
 *   <li>{@code nbd.connections_refused}: connections closed at once because the connection limit was reached;</li>
 *   <li>{@code nbd.connections_timed_out}: connections dropped for not finishing the handshake in time, or
 *       for taking no reply bytes (or sending no WRITE payload) for the send timeout;</li>
 *   <li>{@code nbd.payload_bytes}: a gauge of the shared payload budget held now (READ replies, WRITE payloads).</li>
 * </ul>
 * Names carry Prometheus labels the way the server's exporter reads them: {@code base{key="value"}}.
 */
public final class NbdMetrics {
    private static final String[] COMMANDS = {"read", "write", "other", "flush", "trim", "other", "write_zeroes", "block_status"};

    private final Timer[] requests = new Timer[COMMANDS.length];
    private final Counter[] bytes = new Counter[COMMANDS.length];
    private final Counter[] errors = new Counter[COMMANDS.length];
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter refused;
    private final Counter timedOut;
    private final MetricRegistry registry;

    public NbdMetrics(MetricRegistry registry) {
        for (int i = 0; i < COMMANDS.length; i++) {
            String label = "{command=\"" + COMMANDS[i] + "\"}";
            requests[i] = registry.timer("nbd.requests" + label);
            bytes[i] = registry.counter("nbd.bytes" + label);
            errors[i] = registry.counter("nbd.errors" + label);
        }
        registry.gauge("nbd.connections", () -> (Gauge<Integer>) connections::get);
        refused = registry.counter("nbd.connections_refused");
        timedOut = registry.counter("nbd.connections_timed_out");
        this.registry = registry;
    }

    /** Metrics kept nowhere: for NBD servers started without a registry (tests, tools). */
    static NbdMetrics none() {
        return new NbdMetrics(new MetricRegistry());
    }

    void served(int command, long nanos) {
        requests[index(command)].update(nanos, TimeUnit.NANOSECONDS);
    }

    void bytes(int command, long n) {
        bytes[index(command)].inc(n);
    }

    void error(int command) {
        errors[index(command)].inc();
    }

    void connected() {
        connections.incrementAndGet();
    }

    void disconnected() {
        connections.decrementAndGet();
    }

    void refused() {
        refused.inc();
    }

    void timedOut() {
        timedOut.inc();
    }

    /** Registers the gauge of the payload budget in use (once per registry: the first server's). */
    void payloadBudget(Supplier<Long> inUseBytes) {
        registry.gauge("nbd.payload_bytes", () -> (Gauge<Long>) inUseBytes::get);
    }

    private static int index(int command) {
        return command >= 0 && command < COMMANDS.length ? command : Nbd.CMD_DISC; // CMD_DISC's slot is "other"
    }
}
