package io.tessera.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the harness reads from the server's side of the machine: memory (/proc) and disk (du). */
public final class ServerProbe {
    private ServerProbe() {
    }

    /**
     * Samples the summed VmRSS of the server's processes (and their children: Swift's and nginx's
     * workers) every 20 ms while a transfer runs; {@link #close()} also reads their VmHWM.
     */
    public static final class Rss implements AutoCloseable {
        private final List<Long> roots;
        private final Thread sampler;
        private volatile boolean running = true;
        private volatile long peakKiB;
        private long hwmKiB;

        public Rss(List<Long> roots) {
            this.roots = roots;
            this.sampler = new Thread(this::sample, "rss-sampler");
            sampler.setDaemon(true);
            if (!roots.isEmpty()) {
                sampler.start();
            }
        }

        private void sample() {
            Set<Long> pids = family(roots);
            long lastScan = System.nanoTime();
            while (running) {
                if (System.nanoTime() - lastScan > 1_000_000_000L) { // workers may come and go
                    pids = family(roots);
                    lastScan = System.nanoTime();
                }
                peakKiB = Math.max(peakKiB, sum(pids, "VmRSS:"));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        public boolean enabled() {
            return !roots.isEmpty();
        }

        public double peakMiB() {
            return peakKiB / 1024.0;
        }

        /** Summed VmHWM: each process's peak since it started, not only during this transfer. */
        public double hwmMiB() {
            return hwmKiB / 1024.0;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            if (enabled()) {
                sampler.join();
                Set<Long> pids = family(roots);
                peakKiB = Math.max(peakKiB, sum(pids, "VmRSS:"));
                hwmKiB = sum(pids, "VmHWM:");
            }
        }
    }

    /** The given PIDs and all their descendants, from the parent PID field of /proc/PID/stat. */
    static Set<Long> family(List<Long> roots) {
        Set<Long> out = new HashSet<>(roots);
        List<long[]> parentOf = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1);
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    parentOf.add(new long[] {Long.parseLong(p.getFileName().toString()), Long.parseLong(f[1])});
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            });
        } catch (IOException e) {
            return out;
        }
        for (boolean grew = true; grew; ) { // at most as many passes as the tree is deep
            grew = false;
            for (long[] pp : parentOf) {
                if (out.contains(pp[1]) && out.add(pp[0])) {
                    grew = true;
                }
            }
        }
        return out;
    }

    private static long sum(Set<Long> pids, String field) {
        long kib = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith(field)) {
                        kib += Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended while we looked
            }
        }
        return kib;
    }

    /** Bytes under the folders, as `du -sb` counts them (apparent sizes). Retried: files vanish during compactions. */
    public static long diskBytes(List<String> dirs) throws IOException, InterruptedException {
        long total = 0;
        for (String dir : dirs) {
            total += du(dir);
        }
        return total;
    }

    private static long du(String dir) throws IOException, InterruptedException {
        String lastError = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            Process p = new ProcessBuilder("du", "-sb", "--", dir).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            lastError = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out.trim().split("\\s+")[0]);
            }
            p.destroy();
            Thread.sleep(200);
        }
        throw new IOException("du -sb " + dir + " failed: " + lastError.trim());
    }
}
