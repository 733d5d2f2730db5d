package io.tessera.bench.workloads;

import io.tessera.bench.Report;
import io.tessera.bench.Sizes;
import io.tessera.bench.TargetOptions;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The hashing ceiling of a PUT on this machine: SHA-256 (block addresses) and MD5 (the ETag) of this
 * JVM, one thread, 1 MiB updates. MD5 of a stream is sequential, so it bounds one PUT even when the
 * SHA-256 of blocks runs on another core; both on one core is the bound when cores are busy.
 */
@Command(name = "hash", description = "SHA-256 and MD5 throughput of this JVM, one core: MB/s")
public final class HashLimit implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Option(names = "--mib", defaultValue = "1024", description = "data hashed per algorithm (default ${DEFAULT-VALUE})")
    int mib;

    @Option(names = "--warmup-mib", defaultValue = "256", description = "hashed first, unmeasured: JIT and intrinsics (default ${DEFAULT-VALUE})")
    int warmupMib;

    @Override
    public Integer call() throws Exception {
        Report report = new Report(target, "hash");
        report.params("mib", mib, "warmup_mib", warmupMib, "update_size", "1MiB", "threads", 1,
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        byte[] buf = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(buf);
        long bytes = (long) mib << 20;
        double md5 = rate(buf, bytes, "MD5");
        double sha = rate(buf, bytes, "SHA-256");
        double both = 1 / (1 / md5 + 1 / sha); // each byte through both on the same core
        String extra = String.format(Locale.ROOT, "bytes=%d", bytes);
        report.result("limit.md5", md5, "MB/s", true, true, extra);
        report.result("limit.sha256", sha, "MB/s", true, true, extra);
        report.result("limit.md5+sha256", both, "MB/s", true, true, "one core does both; derived from the two rates");
        return 0;
    }

    private double rate(byte[] buf, long bytes, String algorithm) throws Exception {
        MessageDigest d = MessageDigest.getInstance(algorithm);
        for (long done = 0; done < ((long) warmupMib << 20); done += buf.length) {
            d.update(buf);
        }
        d.digest();
        long t0 = System.nanoTime();
        for (long done = 0; done < bytes; done += buf.length) {
            d.update(buf);
        }
        d.digest();
        return Sizes.mbPerSecond(bytes, (System.nanoTime() - t0) / 1e9);
    }
}
