package io.tessera.bench.workloads;

import io.tessera.bench.Content;
import io.tessera.bench.Ops;
import io.tessera.bench.Phase;
import io.tessera.bench.Report;
import io.tessera.bench.Sizes;
import io.tessera.bench.TargetOptions;
import io.tessera.bench.http.Endpoint;
import io.tessera.bench.http.HttpConn;
import io.tessera.bench.http.Sink;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Small objects: PUT, then GET, HEAD, DELETE of the objects just written, for each concurrency.
 * Against a static server (nginx) only GET and HEAD, of the files `make-static` wrote.
 */
@Command(name = "small", description = "4 KiB PUT, GET, HEAD, DELETE: ops/s, p50, p99 per concurrency")
public final class SmallObjects implements Callable<Integer> {
    /** Seed of the files `make-static` writes for nginx; Swift targets get a fresh seed per run. */
    public static final long STATIC_SEED = 1;

    @Mixin
    TargetOptions target;

    @Option(names = "--size", defaultValue = "4KiB", description = "object size (default ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,16", description = "client connections, one thread each (default ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(names = "--seconds", defaultValue = "10", description = "time bound of each phase (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--max-ops", defaultValue = "2000000", description = "count bound of each GET/HEAD phase (default ${DEFAULT-VALUE})")
    long maxOps;

    @Option(names = "--objects", defaultValue = "50000", description = "count bound of the PUT phase (default ${DEFAULT-VALUE})")
    int objects;

    @Option(names = "--static-objects", defaultValue = "1000", description = "files in <static-dir> on a static server (default ${DEFAULT-VALUE})")
    int staticObjects;

    @Option(names = "--static-dir", defaultValue = "static", description = "folder of the static files (default ${DEFAULT-VALUE})")
    String staticDir;

    @Option(names = "--warmup", defaultValue = "2", description = "seconds of unrecorded GETs/HEADs before each measured phase (client JIT)")
    double warmup;

    public static String name(int i) {
        return String.format(Locale.ROOT, "small-%08d", i);
    }

    public static Content content(long seed, int i, long size) {
        return Content.of(seed * 1_000_000_007L + i, size);
    }

    @Override
    public Integer call() throws Exception {
        Endpoint ep = target.endpoint();
        long bytes = Sizes.parse(size);
        boolean swift = ep.isSwift();
        long seed = swift ? ThreadLocalRandom.current().nextLong(1L << 20, 1L << 40) : STATIC_SEED;
        int count = swift ? objects : staticObjects;
        Report report = new Report(target, "small");
        report.params("size", bytes, "concurrency", concurrency, "seconds_per_phase", seconds, "max_ops", maxOps,
                "put_objects_max", count, "warmup_s", warmup, "ops", swift ? "PUT,GET,HEAD,DELETE" : "GET,HEAD (static)");

        // Precomputed: the MD5 every answer is checked against (outside any timing).
        String[] md5 = new String[count];
        for (int i = 0; i < count; i++) {
            md5[i] = content(seed, i, bytes).md5();
        }
        ThreadLocal<Sink.Md5> sinks = ThreadLocal.withInitial(Sink.Md5::new);
        boolean ok = true;
        for (int c : concurrency) {
            String container = swift ? "bench-small-" + Long.toHexString(seed) + "-c" + c : staticDir;
            int n = count;
            if (swift) {
                try (HttpConn conn = new HttpConn(ep)) {
                    Ops.createContainer(conn, container);
                }
                Phase.Result put = Phase.run(ep, c, count, seconds, (conn, i) ->
                        Ops.put(conn, Ops.path(container, name((int) i)), content(seed, (int) i, bytes).body(), md5[(int) i]));
                ok &= emit(report, "put", c, put);
                n = (int) put.ops();
                if (!put.valid()) {
                    cleanup(ep, container, 0, (int) (put.ops() + put.errors()));
                    continue;
                }
            }
            final int written = n;
            Phase.Op get = (conn, i) -> {
                int k = (int) (i % written);
                Ops.get(conn, Ops.path(container, name(k)), bytes, md5[k], sinks.get());
            };
            Phase.run(ep, c, maxOps, warmup, get);
            ok &= emit(report, "get", c, Phase.run(ep, c, maxOps, seconds, get));
            Phase.Op head = (conn, i) -> {
                int k = (int) (i % written);
                Ops.head(conn, Ops.path(container, name(k)), bytes, swift ? md5[k] : null);
            };
            Phase.run(ep, c, maxOps, warmup, head);
            ok &= emit(report, "head", c, Phase.run(ep, c, maxOps, seconds, head));
            if (swift) {
                Phase.Result del = Phase.run(ep, c, written, seconds, (conn, i) ->
                        Ops.delete(conn, Ops.path(container, name((int) i))));
                ok &= emit(report, "delete", c, del);
                cleanup(ep, container, (int) Math.min(written, del.ops() + del.errors()), written);
            }
        }
        return ok ? 0 : 1;
    }

    private static boolean emit(Report report, String op, int c, Phase.Result r) {
        String m = "small." + op + ".c" + c;
        String extra = String.format(Locale.ROOT, "n=%d errors=%d secs=%.2f", r.ops(), r.errors(), r.seconds());
        report.result(m, r.opsPerSecond(), "ops/s", true, r.valid(), extra);
        report.result(m + ".p50", r.p50Millis(), "ms", false, r.valid(), extra);
        report.result(m + ".p99", r.p99Millis(), "ms", false, r.valid(), extra);
        if (r.firstError() != null) {
            report.note(m + " had " + r.errors() + " errors; first: " + r.firstError());
        }
        return r.valid();
    }

    /** Untimed: removes whatever the DELETE phase did not reach (its time bound), then the container. */
    private static void cleanup(Endpoint ep, String container, int from, int to) throws Exception {
        Phase.run(ep, 4, to - from, 600, (conn, i) ->
                conn.exchange("DELETE", Ops.path(container, name(from + (int) i)), null, null, Sink.DISCARD));
        try (HttpConn conn = new HttpConn(ep)) {
            Ops.deleteContainer(conn, container);
        }
    }
}
