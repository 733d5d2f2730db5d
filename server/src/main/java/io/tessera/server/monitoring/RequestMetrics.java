package io.tessera.server.monitoring;

import com.codahale.metrics.Counter;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts and times every HTTP request, outermost in the handler chain so that it sees what the Swift
 * layers answer and what Jetty refuses before them:
 * <ul>
 *   <li>{@code http.requests{operation,method}}: a timer (rate and latency, from arrival to the last
 *       byte of the reply);</li>
 *   <li>{@code http.responses{operation,method,status}}: a meter per status class ({@code 2xx}...), or
 *       {@code failed} when the exchange broke (client gone, or a reply cut short on purpose);</li>
 *   <li>{@code http.bytes.in}, {@code http.bytes.out}: body bytes read and written.</li>
 * </ul>
 * Cheap on purpose (small GETs are benchmarked): a few string checks on the path, two clock reads,
 * metrics created once per label combination and then reached by array index, lock-free reservoirs.
 */
public final class RequestMetrics extends Handler.Wrapper {
    private static final String[] STATUS = {"1xx", "2xx", "3xx", "4xx", "5xx", "failed"};
    private static final int FAILED = 5;
    private static final int KINDS = RequestKind.OPERATIONS.length * RequestKind.METHODS.length;

    private final MetricRegistry registry;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(KINDS);
    private final AtomicReferenceArray<Meter> statuses = new AtomicReferenceArray<>(KINDS * STATUS.length);
    private final Counter bytesIn;
    private final Counter bytesOut;

    public RequestMetrics(Handler next, MetricRegistry registry) {
        super(next);
        this.registry = registry;
        this.bytesIn = registry.counter("http.bytes.in");
        this.bytesOut = registry.counter("http.bytes.out");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        int kind = RequestKind.operation(request.getHttpURI().getPath()) * RequestKind.METHODS.length
                + RequestKind.method(request.getMethod());
        Request.addCompletionListener(request, failure -> {
            timer(kind).update(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            int status = failure != null ? FAILED : Math.min(Math.max(response.getStatus() / 100, 1), 5) - 1;
            status(kind, status).mark();
            bytesIn.inc(Request.getContentBytesRead(request));
            bytesOut.inc(Response.getContentBytesWritten(response));
        });
        return super.handle(request, response, callback);
    }

    private Timer timer(int kind) {
        Timer t = timers.get(kind);
        if (t == null) {
            t = registry.timer(MetricNames.tagged("http.requests", "operation", operationOf(kind), "method", methodOf(kind)),
                    () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
            timers.set(kind, t); // a racing thread gets the same instance from the registry
        }
        return t;
    }

    private Meter status(int kind, int status) {
        int i = kind * STATUS.length + status;
        Meter m = statuses.get(i);
        if (m == null) {
            m = registry.meter(MetricNames.tagged("http.responses", "operation", operationOf(kind), "method", methodOf(kind),
                    "status", STATUS[status]));
            statuses.set(i, m);
        }
        return m;
    }

    private static String operationOf(int kind) {
        return RequestKind.OPERATIONS[kind / RequestKind.METHODS.length];
    }

    private static String methodOf(int kind) {
        return RequestKind.METHODS[kind % RequestKind.METHODS.length];
    }
}
