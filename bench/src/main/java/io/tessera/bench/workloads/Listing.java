package io.tessera.bench.workloads;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tessera.bench.Ops;
import io.tessera.bench.Phase;
import io.tessera.bench.Report;
import io.tessera.bench.TargetOptions;
import io.tessera.bench.Verify;
import io.tessera.bench.http.Body;
import io.tessera.bench.http.Endpoint;
import io.tessera.bench.http.HttpConn;
import io.tessera.bench.http.Response;
import io.tessera.bench.http.Sink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Listing: time to fetch a page of 10,000 rows (format=json, as SDKs ask) from containers of
 * {@code --fill} objects — the first page, one in the middle (by marker) and the last.
 * A container is filled once, with empty objects, and reused by later rounds (same name).
 */
@Command(name = "listing", description = "time per 10,000-row page in containers of N objects")
public final class Listing implements Callable<Integer> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

    @Mixin
    TargetOptions target;

    @Option(names = "--fill", split = ",", defaultValue = "10000,100000", description = "objects per container (default ${DEFAULT-VALUE}; the issue's 1,000,000 takes hours on Swift)")
    List<Integer> fills;

    @Option(names = "--page", defaultValue = "10000", description = "rows per page (default ${DEFAULT-VALUE})")
    int page;

    @Option(names = "--repeat", defaultValue = "3", description = "fetches of each page (default ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--fill-concurrency", defaultValue = "16")
    int fillConcurrency;

    @Option(names = "--fill-seconds", defaultValue = "7200", description = "time bound of a fill (default ${DEFAULT-VALUE})")
    double fillSeconds;

    static String name(long i) {
        return String.format(Locale.ROOT, "o-%08d", i);
    }

    @Override
    public Integer call() throws Exception {
        Endpoint ep = target.endpoint();
        Report report = new Report(target, "listing");
        if (!ep.isSwift()) {
            report.note("not applicable to a static server");
            return 0;
        }
        report.params("fills", fills, "page_rows", page, "repeat", repeat, "format", "json",
                "fill_concurrency", fillConcurrency, "fill_object_size", 0);
        boolean ok = true;
        for (int n : fills) {
            String container = "bench-list-" + n;
            ok &= fill(ep, report, container, n);
            if (!ok) {
                continue;
            }
            TreeSet<Long> starts = new TreeSet<>(List.of(0L, (long) n / 2 / page * page, (long) Math.max(0, n - page)));
            Histogram ms = new Histogram(3_600_000_000L, 3);
            String error = null;
            try (HttpConn conn = new HttpConn(ep)) {
                for (int r = 0; r < repeat && error == null; r++) {
                    for (long start : starts) {
                        long t0 = System.nanoTime();
                        try {
                            fetchPage(conn, container, start, Math.min(page, n - start));
                        } catch (Verify.Failed | IOException | RuntimeException e) {
                            error = e.toString();
                            break;
                        }
                        ms.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                }
            }
            boolean valid = error == null;
            String extra = "pages=" + ms.getTotalCount() + " starts=" + starts.toString().replace(" ", "");
            report.result("list." + n + ".page", ms.getValueAtPercentile(50) / 1000.0, "ms", false, valid, extra);
            report.result("list." + n + ".page.max", ms.getMaxValue() / 1000.0, "ms", false, valid, extra);
            if (error != null) {
                report.note("listing of " + container + " failed: " + error);
                ok = false;
            }
        }
        return ok ? 0 : 1;
    }

    /** Fills the container with o-00000000 ... unless an earlier round did; waits until its count shows n. */
    private boolean fill(Endpoint ep, Report report, String container, int n) throws Exception {
        try (HttpConn conn = new HttpConn(ep)) {
            if (objectCount(conn, container) == n) {
                return true;
            }
            Ops.createContainer(conn, container);
        }
        Phase.Result r = Phase.run(ep, fillConcurrency, n, fillSeconds, (conn, i) ->
                Ops.put(conn, Ops.path(container, name(i)), Body.of(new byte[0]), EMPTY_MD5));
        report.result("list." + n + ".fill", r.opsPerSecond(), "ops/s", true, r.valid() && r.ops() == n,
                String.format(Locale.ROOT, "n=%d errors=%d secs=%.1f concurrency=%d", r.ops(), r.errors(), r.seconds(), fillConcurrency));
        if (!r.valid() || r.ops() != n) {
            report.note("fill of " + container + " incomplete: " + r.ops() + "/" + n + " " + (r.firstError() == null ? "(time bound)" : r.firstError()));
            return false;
        }
        try (HttpConn conn = new HttpConn(ep)) { // Swift may update container counts asynchronously
            for (int waited = 0; waited < 300; waited++) {
                long count = objectCount(conn, container);
                if (count == n) {
                    return true;
                }
                Thread.sleep(1000);
            }
            report.note(container + " still does not count " + n + " objects after 300 s: " + objectCount(conn, container));
            return false;
        }
    }

    private static long objectCount(HttpConn conn, String container) throws IOException {
        Response r = conn.exchange("HEAD", "/" + container, null, null, Sink.DISCARD);
        String c = r.header("X-Container-Object-Count");
        return r.status() / 100 == 2 && c != null ? Long.parseLong(c.trim()) : -1;
    }

    /** One page, checked: exactly the expected names, in order. */
    private void fetchPage(HttpConn conn, String container, long start, long rows) throws IOException, Verify.Failed {
        String query = "?format=json&limit=" + page + (start > 0 ? "&marker=" + name(start - 1) : "");
        Sink.Capture body = new Sink.Capture(64 << 20);
        Response r = conn.exchange("GET", "/" + container + query, null, null, body);
        Verify.status(r, "GET listing " + container + query, 200);
        List<String> names = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body.bytes())) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && "name".equals(p.getCurrentName()) && p.getParsingContext().getParent().inArray()) {
                    p.nextToken();
                    names.add(p.getText());
                }
            }
        }
        Verify.equal(rows, (long) names.size(), "rows of " + container + query);
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equals(name(start + i))) {
                Verify.equal(name(start + i), names.get(i), "row " + i + " of " + container + query);
            }
        }
    }
}
