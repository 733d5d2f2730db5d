package io.tessera.bench;

import io.tessera.bench.http.Conn;
import io.tessera.bench.http.Endpoint;
import io.tessera.bench.http.HttpConn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Runs one operation from {@code concurrency} threads, one keep-alive connection per thread, until
 * {@code maxOps} operations were started or {@code maxSeconds} passed, whichever comes first.
 * Latency goes into an HdrHistogram per thread (µs), merged at the end.
 */
public final class Phase {
    /** Stop early when a phase fails this often: the target is broken, more tries measure nothing. */
    private static final long MAX_ERRORS = 50;

    /** One operation, number {@code i} (0, 1, 2, ...); throws when the answer is wrong. */
    @FunctionalInterface
    public interface Op {
        void run(Conn conn, long i) throws Exception;
    }

    public record Result(long ops, long errors, double seconds, Histogram latencyMicros, String firstError) {
        public double opsPerSecond() {
            return ops / seconds;
        }

        public double p50Millis() {
            return latencyMicros.getValueAtPercentile(50) / 1000.0;
        }

        public double p99Millis() {
            return latencyMicros.getValueAtPercentile(99) / 1000.0;
        }

        public boolean valid() {
            return errors == 0 && ops > 0;
        }
    }

    private Phase() {
    }

    public static Result run(Endpoint endpoint, int concurrency, long maxOps, double maxSeconds, Op op)
            throws InterruptedException {
        return run(() -> new HttpConn(endpoint), concurrency, maxOps, maxSeconds, op);
    }

    public static Result run(Supplier<Conn> connections, int concurrency, long maxOps, double maxSeconds, Op op)
            throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (maxSeconds * 1e9);
        for (int t = 0; t < concurrency; t++) {
            Histogram h = new Histogram(3_600_000_000L, 3);
            histograms.add(h);
            Thread thread = new Thread(() -> {
                Conn conn = connections.get();
                try {
                    while (errors.get() < MAX_ERRORS) {
                        long i = next.getAndIncrement();
                        long t0 = System.nanoTime();
                        if (i >= maxOps || t0 >= deadline) {
                            break;
                        }
                        try {
                            op.run(conn, i);
                            h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, "op " + i + ": " + e);
                            conn.close(); // its state is unknown after a failure
                        }
                    }
                } finally {
                    conn.close();
                }
            }, "load-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(3_600_000_000L, 3);
        histograms.forEach(all::add);
        return new Result(all.getTotalCount(), errors.get(), seconds, all, firstError.get());
    }
}
