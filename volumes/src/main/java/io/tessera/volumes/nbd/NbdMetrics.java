package io.tessera.volumes.nbd;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NBD I/O by command ({@code read}, {@code write}, {@code flush}, {@code trim}, {@code write_zeroes},
 * {@code block_status}, {@code other}):
 * <ul>
 *   <li>{@code nbd.requests{command}}: a timer (rate, and latency from dispatch to reply);</li>
 *   <li>{@code nbd.bytes{command}}: bytes read, written, trimmed or zeroed by requests that succeeded;</li>
 *   <li>{@code nbd.errors{command}}: error replies;</li>
 *   <li>{@code nbd.connections}: a gauge of the connections open now.</li>
 * </ul>
 * Names carry Prometheus labels the way the server's exporter reads them: {@code base{key="value"}}.
 */
public final class NbdMetrics {
    private static final String[] COMMANDS = {"read", "write", "other", "flush", "trim", "other", "write_zeroes", "block_status"};

    private final Timer[] requests = new Timer[COMMANDS.length];
    private final Counter[] bytes = new Counter[COMMANDS.length];
    private final Counter[] errors = new Counter[COMMANDS.length];
    private final AtomicInteger connections = new AtomicInteger();

    public NbdMetrics(MetricRegistry registry) {
        for (int i = 0; i < COMMANDS.length; i++) {
            String label = "{command=\"" + COMMANDS[i] + "\"}";
            requests[i] = registry.timer("nbd.requests" + label);
            bytes[i] = registry.counter("nbd.bytes" + label);
            errors[i] = registry.counter("nbd.errors" + label);
        }
        registry.gauge("nbd.connections", () -> (Gauge<Integer>) connections::get);
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

    private static int index(int command) {
        return command >= 0 && command < COMMANDS.length ? command : Nbd.CMD_DISC; // CMD_DISC's slot is "other"
    }
}
