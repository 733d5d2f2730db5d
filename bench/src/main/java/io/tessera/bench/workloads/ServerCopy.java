package io.tessera.bench.workloads;

import io.tessera.bench.Content;
import io.tessera.bench.Ops;
import io.tessera.bench.Report;
import io.tessera.bench.ServerProbe;
import io.tessera.bench.Sizes;
import io.tessera.bench.TargetOptions;
import io.tessera.bench.Verify;
import io.tessera.bench.http.Body;
import io.tessera.bench.http.Endpoint;
import io.tessera.bench.http.HttpConn;
import io.tessera.bench.http.Response;
import io.tessera.bench.http.Sink;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Server-side copy: PUT a source (untimed), then time a PUT with X-Copy-From; the copy is then
 * checked by HEAD (length, ETag) and by a GET whose body is MD5-checked (untimed).
 */
@Command(name = "copy", description = "server-side copy (X-Copy-From) of a 1 GiB object: seconds")
public final class ServerCopy implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Option(names = "--size", defaultValue = "1GiB", description = "object size (default ${DEFAULT-VALUE})")
    String size;

    @Override
    public Integer call() throws Exception {
        Endpoint ep = target.endpoint();
        Report report = new Report(target, "copy");
        if (!ep.isSwift()) {
            report.note("not applicable to a static server");
            return 0;
        }
        long bytes = Sizes.parse(size);
        String label = Sizes.label(bytes);
        report.params("size", bytes, "method", "PUT with X-Copy-From, same container", "verify", "HEAD ETag + GET MD5",
                "data_dirs", target.dataDirs());
        Content content = Content.of(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50), bytes);
        String md5 = content.md5();
        String container = "bench-copy-" + Long.toHexString(ThreadLocalRandom.current().nextLong(1L << 40));
        String src = Ops.path(container, "source");
        String dst = Ops.path(container, "copy");
        String error = null;
        double secs = 0;
        long physical = -1;
        try (HttpConn conn = new HttpConn(ep)) {
            Ops.createContainer(conn, container);
            Ops.put(conn, src, content.body(), md5);
            long before = target.dataDirs().isEmpty() ? -1 : ServerProbe.diskBytes(target.dataDirs());
            long t0 = System.nanoTime();
            try {
                Response r = conn.exchange("PUT", dst, Map.of("X-Copy-From", src), Body.of(new byte[0]), Sink.DISCARD);
                secs = (System.nanoTime() - t0) / 1e9;
                Verify.status(r, "PUT X-Copy-From", 201);
                if (before >= 0) {
                    physical = ServerProbe.diskBytes(target.dataDirs()) - before;
                }
                Ops.head(conn, dst, bytes, md5);
                Ops.get(conn, dst, bytes, md5, new Sink.Md5());
            } catch (Verify.Failed | IOException e) {
                error = e.toString();
            }
            conn.exchange("DELETE", src, null, null, Sink.DISCARD);
            conn.exchange("DELETE", dst, null, null, Sink.DISCARD);
            Ops.deleteContainer(conn, container);
        }
        boolean valid = error == null;
        report.result("copy." + label, secs, "s", false, valid, String.format(Locale.ROOT, "bytes=%d", bytes));
        if (physical >= 0) {
            report.result("copy." + label + ".physical", physical / 1048576.0, "MiB", false, valid, "bytes=" + physical);
        }
        if (error != null) {
            report.note("copy failed: " + error);
        }
        return valid ? 0 : 1;
    }
}
