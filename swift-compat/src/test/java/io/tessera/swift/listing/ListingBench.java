package io.tessera.swift.listing;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.cassandra.CassandraConfig;
import io.tessera.store.cassandra.CassandraStore;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * In-process timing of listing pages through {@link ListingPager} and the store SPI, without HTTP (not a
 * test; surefire does not run it). Fills a container with {@code COUNT} empty objects in 1,000
 * directories ({@code d0500/o-00500123}, as bench/run.sh's listing workload names them) unless it holds
 * them already, then times, 7 times each after 3 unrecorded fetches, the pages bench/run.sh fetches: {@code dirs}
 * (delimiter=/, limit 10,000: one subdir row per directory), {@code first} (no parameters), {@code prefix}
 * (ten directories, 10,000 rows), {@code dir} (prefix=d0500/ and delimiter=/).
 *
 * <pre>
 *   mvn -q -o -pl swift-compat dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   java -cp swift-compat/target/test-classes:swift-compat/target/classes:store/target/classes:$(cat /tmp/cp.txt) \
 *       io.tessera.swift.listing.ListingBench embedded /tmp/listing-1m 1000000
 *   java -cp ... io.tessera.swift.listing.ListingBench cassandra 127.0.5.1:9042 100000 [keyspace]
 * </pre>
 */
public final class ListingBench {
    private static final String ACCOUNT = "bench";
    private static final String CONTAINER = "list";

    private ListingBench() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        long count = Long.parseLong(args[2]);
        try (Store store = open(backend, args[1], args.length > 3 ? args[3] : "listing_bench_" + count)) {
            fill(store.metadata(), count);
        }
        try (Store store = open(backend, args[1], args.length > 3 ? args[3] : "listing_bench_" + count)) {
            MetadataStore meta = store.metadata();
            ListingPager<ObjectVersion> pager = new ListingPager<>(
                    q -> meta.listObjects(ACCOUNT, CONTAINER, q), ObjectVersion::name);
            int dirs = 1_000;
            time("dirs", () -> pager.page(new ListingRequest(null, "/", null, null, 10_000, false, false)));
            time("first", () -> pager.page(new ListingRequest(null, null, null, null, 10_000, false, false)));
            time("prefix", () -> pager.page(new ListingRequest("d050", null, null, null, 10_000, false, false)));
            time("dir", () -> pager.page(new ListingRequest(String.format("d%04d/", dirs / 2), "/", null, null,
                    10_000, false, false)));
        }
    }

    private static Store open(String backend, String where, String keyspace) {
        if (backend.equals("embedded")) {
            return EmbeddedStore.open(Path.of(where), new BlockSize(4 << 20), Durability.RELAXED, new MetricRegistry());
        }
        return CassandraStore.open(CassandraConfig.builder().contactPoints(List.of(where)).localDatacenter("datacenter1")
                .keyspace(keyspace).replication("{'class': 'SimpleStrategy', 'replication_factor': 1}").build());
    }

    private static void fill(MetadataStore meta, long count) throws Exception {
        meta.ensureAccount(ACCOUNT, Timestamp.now());
        meta.createContainer(ACCOUNT, CONTAINER, Timestamp.now(), Map.of());
        long perDir = count / 1_000;
        if (meta.getContainer(ACCOUNT, CONTAINER).orElseThrow().objectCount() >= count) {
            return;
        }
        MapId empty = new MapId(BlockHash.of(new byte[BlockHash.LENGTH]), 0);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int part = t;
            parts.add(pool.submit(() -> {
                for (long i = part; i < count; i += 8) {
                    String name = String.format("d%04d/o-%08d", i / perDir, i);
                    meta.putObject(new ObjectVersion(ACCOUNT, CONTAINER, name, Timestamp.now(), empty,
                            "d41d8cd98f00b204e9800998ecf8427e", "application/octet-stream", Map.of()), PutCondition.NONE);
                }
                return null;
            }));
        }
        for (Future<?> f : parts) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("filled %,d rows in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
    }

    private static void time(String page, Supplier<List<?>> fetch) {
        int rows = 0;
        for (int i = 0; i < 3; i++) {
            rows = fetch.get().size(); // warm-up
        }
        double[] ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            fetch.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%-6s %,6d rows  median %8.1f ms  min %8.1f ms  max %8.1f ms%n", page, rows, ms[3], ms[0], ms[6]);
    }
}
