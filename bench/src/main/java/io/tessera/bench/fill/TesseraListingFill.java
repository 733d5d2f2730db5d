package io.tessera.bench.fill;

import com.codahale.metrics.MetricRegistry;
import io.tessera.bench.workloads.Listing;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import io.tessera.store.content.ContentWriter;
import io.tessera.store.content.WrittenContent;
import io.tessera.store.embedded.EmbeddedStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fills a listing container of the embedded store directly, through the store SPI, while the server
 * is stopped (RocksDB allows one process): the same rows a PUT of an empty object publishes (the map
 * of empty content, its MD5 as ETag, application/octet-stream), written by the store's own code, so
 * the server then lists what an HTTP fill would have left, counters included.
 *
 * <p>Only the listing is measured afterwards; the fill is a shortcut past an hour of PUTs (Swift's side
 * takes the same shortcut through its ContainerBroker, bench/swift-fill-listing.py). Writes are
 * {@link Durability#RELAXED} by default (no fsync per row); closing the store flushes them.
 *
 * <p>Not part of the black-box load generator: it runs on the server's class path (bench/run.sh),
 * which is why bench/pom.xml has the store as a {@code provided} dependency.
 *
 * <p>Usage: {@code TesseraListingFill DATA_DIR ACCOUNT CONTAINER COUNT [THREADS] [BLOCK_SIZE] [durable|relaxed]}
 */
public final class TesseraListingFill {
    /** Rows between two progress lines: the rate must hold from the first rows to the last. */
    private static final long REPORT_EVERY = 100_000;

    private TesseraListingFill() {
    }

    /** Prints the rate of each {@link #REPORT_EVERY} rows, so a rate that falls as the container fills shows. */
    private static final class Progress {
        private long lastNanos;

        Progress(long startNanos) {
            this.lastNanos = startNanos;
        }

        synchronized void report(long rows) {
            long now = System.nanoTime();
            System.out.println(String.format(Locale.ROOT, "# direct fill: rows %d-%d at %.0f rows/s",
                    rows - REPORT_EVERY, rows, REPORT_EVERY / ((now - lastNanos) / 1e9)));
            lastNanos = now;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TesseraListingFill DATA_DIR ACCOUNT CONTAINER COUNT [THREADS] [BLOCK_SIZE] [durable|relaxed]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        String account = args[1];
        String container = args[2];
        long count = Long.parseLong(args[3]);
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        BlockSize blockSize = new BlockSize(args.length > 5 ? Integer.parseInt(args[5]) : 4 << 20);
        Durability durability = args.length > 6 && args[6].equals("durable") ? Durability.DURABLE : Durability.RELAXED;

        long t0 = System.nanoTime();
        try (EmbeddedStore store = EmbeddedStore.open(dataDir, blockSize, durability, new MetricRegistry())) {
            MetadataStore meta = store.metadata();
            if (meta.getContainer(account, container).isEmpty()) {
                throw new IllegalStateException("no container " + account + "/" + container + ": create it over HTTP first");
            }
            WrittenContent empty = new ContentWriter(store, Runnable::run, new MetricRegistry())
                    .write(InputStream.nullInputStream(), 0);
            AtomicLong published = new AtomicLong();
            Progress progress = new Progress(System.nanoTime());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int first = t;
                    parts.add(pool.submit(() -> {
                        for (long i = first; i < count; i += threads) {
                            ObjectVersion v = new ObjectVersion(account, container, Listing.name(i), Timestamp.now(),
                                    empty.mapId(), empty.md5Hex(), "application/octet-stream", Map.of());
                            if (meta.putObject(v, PutCondition.NONE) == MetadataStore.PutOutcome.PUBLISHED) {
                                long rows = published.incrementAndGet();
                                if (rows % REPORT_EVERY == 0) {
                                    progress.report(rows);
                                }
                            }
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
            long objects = meta.getContainer(account, container).orElseThrow().objectCount();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.println(String.format(Locale.ROOT,
                    "# direct fill tessera %s/%s: %d rows published in %.1f s (%.0f rows/s, %d threads, %s); container counts %d objects",
                    account, container, published.get(), secs, published.get() / secs, threads, durability, objects));
            if (objects != count) {
                System.exit(1);
            }
        }
    }
}
