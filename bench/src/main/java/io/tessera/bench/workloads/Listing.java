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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Listing: time to fetch a page of up to 10,000 rows (format=json, as SDKs ask) from containers of
 * {@code --fill} empty objects named like files in directories of 1,000: {@code d0000/o-00000000},
 * ..., {@code d0000/o-00000999}, {@code d0001/o-00001000}, ... Pages measured, each fetched
 * {@code --repeat} times after one unrecorded warm-up fetch, every row checked:
 * <ul>
 *   <li>first: no marker;</li>
 *   <li>marker: pages in the middle, reached by {@code marker} (at 1/4, 1/2 and 3/4 of the container);</li>
 *   <li>last: the last page, by marker;</li>
 *   <li>prefix: a {@code prefix} matching exactly one page of names in the middle (ten directories);</li>
 *   <li>dirs: {@code delimiter=/}: the top level, one subdir row per directory (at most one page);</li>
 *   <li>dir: {@code prefix=dNNNN/&delimiter=/}: the 1,000 objects of a directory in the middle, as a
 *       file browser or {@code swift list --prefix d0500/ --delimiter /} asks.</li>
 * </ul>
 * A container is filled once and reused by later rounds (same name). If it already holds the expected
 * count (bench/run.sh fills large ones directly in the server's store, see docs/benchmarks.md), the
 * HTTP fill is skipped.
 */
@Command(name = "listing", description = "time per 10,000-row page in containers of N objects")
public final class Listing implements Callable<Integer> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    /** Objects per pseudo-directory. */
    public static final int DIR_SIZE = 1000;

    @Mixin
    TargetOptions target;

    @Option(names = "--fill", split = ",", defaultValue = "10000,100000", description = "objects per container (default ${DEFAULT-VALUE})")
    List<Integer> fills;

    @Option(names = "--page", defaultValue = "10000", description = "rows per page, a multiple of ten directories (default ${DEFAULT-VALUE})")
    int page;

    @Option(names = "--repeat", defaultValue = "3", description = "recorded fetches of each page (default ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--fill-concurrency", defaultValue = "16")
    int fillConcurrency;

    @Option(names = "--fill-seconds", defaultValue = "7200", description = "time bound of a fill (default ${DEFAULT-VALUE})")
    double fillSeconds;

    /** The name of the i-th object of every listing container; the direct fillers use the same scheme. */
    public static String name(long i) {
        return String.format(Locale.ROOT, "%s/o-%08d", dir(i / DIR_SIZE), i);
    }

    static String dir(long d) {
        return String.format(Locale.ROOT, "d%04d", d);
    }

    /**
     * One page to fetch: its query, and exactly the rows it must return: objects {@code firstName ..
     * firstName + names - 1}, then subdirs {@code dir(firstDir)/ .. dir(firstDir + dirs - 1)/}.
     */
    record PageQuery(String kind, String query, long firstName, long names, long firstDir, long dirs) {
        static PageQuery objects(String kind, String query, long first, long count) {
            return new PageQuery(kind, query, first, count, 0, 0);
        }
    }

    @Override
    public Integer call() throws Exception {
        Endpoint ep = target.endpoint();
        Report report = new Report(target, "listing");
        if (!ep.isSwift()) {
            report.note("not applicable to a static server");
            return 0;
        }
        if (page % (10 * DIR_SIZE) != 0) {
            throw new IllegalArgumentException("--page must be a multiple of " + 10 * DIR_SIZE);
        }
        report.params("fills", fills, "page_rows", page, "repeat", repeat, "warmup", 1, "format", "json",
                "dir_size", DIR_SIZE, "fill_concurrency", fillConcurrency, "fill_object_size", 0);
        boolean ok = true;
        for (int n : fills) {
            String container = "bench-list-" + n;
            ok &= fill(ep, report, container, n);
            if (!ok) {
                continue;
            }
            List<PageQuery> queries = queries(n);
            Map<String, Histogram> byKind = new LinkedHashMap<>();
            Histogram fullPages = new Histogram(3_600_000_000L, 3);
            String error = null;
            try (HttpConn conn = new HttpConn(ep)) {
                for (int r = -1; r < repeat && error == null; r++) { // r = -1: warm-up, not recorded
                    for (PageQuery q : queries) {
                        long t0 = System.nanoTime();
                        try {
                            fetchPage(conn, container, q);
                        } catch (Verify.Failed | IOException | RuntimeException e) {
                            error = e.toString();
                            break;
                        }
                        long micros = Math.max(1, (System.nanoTime() - t0) / 1000);
                        if (r >= 0) {
                            byKind.computeIfAbsent(q.kind(), k -> new Histogram(3_600_000_000L, 3)).recordValue(micros);
                            if (q.names() + q.dirs() == Math.min(page, n)) {
                                fullPages.recordValue(micros);
                            }
                        }
                    }
                }
            }
            boolean valid = error == null;
            for (Map.Entry<String, Histogram> e : byKind.entrySet()) {
                PageQuery q = queries.stream().filter(x -> x.kind().equals(e.getKey())).findFirst().orElseThrow();
                report.result("list." + n + "." + q.kind(), e.getValue().getValueAtPercentile(50) / 1000.0, "ms", false,
                        valid, "fetches=" + e.getValue().getTotalCount() + " rows=" + (q.names() + q.dirs())
                                + " first_query=" + q.query());
            }
            report.result("list." + n + ".page.max", fullPages.getMaxValue() / 1000.0, "ms", false, valid,
                    "fetches=" + fullPages.getTotalCount() + " (every full page)");
            if (error != null) {
                report.note("listing of " + container + " failed: " + error);
                ok = false;
            }
        }
        return ok ? 0 : 1;
    }

    /** The pages measured in a container of n objects (see the class comment). */
    List<PageQuery> queries(long n) {
        String json = "?format=json&limit=" + page;
        List<PageQuery> q = new ArrayList<>();
        q.add(PageQuery.objects("first", json, 0, Math.min(page, n)));
        TreeSet<Long> middles = new TreeSet<>();
        for (long quarter = 1; quarter <= 3; quarter++) {
            long start = n * quarter / 4 / page * page;
            if (start > 0 && start + page <= n - page) {
                middles.add(start);
            }
        }
        for (long start : middles) {
            q.add(PageQuery.objects("marker", json + "&marker=" + name(start - 1), start, page));
        }
        if (n > page) {
            long start = n - page;
            q.add(PageQuery.objects("last", json + "&marker=" + name(start - 1), start, page));
        }
        if (n >= page) {
            // ten directories (page / DIR_SIZE a power of ten) share all but the last digit(s) of their name
            long start = n / 2 / page * page;
            int digits = Long.toString(page / DIR_SIZE).length() - 1;
            String d = dir(start / DIR_SIZE);
            q.add(PageQuery.objects("prefix", json + "&prefix=" + d.substring(0, d.length() - digits), start, page));
        }
        long dirs = (n + DIR_SIZE - 1) / DIR_SIZE;
        q.add(new PageQuery("dirs", json + "&delimiter=/", 0, 0, 0, Math.min(dirs, page)));
        long middle = dirs / 2;
        q.add(PageQuery.objects("dir", json + "&prefix=" + dir(middle) + "/&delimiter=/", middle * DIR_SIZE,
                Math.min(DIR_SIZE, n - middle * DIR_SIZE)));
        return q;
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

    /** One page, checked: exactly the expected object names, then the expected subdirs, in order. */
    private void fetchPage(HttpConn conn, String container, PageQuery q) throws IOException, Verify.Failed {
        Sink.Capture body = new Sink.Capture(64 << 20);
        Response r = conn.exchange("GET", "/" + container + q.query(), null, null, body);
        String what = "GET listing " + container + q.query();
        Verify.status(r, what, 200);
        List<String> names = new ArrayList<>();
        List<String> subdirs = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body.bytes())) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && p.getParsingContext().getParent().inArray()) {
                    String field = p.getCurrentName();
                    if ("name".equals(field) || "subdir".equals(field)) {
                        p.nextToken();
                        ("name".equals(field) ? names : subdirs).add(p.getText());
                    }
                }
            }
        }
        Verify.equal(q.names(), (long) names.size(), "object rows of " + what);
        Verify.equal(q.dirs(), (long) subdirs.size(), "subdir rows of " + what);
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equals(name(q.firstName() + i))) {
                Verify.equal(name(q.firstName() + i), names.get(i), "row " + i + " of " + what);
            }
        }
        for (int i = 0; i < subdirs.size(); i++) {
            if (!subdirs.get(i).equals(dir(q.firstDir() + i) + "/")) {
                Verify.equal(dir(q.firstDir() + i) + "/", subdirs.get(i), "subdir row " + i + " of " + what);
            }
        }
    }
}
