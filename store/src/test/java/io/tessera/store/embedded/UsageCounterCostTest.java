package io.tessera.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, failure 8: publishing slowed down as a container filled, because the usage counters'
 * merge operands of one key piled up and every write, and every read of the counters, walked them
 * all. Measured as RocksDB's own count of the merge operands a lookup applied (PerfContext), not
 * as time: after many publishes into one container, one more publish and one container HEAD must
 * apply no more operands than a bound that does not grow with the container.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UsageCounterCostTest {
    private static final BlockSize BLOCK_SIZE = new BlockSize(64 * 1024);
    private static final int PUBLISHES = 20_000;
    /** Far below {@link #PUBLISHES}: what a lookup may walk however full the container is. */
    private static final long BOUND = 512;
    private static final String ACCOUNT = "acct";
    private static final String CONTAINER = "full";

    @TempDir
    Path dir;

    private EmbeddedStore open() {
        return EmbeddedStore.open(dir, BLOCK_SIZE, Durability.RELAXED, new MetricRegistry(), 4096);
    }

    @Test
    void aPublishAndAContainerHeadCostTheSameInAFullContainerAsInAnEmptyOne() {
        try (EmbeddedStore store = open()) {
            store.metadata().createContainer(ACCOUNT, CONTAINER, Timestamp.now(), Map.of());
        }
        // Reopened, so the counters' base values are in a table file, not in the memtable: the case
        // RocksDB's max_successive_merges does not fold (as after any restart of the server).
        try (EmbeddedStore store = open()) {
            MetadataStore meta = store.metadata();
            MapId empty = store.maps().put(Hashmap.empty(BLOCK_SIZE));
            for (int i = 0; i < 10; i++) {
                publish(meta, empty, i);
            }
            long firstPublish = store.db().mergeOperandsLookedUpBy(() -> publish(meta, empty, 10));
            long firstHead = store.db().mergeOperandsLookedUpBy(() -> meta.getContainer(ACCOUNT, CONTAINER));
            // A fill moves the counters' latest values into a new table file every 16 MiB of writes,
            // one whose blocks no read has cached yet; do that once here instead of writing 16 MiB.
            store.db().flushMemtables();
            for (int i = 11; i < PUBLISHES; i++) {
                publish(meta, empty, i);
            }
            long laterPublish = store.db().mergeOperandsLookedUpBy(() -> publish(meta, empty, PUBLISHES));
            long laterHead = store.db().mergeOperandsLookedUpBy(() -> meta.getContainer(ACCOUNT, CONTAINER));
            long laterAccountHead = store.db().mergeOperandsLookedUpBy(() -> meta.getAccount(ACCOUNT));

            assertThat(meta.getContainer(ACCOUNT, CONTAINER).orElseThrow().objectCount()).isEqualTo(PUBLISHES + 1);
            assertThat(meta.getAccount(ACCOUNT).orElseThrow().objectCount()).isEqualTo(PUBLISHES + 1);
            assertThat(laterPublish).as("merge operands one publish applied after %d (the 11th: %d)",
                    PUBLISHES, firstPublish).isLessThanOrEqualTo(BOUND);
            assertThat(laterHead).as("merge operands one container HEAD applied after %d publishes (after 11: %d)",
                    PUBLISHES, firstHead).isLessThanOrEqualTo(BOUND);
            assertThat(laterAccountHead).as("merge operands one account HEAD applied after %d publishes",
                    PUBLISHES).isLessThanOrEqualTo(BOUND);
        }
    }

    @Test
    void blockStatisticsStayCheapHoweverManyBlocksAreWritten() {
        try (EmbeddedStore store = open()) {
            byte[] first = {1};
            store.blocks().putIfAbsent(BlockHasher.hash(first), first, 0, 1);
            store.db().flushMemtables(); // the block counters' values in a table file no read has cached
            for (int i = 0; i < PUBLISHES; i++) {
                byte[] block = ByteBuffer.allocate(16).putLong(i).putLong(1).array();
                store.blocks().putIfAbsent(BlockHasher.hash(block), block, 0, block.length);
            }
            long[] count = new long[1];
            long operands = store.db().mergeOperandsLookedUpBy(() -> count[0] = store.blocks().stats().blocks());
            assertThat(count[0]).isEqualTo(PUBLISHES + 1);
            assertThat(operands).as("merge operands one read of the block statistics applied after %d new blocks",
                    PUBLISHES).isLessThanOrEqualTo(BOUND);
        }
    }

    /**
     * Folding must not lose an operand a concurrent writer adds: writers of one container share its
     * counters' stripes while a fold holds one exclusively. Counts stay exact, before and after a reopen.
     */
    @Test
    void concurrentPublishesAndDeletesLeaveExactCountersAcrossFolds() throws Exception {
        int threads = 8;
        int each = 3_000;
        try (EmbeddedStore store = open()) {
            MetadataStore meta = store.metadata();
            meta.createContainer(ACCOUNT, CONTAINER, Timestamp.now(), Map.of());
            MapId map = store.maps().put(new Hashmap(BLOCK_SIZE, 3, java.util.List.of(BlockHasher.hash(new byte[] {1, 2, 3}))));
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t * each;
                    done.add(pool.submit(() -> {
                        for (int i = first; i < first + each; i++) {
                            publish(meta, map, i);
                            if (i % 3 == 0) {
                                assertThat(meta.deleteObject(ACCOUNT, CONTAINER, name(i), Timestamp.now())).isPresent();
                            }
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        long live = threads * each - (threads * each + 2) / 3;
        try (EmbeddedStore store = open()) {
            MetadataStore meta = store.metadata();
            assertThat(meta.getContainer(ACCOUNT, CONTAINER).orElseThrow().objectCount()).isEqualTo(live);
            assertThat(meta.getContainer(ACCOUNT, CONTAINER).orElseThrow().bytesUsed()).isEqualTo(3 * live);
            assertThat(meta.getAccount(ACCOUNT).orElseThrow().objectCount()).isEqualTo(live);
            assertThat(meta.getAccount(ACCOUNT).orElseThrow().bytesUsed()).isEqualTo(3 * live);
            assertThat(meta.listObjects(ACCOUNT, CONTAINER, io.tessera.store.ListQuery.all(100_000))).hasSize((int) live);
        }
    }

    private static String name(int i) {
        return String.format("o/%07d", i);
    }

    private static void publish(MetadataStore meta, MapId map, int i) {
        ObjectVersion v = new ObjectVersion(ACCOUNT, CONTAINER, name(i), Timestamp.now(), map,
                "d41d8cd98f00b204e9800998ecf8427e", "application/octet-stream", Map.of());
        assertThat(meta.putObject(v, PutCondition.NONE)).isEqualTo(MetadataStore.PutOutcome.PUBLISHED);
    }
}
