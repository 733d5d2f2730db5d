package io.tessera.bench.fill;

import com.codahale.metrics.MetricRegistry;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.cassandra.CassandraConfig;
import io.tessera.store.cassandra.CassandraStore;
import io.tessera.store.embedded.EmbeddedStore;
import io.tessera.store.gc.Collector;
import io.tessera.store.gc.GcProgress;
import io.tessera.store.gc.GcReport;
import io.tessera.store.gc.GcSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Measures one collection cycle at scale (docs/benchmarks.md, "Collector at scale"): fills a store (embedded, or a
 * keyspace of its own on a Cassandra node) with objects shaped like the model's, through the store SPI,
 * then runs one collection cycle with the server's collector and prints, per phase, its time, the rows
 * it scanned and their rate, the saved mark set's size next to the formula's, and on Cassandra the
 * reads each table served (the node's {@code system_views}).
 *
 * <p>The shape: {@code --objects} objects in containers of about
 * {@code --per-container}, in {@code --accounts} accounts; a fraction {@code --large} of the distinct
 * contents has {@code --large-blocks} blocks of 4 MiB (a stored map), the rest one block (an implicit
 * map); deduplication is whole-object copies, {@code --dedup} references per distinct content; then a
 * fraction {@code --garbage} of the objects is deleted, so the cycle has garbage to condemn. Blocks are
 * stored as a few bytes of stripped content (the rest of their 4 MiB is zeroes): the collector never
 * reads block content, and this keeps 10^6 objects on a small disk.
 *
 * <p>Runs on the server's class path (bench/gc-scale.sh), like the other fills. Everything is written to
 * a data directory or keyspace this run creates; a Cassandra keyspace is dropped at the end unless
 * {@code --keep}.
 */
public final class GcScaleCheck {
    private static final BlockSize BLOCK = BlockSize.DEFAULT;
    private static final long SMALL_LENGTH = 80_000;

    private final Map<String, String> opts;
    private final long objects;
    private final int accounts;
    private final int containers;
    private final double large;
    private final int largeBlocks;
    private final long distinct;
    private final double garbage;
    private final int threads;

    private GcScaleCheck(Map<String, String> opts) {
        this.opts = opts;
        objects = Long.parseLong(opts.getOrDefault("objects", "1000000"));
        accounts = Integer.parseInt(opts.getOrDefault("accounts", "10"));
        containers = (int) Math.max(1, objects / Long.parseLong(opts.getOrDefault("per-container", "1000")));
        large = Double.parseDouble(opts.getOrDefault("large", "0.05"));
        largeBlocks = Integer.parseInt(opts.getOrDefault("large-blocks", "5"));
        distinct = Math.max(1, Math.round(objects / Double.parseDouble(opts.getOrDefault("dedup", "1.5"))));
        garbage = Double.parseDouble(opts.getOrDefault("garbage", "0.01"));
        threads = Integer.parseInt(opts.getOrDefault("threads", "8"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage();
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !opts.containsKey("backend") || !opts.containsKey("work")) {
            usage();
        }
        new GcScaleCheck(opts).run();
    }

    private static void usage() {
        System.err.println("usage: GcScaleCheck --backend embedded|cassandra --work DIR [--objects 1000000] [--per-container 1000]"
                + " [--accounts 10] [--large 0.05] [--large-blocks 5] [--dedup 1.5] [--garbage 0.01] [--threads 8]"
                + " [--grace-minutes 0] [--accounting true] [--contact 127.0.5.1:9042] [--dc datacenter1] [--keep false]");
        System.exit(2);
    }

    private void run() throws Exception {
        Path work = Path.of(opts.get("work"));
        Files.createDirectories(work);
        boolean cassandra = opts.get("backend").equals("cassandra");
        String keyspace = "gcscale_" + Long.toHexString(System.nanoTime() & 0xffffffffL);
        CqlSession views = null;
        Store store;
        if (cassandra) {
            String contact = opts.getOrDefault("contact", "127.0.5.1:9042");
            String dc = opts.getOrDefault("dc", "datacenter1");
            store = CassandraStore.open(CassandraConfig.builder().contactPoints(contact).localDatacenter(dc)
                    .keyspace(keyspace).replication(CassandraConfig.simpleStrategy(1))
                    .requestTimeout(Duration.ofSeconds(30)).schemaTimeout(Duration.ofSeconds(60)).build(), new MetricRegistry());
            String[] hp = contact.split(":");
            views = CqlSession.builder().addContactPoint(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))
                    .withLocalDatacenter(dc).build();
            System.out.println("# backend cassandra " + contact + ", keyspace " + keyspace + " (RF 1)");
        } else {
            store = EmbeddedStore.open(work.resolve("store"), BLOCK, Durability.RELAXED, new MetricRegistry());
            System.out.println("# backend embedded, " + work.resolve("store") + " (fill relaxed; the collector's deletes sync anyway)");
        }
        try {
            fill(store);
            collect(store, work.resolve("gc"), views, keyspace);
        } finally {
            store.close();
            if (views != null) {
                if (!Boolean.parseBoolean(opts.getOrDefault("keep", "false"))) {
                    views.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(Duration.ofSeconds(120)));
                    System.out.println("# dropped keyspace " + keyspace);
                }
                views.close();
            }
        }
    }

    // ---------------------------------------------------------------- the fill

    private static long mix(long x) { // SplitMix64's finalizer: a fixed, well-spread function of x
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    private boolean isLarge(long content) {
        return Long.remainderUnsigned(mix(content), 1_000_000) < large * 1_000_000;
    }

    private static String account(long container, int accounts) {
        return "AUTH_scale" + (container % accounts);
    }

    /** The stripped content of block {@code j} of distinct content {@code u}: 16 bytes, the rest zeroes. */
    private static byte[] blockContent(long u, int j) {
        return ByteBuffer.allocate(16).putLong(u).putInt(j).putInt(0x5CA1E).array();
    }

    private void fill(Store store) throws Exception {
        for (int c = 0; c < containers; c++) {
            store.metadata().createContainer(account(c, accounts), "c" + c, Timestamp.now(), Map.of());
        }
        long t0 = System.nanoTime();
        AtomicLong newBlocks = new AtomicLong();
        AtomicLong maps = new AtomicLong();
        // Distinct contents first (blocks, map, object), then the copies that reference them (invariant 2's order).
        parallel(0, distinct, i -> {
            long u = i;
            int n = isLarge(u) ? largeBlocks : 1;
            List<BlockHash> hashes = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                byte[] content = blockContent(u, j);
                BlockHash h = BlockHasher.hash(content);
                if (store.blocks().putIfAbsent(h, content, 0, content.length)) {
                    newBlocks.incrementAndGet();
                }
                hashes.add(h);
            }
            long length = n == 1 ? SMALL_LENGTH : (long) n * BLOCK.bytes();
            Hashmap map = new Hashmap(BLOCK, length, hashes);
            if (n > 1) {
                store.maps().put(map);
                maps.incrementAndGet();
            }
            publish(store, i, MapId.of(map));
        });
        parallel(distinct, objects, i -> {
            long u = i % distinct;
            int n = isLarge(u) ? largeBlocks : 1;
            List<BlockHash> hashes = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                hashes.add(BlockHasher.hash(blockContent(u, j)));
            }
            publish(store, i, MapId.of(new Hashmap(BLOCK, n == 1 ? SMALL_LENGTH : (long) n * BLOCK.bytes(), hashes)));
        });
        double fillSecs = (System.nanoTime() - t0) / 1e9;
        AtomicLong deleted = new AtomicLong();
        long d0 = System.nanoTime();
        parallel(0, objects, i -> {
            if (Long.remainderUnsigned(mix(i ^ 0x6A7BA6E), 1_000_000) < garbage * 1_000_000) {
                long c = i % containers;
                store.metadata().deleteObject(account(c, accounts), "c" + c, name(i), Timestamp.now());
                deleted.incrementAndGet();
            }
        });
        System.out.printf(Locale.ROOT, "# fill: %d objects (%d distinct contents, %d stored maps, %d blocks) in %d containers"
                        + " of %d accounts in %.1f s (%.0f objects/s, %d threads); %d deleted in %.1f s%n",
                objects, distinct, maps.get(), newBlocks.get(), containers, accounts, fillSecs, objects / fillSecs, threads,
                deleted.get(), (System.nanoTime() - d0) / 1e9);
    }

    private static String name(long i) {
        return String.format(Locale.ROOT, "dir%03d/object-%010d", i % 1000, i);
    }

    private void publish(Store store, long i, MapId map) {
        long c = i % containers;
        ObjectVersion v = new ObjectVersion(account(c, accounts), "c" + c, name(i), Timestamp.now(), map,
                "d41d8cd98f00b204e9800998ecf8427e", "application/octet-stream", Map.of());
        store.metadata().putObject(v, PutCondition.NONE);
    }

    private interface Task {
        void run(long i) throws Exception;
    }

    /** Runs {@code task} for every i in [from, to) on {@code threads} threads, printing progress every 100,000. */
    private void parallel(long from, long to, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        long[] last = {System.nanoTime()};
        LongConsumer tick = n -> {
            if (n % 100_000 == 0) {
                synchronized (last) {
                    long now = System.nanoTime();
                    System.err.printf(Locale.ROOT, "  %,d / %,d (%.0f/s)%n", n, to - from, 100_000 / ((now - last[0]) / 1e9));
                    last[0] = now;
                }
            }
        };
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long first = from + t;
                parts.add(pool.submit(() -> {
                    for (long i = first; i < to; i += threads) {
                        task.run(i);
                        tick.accept(done.incrementAndGet());
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    // ---------------------------------------------------------------- the cycle

    /** What was true when a phase began: its time, the running totals, the node's per-table read counts. */
    private record Mark(GcProgress.Phase phase, long nanos, GcProgress.Snapshot totals, Map<String, Long> reads) {
    }

    private void collect(Store store, Path gcDir, CqlSession views, String keyspace) throws Exception {
        long graceMinutes = Long.parseLong(opts.getOrDefault("grace-minutes", "0"));
        boolean accounting = Boolean.parseBoolean(opts.getOrDefault("accounting", "true"));
        double fpp = 0.01;
        long storedBlocks = store.blocks().stats().blocks();
        GcProgress progress = new GcProgress();
        Collector collector = new Collector(store, new GcSettings(Duration.ofMinutes(graceMinutes), fpp, gcDir, accounting),
                "scale-check", progress);
        List<Mark> marks = new ArrayList<>();
        long[] bloomBytes = {0};
        long[] heapMax = {0};
        var memory = ManagementFactory.getMemoryMXBean();
        Thread watcher = new Thread(() -> {
            GcProgress.Phase seen = GcProgress.Phase.IDLE; // as at t0, below
            while (!Thread.currentThread().isInterrupted()) {
                GcProgress.Phase p = progress.phase();
                if (p != seen) {
                    marks.add(new Mark(p, System.nanoTime(), progress.snapshot(), reads(views, keyspace)));
                    seen = p;
                }
                heapMax[0] = Math.max(heapMax[0], memory.getHeapMemoryUsage().getUsed());
                try (Stream<Path> files = Files.exists(gcDir) ? Files.list(gcDir) : Stream.empty()) {
                    files.filter(f -> f.getFileName().toString().endsWith(".bloom")).forEach(f -> {
                        try {
                            bloomBytes[0] = Math.max(bloomBytes[0], Files.size(f));
                        } catch (IOException e) {
                            // renamed or deleted meanwhile: the next look sees it
                        }
                    });
                } catch (IOException e) {
                    // the directory is created by the collector; look again
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-watcher");
        Map<String, Long> before = reads(views, keyspace);
        long t0 = System.nanoTime();
        marks.add(new Mark(GcProgress.Phase.IDLE, t0, progress.snapshot(), before));
        watcher.start();
        GcReport report = collector.runOnce().orElseThrow(() -> new IllegalStateException("the collector's lease is held"));
        long t1 = System.nanoTime();
        watcher.interrupt();
        watcher.join();
        marks.add(new Mark(GcProgress.Phase.IDLE, t1, progress.snapshot(), reads(views, keyspace)));

        System.out.println("# cycle (grace " + graceMinutes + " min, accounting " + accounting + ", fpp " + fpp + "):");
        System.out.print(report.summary().indent(2));
        System.out.println("# phase                 seconds   rows scanned   rows/s   node reads (table: partition reads + range reads)");
        // marks[0] is the start (IDLE until MARK: the unreachable-row pass and the filters' sizing); a phase
        // shorter than the watcher's 5 ms may be missed, its time then counts in the phase before it
        for (int k = 1; k < marks.size(); k++) {
            Mark start = marks.get(k - 1);
            Mark end = marks.get(k);
            GcProgress.Phase p = start.phase();
            long rows = switch (p) {
                case MARK -> report.objects();
                case SWEEP_MAPS -> report.mapsScanned();
                case SWEEP_BLOCKS -> report.blocksScanned();
                default -> 0;
            };
            double secs = (end.nanos() - start.nanos()) / 1e9;
            String label = p != GcProgress.Phase.IDLE ? p.name().toLowerCase(Locale.ROOT)
                    : k == 1 ? "0 unreachable + sizing" : "end (state, lease)";
            System.out.printf(Locale.ROOT, "  %-22s %8.1f %14d %8.0f   %s%n", label, secs, rows, rows == 0 ? 0 : rows / secs,
                    diff(start.reads(), end.reads()));
        }
        System.out.printf(Locale.ROOT, "# whole cycle %.1f s: %.0f rows/s over objects + maps + blocks%n", (t1 - t0) / 1e9,
                (report.objects() + report.mapsScanned() + report.blocksScanned()) / ((t1 - t0) / 1e9));
        // BloomFilter.forEntries: n = blocks + blocks/4 + 10,000; m = -n ln(fpp) / ln(2)^2 bits
        long n = storedBlocks + storedBlocks / 4 + 10_000;
        long m = (long) Math.ceil(-n * Math.log(fpp) / (Math.log(2) * Math.log(2)));
        System.out.printf(Locale.ROOT, "# mark set: %d stored blocks; saved block filter %d bytes; formula ceil(m/64)*8 = %d bytes"
                        + " (m = %d bits for n = %d); %.2f bytes per stored block; heap high-water (garbage included) %d MiB%n",
                storedBlocks, bloomBytes[0], (m + 63) / 64 * 8, m, n, bloomBytes[0] / (double) storedBlocks, heapMax[0] >> 20);
        if (views != null) {
            System.out.println("# node reads over the whole cycle: " + diff(before, marks.get(marks.size() - 1).reads()));
            System.out.println("# disk (SSTables, flushed data only): " + diskUsage(views, keyspace));
        } else {
            System.out.printf(Locale.ROOT, "# embedded store on disk: %d MiB%n", du(gcDir.resolveSibling("store")) >> 20);
        }
    }

    /** Per table of {@code keyspace}: [partition reads, range reads] so far (the node's own counters). */
    private static Map<String, Long> reads(CqlSession views, String keyspace) {
        Map<String, Long> out = new HashMap<>();
        if (views == null) {
            return out;
        }
        for (String view : List.of("local_read_latency", "local_scan_latency")) {
            for (Row r : views.execute(SimpleStatement.newInstance(
                    "SELECT table_name, count FROM system_views." + view + " WHERE keyspace_name = ?", keyspace))) {
                out.put(r.getString("table_name") + (view.contains("scan") ? "#range" : "#read"), r.getLong("count"));
            }
        }
        return out;
    }

    private static String diff(Map<String, Long> a, Map<String, Long> b) {
        Map<String, long[]> per = new TreeMap<>();
        b.forEach((k, v) -> {
            long d = v - a.getOrDefault(k, 0L);
            if (d > 0) {
                String table = k.substring(0, k.indexOf('#'));
                per.computeIfAbsent(table, t -> new long[2])[k.endsWith("#range") ? 1 : 0] += d;
            }
        });
        StringBuilder s = new StringBuilder();
        per.forEach((t, v) -> s.append(t).append(' ').append(v[0]).append('+').append(v[1]).append("  "));
        return s.toString().strip();
    }

    private static String diskUsage(CqlSession views, String keyspace) {
        StringBuilder s = new StringBuilder();
        for (Row r : views.execute(SimpleStatement.newInstance(
                "SELECT table_name, mebibytes FROM system_views.disk_usage WHERE keyspace_name = ?", keyspace))) {
            if (r.getLong("mebibytes") > 0) {
                s.append(r.getString("table_name")).append(' ').append(r.getLong("mebibytes")).append(" MiB  ");
            }
        }
        return s.toString().strip();
    }

    private static long du(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
