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
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Dedup: logical bytes uploaded against physical bytes the server's data folder grew by (du -sb).
 * Phase "same": {@code --copies} uploads of one image. Phase "1pct": then {@code --copies} variants of
 * that image, each with its own 1% of blocks changed (a fresh set of blocks per variant, as diverging
 * VM snapshots would be) — measured as growth on top of phase "same", i.e. with the image stored.
 */
@Command(name = "dedup", description = "ten uploads of one 1 GiB image, ten with 1% of blocks changed: logical/physical bytes")
public final class Dedup implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Option(names = "--size", defaultValue = "1GiB", description = "image size (default ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--copies", defaultValue = "10", description = "uploads per phase (default ${DEFAULT-VALUE})")
    int copies;

    @Option(names = "--block-size", defaultValue = "4MiB", description = "block size the changes are aligned to: Tessera's (default ${DEFAULT-VALUE})")
    String blockSize;

    @Option(names = "--changed-percent", defaultValue = "1", description = "percent of blocks changed per variant (default ${DEFAULT-VALUE})")
    double changedPercent;

    @Option(names = "--settle", defaultValue = "3", description = "seconds to wait before each du, for background flushes (default ${DEFAULT-VALUE})")
    double settle;

    @Option(names = "--keep", description = "leave the objects on the server")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Endpoint ep = target.endpoint();
        Report report = new Report(target, "dedup");
        if (!ep.isSwift()) {
            report.note("not applicable to a static server");
            return 0;
        }
        if (target.dataDirs().isEmpty()) {
            throw new IllegalArgumentException("dedup needs --data-dir (physical bytes come from the server's side)");
        }
        long bytes = Sizes.parse(size);
        long block = Sizes.parse(blockSize);
        long blocks = (bytes + block - 1) / block;
        int changed = (int) Math.max(1, Math.ceil(blocks * changedPercent / 100));
        report.params("size", bytes, "copies", copies, "block_size", block, "changed_blocks_per_variant", changed + "/" + blocks,
                "data_dirs", target.dataDirs(), "physical", "du -sb growth");

        long seed = ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
        Content image = Content.of(seed, bytes);
        List<Content> same = new ArrayList<>();
        List<Content> variants = new ArrayList<>();
        for (int v = 0; v < copies; v++) {
            same.add(image);
            SplittableRandom rnd = new SplittableRandom(seed + v);
            Set<Long> which = new HashSet<>();
            while (which.size() < changed) { // bounded: changed <= blocks
                which.add(rnd.nextLong(blocks));
            }
            variants.add(image.withChangedBlocks(seed + 1 + v, block, which));
        }
        String container = "bench-dedup-" + Long.toHexString(seed);
        boolean ok;
        try (HttpConn conn = new HttpConn(ep)) {
            Ops.createContainer(conn, container);
            ok = phase(report, conn, container, "same", same);
            ok &= phase(report, conn, container, "1pct", variants);
            if (!keep) {
                for (int v = 0; v < copies; v++) {
                    conn.exchange("DELETE", Ops.path(container, "same-" + v), null, null, Sink.DISCARD);
                    conn.exchange("DELETE", Ops.path(container, "1pct-" + v), null, null, Sink.DISCARD);
                }
                Ops.deleteContainer(conn, container);
            }
        }
        return ok ? 0 : 1;
    }

    private boolean phase(Report report, HttpConn conn, String container, String name, List<Content> uploads) throws Exception {
        Map<Content, String> md5s = new HashMap<>();
        for (Content c : uploads) {
            md5s.computeIfAbsent(c, Content::md5); // before timing; the "same" list has one distinct content
        }
        Thread.sleep((long) (settle * 1000));
        long before = ServerProbe.diskBytes(target.dataDirs());
        long logical = 0;
        double secs = 0;
        String error = null;
        for (int v = 0; v < uploads.size() && error == null; v++) {
            long t0 = System.nanoTime();
            try {
                Ops.put(conn, Ops.path(container, name + "-" + v), uploads.get(v).body(), md5s.get(uploads.get(v)));
            } catch (Verify.Failed | IOException e) {
                error = e.toString();
            }
            secs += (System.nanoTime() - t0) / 1e9;
            logical += uploads.get(v).size();
        }
        Thread.sleep((long) (settle * 1000));
        long physical = ServerProbe.diskBytes(target.dataDirs()) - before;
        boolean valid = error == null;
        String extra = String.format(Locale.ROOT, "logical_bytes=%d physical_bytes=%d uploads=%d", logical, physical, uploads.size());
        report.info("dedup." + name + ".logical", logical / 1048576.0, "MiB", valid, extra);
        report.result("dedup." + name + ".physical", physical / 1048576.0, "MiB", false, valid, extra);
        report.result("dedup." + name + ".ratio", physical > 0 ? (double) logical / physical : Double.POSITIVE_INFINITY, "x", true, valid, extra);
        report.result("dedup." + name + ".put", Sizes.mbPerSecond(logical, secs), "MB/s", true, valid, extra);
        if (error != null) {
            report.note("dedup " + name + " failed: " + error);
        }
        return valid;
    }
}
