package io.tessera.bench.workloads;

import io.tessera.bench.Content;
import io.tessera.bench.Ops;
import io.tessera.bench.Report;
import io.tessera.bench.ServerProbe;
import io.tessera.bench.Sizes;
import io.tessera.bench.TargetOptions;
import io.tessera.bench.Verify;
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
 * Large objects, one connection: a streamed PUT of generated data, then a GET whose body is
 * MD5-checked; MB/s and the server's peak RSS during each. Static servers: GET of `large-<size>`.
 */
@Command(name = "large", description = "256 MiB and 1 GiB PUT and GET: MB/s and server peak RSS")
public final class LargeObjects implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Option(names = "--size", split = ",", defaultValue = "256MiB,1GiB", description = "object sizes (default ${DEFAULT-VALUE})")
    List<String> sizes;

    @Option(names = "--static-dir", defaultValue = "static", description = "folder of the static files (default ${DEFAULT-VALUE})")
    String staticDir;

    /** The content of the file `make-static` writes for a static server. */
    public static Content staticContent(long size) {
        return Content.of(1000 + size, size);
    }

    public static String staticName(long size) {
        return "large-" + Sizes.label(size);
    }

    @Override
    public Integer call() throws Exception {
        Endpoint ep = target.endpoint();
        boolean swift = ep.isSwift();
        Report report = new Report(target, "large");
        report.params("sizes", sizes, "connections", 1, "server_pids", target.serverPids(),
                "ops", swift ? "PUT,GET" : "GET (static)", "put_body", "generated while sent (never held in memory)");
        boolean ok = true;
        String container = "bench-large-" + Long.toHexString(ThreadLocalRandom.current().nextLong(1L << 40));
        try (HttpConn conn = new HttpConn(ep)) {
            if (swift) {
                Ops.createContainer(conn, container);
            }
            for (String s : sizes) {
                long size = Sizes.parse(s);
                // A fresh seed per run: a deduplicating server must not find these blocks from an earlier round.
                Content content = swift ? Content.of(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50), size)
                        : staticContent(size);
                String md5 = content.md5(); // before timing
                String path = swift ? Ops.path(container, "large-" + Sizes.label(size)) : Ops.path(staticDir, staticName(size));
                String label = Sizes.label(size);
                if (swift) {
                    ok &= timed(report, "large.put." + label, size, () -> Ops.put(conn, path, content.body(), md5));
                }
                Sink.Md5 sink = new Sink.Md5();
                ok &= timed(report, "large.get." + label, size, () -> Ops.get(conn, path, size, md5, sink));
                if (swift) {
                    conn.exchange("DELETE", path, null, null, Sink.DISCARD);
                }
            }
            if (swift) {
                Ops.deleteContainer(conn, container);
            }
        }
        return ok ? 0 : 1;
    }

    interface Transfer {
        void run() throws Exception;
    }

    private boolean timed(Report report, String metric, long size, Transfer t) throws Exception {
        String error = null;
        long t0;
        double secs;
        ServerProbe.Rss rss = new ServerProbe.Rss(target.serverPids());
        try (rss) {
            t0 = System.nanoTime();
            try {
                t.run();
            } catch (Verify.Failed | java.io.IOException e) {
                error = e.toString();
            }
            secs = (System.nanoTime() - t0) / 1e9;
        }
        boolean valid = error == null;
        report.result(metric, Sizes.mbPerSecond(size, secs), "MB/s", true, valid,
                String.format(Locale.ROOT, "bytes=%d secs=%.2f", size, secs));
        if (rss.enabled()) {
            report.result(metric + ".rss", rss.peakMiB(), "MiB", false, valid,
                    String.format(Locale.ROOT, "hwm_since_start_mib=%.0f", rss.hwmMiB()));
        }
        if (error != null) {
            report.note(metric + " failed: " + error);
        }
        return valid;
    }
}
