package io.tessera.bench.workloads;

import io.tessera.bench.Ops;
import io.tessera.bench.Phase;
import io.tessera.bench.Report;
import io.tessera.bench.Sizes;
import io.tessera.bench.TargetOptions;
import io.tessera.bench.http.Conn;
import io.tessera.bench.http.Endpoint;
import io.tessera.bench.http.HttpConn;
import io.tessera.bench.http.JdkConn;
import io.tessera.bench.http.Sink;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which HTTP client costs the load generator less CPU per request: plain sockets (HttpConn) or
 * java.net.http.HttpClient (JdkConn). Verified 4 KiB GETs of the static files, alternating the two
 * clients; CPU is this process's (all its threads, GC and JIT included) divided by requests.
 */
@Command(name = "client-cost", description = "client CPU per 4 KiB GET: plain sockets vs java.net.http.HttpClient")
public final class ClientCost implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Option(names = "--concurrency", defaultValue = "16")
    int concurrency;

    @Option(names = "--seconds", defaultValue = "10", description = "per measurement (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--repeat", defaultValue = "2", description = "alternations raw, jdk, raw, jdk ... (default ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--static-objects", defaultValue = "1000")
    int staticObjects;

    @Option(names = "--static-dir", defaultValue = "static")
    String staticDir;

    @Option(names = "--size", defaultValue = "4KiB")
    String size;

    @Override
    public Integer call() throws Exception {
        Endpoint ep = target.endpoint();
        if (ep.isSwift()) {
            throw new IllegalArgumentException("client-cost reads the static files of make-static: give --url");
        }
        long bytes = Sizes.parse(size);
        Report report = new Report(target, "client-cost");
        report.params("concurrency", concurrency, "seconds", seconds, "repeat", repeat, "objects", staticObjects,
                "size", bytes, "cpu", "process CPU time / requests");
        String[] md5 = new String[staticObjects];
        for (int i = 0; i < staticObjects; i++) {
            md5[i] = SmallObjects.content(SmallObjects.STATIC_SEED, i, bytes).md5();
        }
        ThreadLocal<Sink.Md5> sinks = ThreadLocal.withInitial(Sink.Md5::new);
        Phase.Op get = (conn, i) -> {
            int k = (int) (i % staticObjects);
            Ops.get(conn, Ops.path(staticDir, SmallObjects.name(k)), bytes, md5[k], sinks.get());
        };
        boolean ok = true;
        for (int r = 0; r < repeat; r++) {
            ok &= measure(report, "raw", () -> new HttpConn(ep), get);
            ok &= measure(report, "jdk", () -> new JdkConn(ep), get);
        }
        return ok ? 0 : 1;
    }

    private boolean measure(Report report, String client, Supplier<Conn> conns, Phase.Op get) throws Exception {
        Phase.run(conns, concurrency, Long.MAX_VALUE, 2, get); // warm-up: JIT
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        Phase.Result r = Phase.run(conns, concurrency, Long.MAX_VALUE, seconds, get);
        double cpuMicros = (os.getProcessCpuTime() - cpu0) / 1000.0 / Math.max(1, r.ops());
        String extra = String.format(Locale.ROOT, "n=%d errors=%d secs=%.2f", r.ops(), r.errors(), r.seconds());
        report.result("client." + client + ".get.c" + concurrency, r.opsPerSecond(), "ops/s", true, r.valid(), extra);
        report.result("client." + client + ".cpu_per_get", cpuMicros, "us", false, r.valid(), extra);
        if (r.firstError() != null) {
            report.note(client + ": " + r.firstError());
        }
        return r.valid();
    }
}
