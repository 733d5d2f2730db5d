package io.tessera.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.ListQuery;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore.DeleteContainerOutcome;
import io.tessera.store.MetadataStore.PutOutcome;
import io.tessera.store.Names;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the cassandra backend has to prove: bounded partitions, sharded listings, failure behaviour. */
class CassandraStoreTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    private static final int SHARDS = 16;
    private static CassandraStore store;

    @BeforeAll
    static void open() {
        store = CassandraStore.open(CASSANDRA.config().listingShards(SHARDS).build());
    }

    @AfterAll
    static void close() {
        if (store != null) {
            store.close();
        }
    }

    // ---- listings ----

    @Test
    void listingMergesEveryShardInUtf8OrderWithFullPages() throws Exception {
        store.metadata().createContainer("acct", "big", Timestamp.now(), Map.of());
        // Names whose UTF-8 order differs from String order: U+FF5E (3 bytes) sorts before U+1F600 (4 bytes).
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String suffix = switch (i % 4) {
                case 0 -> "a";
                case 1 -> "\uFF5E";
                case 2 -> "\uD83D\uDE00";
                default -> "z/x";
            };
            names.add(String.format("obj-%04d-", i / 4) + suffix);
        }
        parallel(names, name -> store.metadata().putObject(version("acct", "big", name, Timestamp.now()), PutCondition.NONE));
        List<String> expected = names.stream().sorted(Names.UTF8_ORDER).toList();

        for (int pageSize : new int[] {7, 100, 1000}) {
            assertThat(pagesOf("big", null, false, pageSize)).as("forward, pages of %d", pageSize).isEqualTo(expected);
            assertThat(pagesOf("big", null, true, pageSize)).as("reverse, pages of %d", pageSize)
                    .isEqualTo(reversed(expected));
        }
        List<String> prefixed = expected.stream().filter(n -> n.startsWith("obj-01")).toList();
        assertThat(pagesOf("big", "obj-01", false, 33)).isEqualTo(prefixed);
        assertThat(pagesOf("big", "obj-01", true, 33)).isEqualTo(reversed(prefixed));

        // Markers and bounds: between two names, with some objects deleted on the way.
        for (int i = 0; i < 3000; i += 3) {
            store.metadata().deleteObject("acct", "big", names.get(i), Timestamp.now());
        }
        Set<String> deleted = IntStream.iterate(0, i -> i < 3000, i -> i + 3).mapToObj(names::get).collect(Collectors.toSet());
        List<String> remaining = expected.stream().filter(n -> !deleted.contains(n)).toList();
        assertThat(pagesOf("big", null, false, 250)).isEqualTo(remaining);
        String from = remaining.get(100);
        String to = remaining.get(900);
        List<ObjectVersion> window = store.metadata().listObjects("acct", "big", new ListQuery(null, from, to, false, 10_000));
        assertThat(window).extracting(ObjectVersion::name).isEqualTo(remaining.subList(101, 900));
        assertThat(store.metadata().getContainer("acct", "big").orElseThrow().objectCount()).isEqualTo(remaining.size());

        // The rows really are spread over every shard.
        long partitions = CASSANDRA.session().execute("SELECT DISTINCT account, container, shard FROM "
                + CASSANDRA.keyspace() + ".objects").all().stream().filter(r -> r.getString("container").equals(keyOf("acct", "big"))).count();
        assertThat(partitions).isEqualTo(SHARDS);
    }

    /** Walks a listing page by page with markers, checking every page but the last is full. */
    private static List<String> pagesOf(String container, String prefix, boolean reverse, int pageSize) {
        List<String> all = new ArrayList<>();
        String marker = null;
        while (true) {
            ListQuery q = reverse ? new ListQuery(prefix, null, marker, true, pageSize)
                    : new ListQuery(prefix, marker, null, false, pageSize);
            List<ObjectVersion> page = store.metadata().listObjects("acct", container, q);
            page.forEach(v -> all.add(v.name()));
            if (page.size() < pageSize) {
                return all;
            }
            marker = page.get(page.size() - 1).name();
        }
    }

    @Test
    void containerListingSkipsDeletedContainersAndCarriesUsage() {
        for (int i = 0; i < 50; i++) {
            store.metadata().createContainer("lister", String.format("c%02d", i), Timestamp.now(), Map.of("x-container-meta-i", "" + i));
        }
        for (int i = 0; i < 50; i += 2) {
            assertThat(store.metadata().deleteContainer("lister", String.format("c%02d", i))).isEqualTo(DeleteContainerOutcome.DELETED);
        }
        store.metadata().putObject(version("lister", "c01", "o", Timestamp.now()), PutCondition.NONE);
        var page = store.metadata().listContainers("lister", new ListQuery(null, "c01", null, false, 10));
        assertThat(page).extracting(c -> c.name()).containsExactly("c03", "c05", "c07", "c09", "c11", "c13", "c15", "c17", "c19", "c21");
        var first = store.metadata().listContainers("lister", ListQuery.all(1)).get(0);
        assertThat(first.name()).isEqualTo("c01");
        assertThat(first.objectCount()).isEqualTo(1);
        assertThat(first.metadata()).containsEntry("x-container-meta-i", "1");
        assertThat(store.metadata().getAccount("lister").orElseThrow().containerCount()).isEqualTo(25);
        assertThat(store.metadata().deleteContainer("lister", "c01")).isEqualTo(DeleteContainerOutcome.NOT_EMPTY);
    }

    // ---- maps ----

    @Test
    void aMapOf300000HashesRoundTripsThroughBoundedPartitions() {
        Random random = new Random(42);
        List<BlockHash> hashes = new ArrayList<>();
        byte[] b = new byte[32];
        for (int i = 0; i < 300_000; i++) {
            random.nextBytes(b);
            hashes.add(BlockHash.of(b));
        }
        BlockSize bs = BlockSize.DEFAULT;
        Hashmap map = new Hashmap(bs, (long) (hashes.size() - 1) * bs.bytes() + 12_345, hashes);
        long t0 = System.nanoTime();
        MapId id = store.maps().put(map);
        long t1 = System.nanoTime();
        Hashmap back = store.maps().get(id).orElseThrow();
        long t2 = System.nanoTime();
        System.out.printf("[cassandra] 300,000-hash map: put %d ms, get %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        assertThat(back).isEqualTo(map);
        assertThat(store.maps().put(map)).isEqualTo(id);

        List<Row> rows = CASSANDRA.session().execute("SELECT page_group, page FROM " + CASSANDRA.keyspace()
                + ".map_pages WHERE map_id = ? ALLOW FILTERING", id.key()).all();
        int pages = (300_000 + CassandraMapStore.PAGE_HASHES - 1) / CassandraMapStore.PAGE_HASHES;
        assertThat(rows).hasSize(pages);
        Map<Integer, Long> perGroup = rows.stream().collect(Collectors.groupingBy(r -> r.getInt("page_group"), Collectors.counting()));
        assertThat(perGroup).hasSize((pages + CassandraMapStore.PAGES_PER_GROUP - 1) / CassandraMapStore.PAGES_PER_GROUP);
        assertThat(perGroup.values()).allMatch(n -> n <= CassandraMapStore.PAGES_PER_GROUP);

        store.maps().delete(id);
        assertThat(store.maps().get(id)).isEmpty();
    }

    @Test
    void emptyMapsAndMapsWithoutHeaderDoNotExist() {
        Hashmap empty = Hashmap.empty(BlockSize.DEFAULT);
        assertThat(store.maps().get(store.maps().put(empty))).contains(empty);
        assertThat(store.maps().get(new MapId(hash(7), 1))).isEmpty();
    }

    // ---- blocks ----

    @Test
    void aFullSizeBlockRoundTripsAndExistenceIsAskedPerHash() {
        byte[] block = new byte[CassandraConfig.MAX_BLOCK_SIZE]; // 4 MiB: one mutation, well under 16 MiB
        new Random(1).nextBytes(block);
        block[block.length - 1] = 1;
        BlockHash h = BlockHasher.hash(block);
        assertThat(store.blocks().putIfAbsent(h, block, 0, block.length)).isTrue();
        assertThat(store.blocks().putIfAbsent(h, block, 0, block.length)).isFalse();
        assertThat(store.blocks().get(h).orElseThrow()).isEqualTo(block);

        List<BlockHash> asked = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            asked.add(hash(i + 1000));
        }
        asked.add(h);
        assertThat(store.blocks().existing(asked)).containsExactly(h);
        store.blocks().delete(h);
        assertThat(store.blocks().get(h)).isEmpty();
        assertThat(store.blocks().existing(List.of(h))).isEmpty();
        assertThat(store.blocks().putIfAbsent(h, block, 0, block.length)).as("stored again after a delete").isTrue();
        assertThat(store.blocks().existing(List.of(h))).containsExactly(h);
    }

    /**
     * Issue 12 (9): every new block and map header cost a lightweight transaction (Paxos: four round
     * trips and three commit-log syncs on each replica). A plain put writes them with plain writes: no
     * Paxos state exists for their partitions afterwards.
     */
    @Test
    void aPlainPutOfANewBlockAndMapUsesNoLightweightTransaction() {
        byte[] block = "a block stored by a plain put".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        BlockHash h = BlockHasher.hash(block);
        assertThat(store.blocks().putIfAbsent(h, block, 0, block.length)).isTrue();
        Hashmap map = new Hashmap(store.blockSize(), block.length, List.of(h));
        MapId id = store.maps().put(map);
        assertThat(store.maps().get(id)).contains(map);
        assertThat(paxosRows("block_index", java.nio.ByteBuffer.wrap(h.toBytes()))).as("Paxos state of the block's index row")
                .isZero();
        assertThat(paxosRows("maps", java.nio.ByteBuffer.wrap(id.key().getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .as("Paxos state of the map's header").isZero();
        // The probe finds Paxos state where there is some: a container's creation is a compare-and-set.
        store.metadata().createContainer("paxos-probe", "c", Timestamp.now(), Map.of());
        assertThat(CASSANDRA.session().execute("SELECT cf_id FROM system.paxos WHERE cf_id = ? ALLOW FILTERING",
                tableId("containers")).all()).isNotEmpty();
    }

    /** Rows of Paxos state (system.paxos) for one partition of one table of this keyspace. */
    private static long paxosRows(String table, java.nio.ByteBuffer partitionKey) {
        return CASSANDRA.session().execute("SELECT cf_id FROM system.paxos WHERE row_key = ? AND cf_id = ?", partitionKey,
                tableId(table)).all().size();
    }

    private static java.util.UUID tableId(String table) {
        return CASSANDRA.session().execute("SELECT id FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
                CASSANDRA.keyspace(), table).one().getUuid("id");
    }

    /**
     * The collector deletes a condemned block or map with tombstones stamped at the condemnation; a put
     * that found it condemned writes it again above them, even when this frontend's clock is behind the
     * collector's (here: the collector condemned 10 s "in the future"), and even when the collector's
     * delete read the row before the put's write landed (its tombstones are then written after it).
     */
    @Test
    void aPutThatRevivesACondemnedBlockOrMapSurvivesTheCollectorsTombstones() {
        byte[] block = "a block condemned, then uploaded again".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        BlockHash h = BlockHasher.hash(block);
        assertThat(store.blocks().putIfAbsent(h, block, 0, block.length)).isTrue();
        Hashmap map = new Hashmap(store.blockSize(), block.length, List.of(h));
        MapId id = store.maps().put(map);
        long condemned = System.currentTimeMillis() + 10_000; // the collector's clock is ahead of ours
        store.gc().condemnBlock(h, condemned);
        store.gc().condemnMap(id, condemned);
        assertThat(store.blocks().existing(List.of(h))).as("condemned: absent to uploads").isEmpty();

        assertThat(store.blocks().putIfAbsent(h, block, 0, block.length)).as("revived, not newly stored").isFalse();
        assertThat(store.maps().put(map)).isEqualTo(id);
        // The delete as the collector makes it had it read the row before the revival landed:
        String ks = CASSANDRA.keyspace();
        long stamp = condemned * 1000;
        java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(h.toBytes());
        CASSANDRA.session().execute("DELETE FROM " + ks + ".block_index USING TIMESTAMP " + stamp + " WHERE hash = ?", key);
        CASSANDRA.session().execute("DELETE FROM " + ks + ".blocks USING TIMESTAMP " + stamp + " WHERE hash = ?", key);
        CASSANDRA.session().execute("DELETE FROM " + ks + ".maps USING TIMESTAMP " + stamp + " WHERE map_id = ?", id.key());
        CASSANDRA.session().execute("DELETE FROM " + ks + ".map_pages USING TIMESTAMP " + stamp
                + " WHERE map_id = ? AND page_group = 0", id.key());
        // and as it makes it having read the row after: it finds the mark cleared and deletes nothing.
        assertThat(store.gc().deleteBlockIfCondemned(h, condemned)).isFalse();
        assertThat(store.gc().deleteMapIfCondemned(id, condemned)).isFalse();

        assertThat(store.blocks().existing(List.of(h))).containsExactly(h);
        assertThat(store.blocks().get(h).orElseThrow()).isEqualTo(block);
        assertThat(store.maps().get(id)).contains(map);
        assertThat(store.gc().block(h).orElseThrow().condemned()).isFalse();
    }

    // ---- compare-and-set and last write wins ----

    @Test
    void ifAbsentHasExactlyOneWinnerAmongRacers() throws Exception {
        store.metadata().createContainer("acct", "race", Timestamp.now(), Map.of());
        for (int round = 0; round < 5; round++) {
            String name = "contended-" + round;
            List<PutOutcome> outcomes = parallel(IntStream.range(0, 8).boxed().toList(),
                    i -> store.metadata().putObject(version("acct", "race", name, Timestamp.now()), PutCondition.IF_ABSENT));
            assertThat(outcomes).as("round %d: %s", round, outcomes).containsOnlyOnce(PutOutcome.PUBLISHED);
            assertThat(outcomes).allMatch(o -> o == PutOutcome.PUBLISHED || o == PutOutcome.EXISTS);
        }
        // After a delete the name is free again; an unconditional put still wins over an older IF_ABSENT one.
        Timestamp t = Timestamp.now();
        store.metadata().deleteObject("acct", "race", "contended-0", t);
        ObjectVersion again = version("acct", "race", "contended-0", Timestamp.now());
        assertThat(store.metadata().putObject(again, PutCondition.IF_ABSENT)).isEqualTo(PutOutcome.PUBLISHED);
        ObjectVersion later = version("acct", "race", "contended-0", Timestamp.now());
        assertThat(store.metadata().putObject(later, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
        assertThat(store.metadata().getObject("acct", "race", "contended-0")).contains(later);
    }

    @Test
    void versionsAreOrderedByTheirTimestampsNotByArrival() {
        store.metadata().createContainer("acct", "lww", Timestamp.now(), Map.of());
        Timestamp t1 = Timestamp.now();
        Timestamp t2 = Timestamp.now();
        Timestamp t3 = Timestamp.now();
        ObjectVersion newer = version("acct", "lww", "o", t2);
        assertThat(store.metadata().putObject(newer, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
        assertThat(store.metadata().putObject(version("acct", "lww", "o", t1), PutCondition.NONE)).isEqualTo(PutOutcome.SUPERSEDED);
        assertThat(store.metadata().getObject("acct", "lww", "o")).contains(newer);
        // A delete at t3, then a put from t1 arriving late: the delete wins.
        assertThat(store.metadata().deleteObject("acct", "lww", "o", t3)).contains(newer);
        assertThat(store.metadata().putObject(version("acct", "lww", "o", t1), PutCondition.NONE)).isEqualTo(PutOutcome.SUPERSEDED);
        assertThat(store.metadata().getObject("acct", "lww", "o")).isEmpty();
        // The delete is a marker with a TTL, so it does not stay in the partition for ever.
        Row marker = CASSANDRA.session().execute("SELECT TTL(version) AS ttl FROM " + CASSANDRA.keyspace()
                + ".objects WHERE account = 'acct' AND container = ? AND shard = ? AND name = 'o'",
                keyOf("acct", "lww"), ObjectTable.shard("o", SHARDS)).one();
        assertThat(marker.getInt("ttl")).isPositive();
    }

    @Test
    void publishingIntoAMissingContainerIsRefused() {
        assertThatThrownBy(() -> store.metadata().putObject(version("acct", "no-such", "o", Timestamp.now()), PutCondition.NONE))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.metadata().listObjects("acct", "no-such", ListQuery.all(10))).isEmpty();
    }

    // ---- container delete against a put in flight ----

    /**
     * A put passes its checks (the container exists), pauses before its row write, and a DELETE of the
     * empty container runs meanwhile. Its row must never surface: not in the deleted container, not in a
     * container created again under the same name (whose listing the collector walks, while the block
     * behind the row was collected as unreferenced), and the collector's pass must find and remove it.
     */
    @Test
    void aPutRacingAContainerDeleteNeverSurfacesAndThePassRemovesIt() throws Exception {
        String account = "fence";
        store.metadata().createContainer(account, "c", Timestamp.now(), Map.of());
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        store.objectTable().beforeWrite(() -> {
            paused.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<PutOutcome> put = pool.submit(() ->
                    store.metadata().putObject(version(account, "c", "raced", Timestamp.now()), PutCondition.NONE));
            assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();
            store.objectTable().beforeWrite(null);
            assertThat(store.metadata().deleteContainer(account, "c")).isEqualTo(DeleteContainerOutcome.DELETED);
            release.countDown();
            put.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            store.objectTable().beforeWrite(null);
            pool.shutdown();
        }
        assertThat(store.metadata().getObject(account, "c", "raced")).as("get in the deleted container").isEmpty();
        assertThat(store.metadata().listObjects(account, "c", ListQuery.all(10))).as("listing of the deleted container").isEmpty();

        store.metadata().createContainer(account, "c", Timestamp.now(), Map.of());
        assertThat(store.metadata().listObjects(account, "c", ListQuery.all(10))).as("listing of the new container").isEmpty();
        assertThat(store.metadata().getObject(account, "c", "raced")).as("get in the new container").isEmpty();
        assertThat(store.metadata().getContainer(account, "c").orElseThrow().objectCount()).isZero();
        assertThat(store.metadata().deleteContainer(account, "c")).isEqualTo(DeleteContainerOutcome.DELETED);

        assertThat(store.metadata().removeUnreachableObjects()).as("live versions the pass removed").isEqualTo(1);
        assertThat(objectRowsOf(account)).as("rows left in the objects table").isZero();
        assertThat(store.metadata().removeUnreachableObjects()).isZero();
    }

    /**
     * A container's usage row is keyed by its incarnation and deleted with it, and what it counted leaves
     * the account with it: counters that drifted (here: two objects counted twice, as two racing overwrites
     * of one new name do) must not stay in the account after the container is gone, nor be inherited by a
     * container created again under the same name.
     */
    @Test
    void usageGoesWithTheContainerAndLeavesTheAccountConsistent() {
        String account = "usage-life";
        store.metadata().createContainer(account, "c", Timestamp.now(), Map.of());
        for (int i = 0; i < 3; i++) {
            store.metadata().putObject(version(account, "c", "o" + i, Timestamp.now()), PutCondition.NONE);
        }
        String key = keyOf(account, "c");
        CASSANDRA.session().execute("UPDATE " + CASSANDRA.keyspace() + ".container_usage SET objects = objects + 2,"
                + " bytes = bytes + 200 WHERE account = ? AND container = ?", account, key);
        CASSANDRA.session().execute("UPDATE " + CASSANDRA.keyspace() + ".account_usage SET objects = objects + 2,"
                + " bytes = bytes + 200 WHERE account = ?", account);
        assertThat(store.metadata().getContainer(account, "c").orElseThrow().objectCount()).isEqualTo(5);
        for (int i = 0; i < 3; i++) {
            store.metadata().deleteObject(account, "c", "o" + i, Timestamp.now());
        }
        assertThat(store.metadata().deleteContainer(account, "c")).isEqualTo(DeleteContainerOutcome.DELETED);

        assertThat(CASSANDRA.session().execute("SELECT container FROM " + CASSANDRA.keyspace()
                + ".container_usage WHERE account = ?", account).all()).as("usage rows left").isEmpty();
        var after = store.metadata().getAccount(account).orElseThrow();
        assertThat(List.of(after.containerCount(), after.objectCount(), after.bytesUsed()))
                .as("account containers, objects, bytes once its only container is gone").containsExactly(0L, 0L, 0L);

        store.metadata().createContainer(account, "c", Timestamp.now(), Map.of());
        assertThat(keyOf(account, "c")).isNotEqualTo(key);
        var again = store.metadata().getContainer(account, "c").orElseThrow();
        assertThat(List.of(again.objectCount(), again.bytesUsed())).as("a container created again starts at zero")
                .containsExactly(0L, 0L);
    }

    /** A container from before migration 5 (no incarnation) keeps its name as its key, and the pass leaves it alone. */
    @Test
    void aContainerWithoutIncarnationKeepsItsRowsUnderItsName() {
        String account = "legacy";
        store.metadata().createContainer(account, "old", Timestamp.now(), Map.of());
        CASSANDRA.session().execute("UPDATE " + CASSANDRA.keyspace() + ".containers SET incarnation = null"
                + " WHERE account = ? AND container = 'old'", account);
        assertThat(keyOf(account, "old")).isEqualTo("old");
        ObjectVersion v = version(account, "old", "o", Timestamp.now());
        store.metadata().putObject(v, PutCondition.NONE);
        assertThat(store.metadata().listObjects(account, "old", ListQuery.all(10))).containsExactly(v);
        assertThat(store.metadata().removeUnreachableObjects()).isZero();
        assertThat(store.metadata().getObject(account, "old", "o")).contains(v);
        assertThat(store.metadata().getContainer(account, "old").orElseThrow().objectCount()).isEqualTo(1);

        store.metadata().deleteObject(account, "old", "o", Timestamp.now());
        assertThat(store.metadata().deleteContainer(account, "old")).isEqualTo(DeleteContainerOutcome.DELETED);
        store.metadata().createContainer(account, "old", Timestamp.now(), Map.of());
        assertThat(keyOf(account, "old")).startsWith("old\u0000");
        assertThat(store.metadata().removeUnreachableObjects()).isZero(); // the old key's partition: only a marker
        assertThat(objectRowsOf(account)).isZero();
    }

    /**
     * The pass reads container rows only for keys its filter of the containers table does not hold: with
     * 300 live containers of 16 shards each, not one read a partition (docs/scale.md: a key cache missed
     * 99 % at a million containers, two reads each), and the dead key it must find is still removed.
     */
    @Test
    void theUnreachableRowsPassReadsContainerRowsOnlyForKeysItDoesNotKnow() {
        String account = "manyContainers";
        for (int c = 0; c < 300; c++) {
            store.metadata().createContainer(account, "c" + c, Timestamp.now(), Map.of());
            for (int o = 0; o < 8; o++) {
                store.metadata().putObject(version(account, "c" + c, "o" + o, Timestamp.now()), PutCondition.NONE);
            }
        }
        store.metadata().createContainer(account, "doomed", Timestamp.now(), Map.of());
        String deadKey = keyOf(account, "doomed");
        assertThat(store.metadata().deleteContainer(account, "doomed")).isEqualTo(DeleteContainerOutcome.DELETED);
        // a row a put wrote under the deleted container's key, as a put racing the delete does
        CASSANDRA.session().execute("INSERT INTO " + CASSANDRA.keyspace() + ".objects (account, container, shard, name,"
                + " version) VALUES (?, ?, 0, 'late', {ts: 1, deleted: false, map_length: 0, etag: 'e', content_type: 't',"
                + " metadata: {}})", account, deadKey);
        CassandraMetadataStore metadata = (CassandraMetadataStore) store.metadata();
        assertThat(metadata.removeUnreachableObjects()).as("live versions removed").isEqualTo(1);
        long otherAccounts = CASSANDRA.session().execute("SELECT account FROM " + CASSANDRA.keyspace() + ".containers")
                .all().size();
        assertThat(metadata.lastPassLivenessChecks()).as("container keys checked by reading rows, of "
                + (300 * 8) + "+ partitions and " + otherAccounts + " containers").isLessThanOrEqualTo(10);
        assertThat(CASSANDRA.session().execute("SELECT name FROM " + CASSANDRA.keyspace() + ".objects WHERE account = ?"
                + " AND container = ? AND shard = 0", account, deadKey).all()).as("the dead key's row").isEmpty();
        assertThat(store.metadata().listObjects(account, "c7", ListQuery.all(100))).hasSize(8);
    }

    /** The key a container's object rows are under (ContainerKey). */
    private static String keyOf(String account, String container) {
        Row row = CASSANDRA.session().execute("SELECT incarnation FROM " + CASSANDRA.keyspace()
                + ".containers WHERE account = ? AND container = ?", account, container).one();
        return ContainerKey.of(container, row.getString("incarnation")).key();
    }

    private static long objectRowsOf(String account) {
        return CASSANDRA.session().execute("SELECT name FROM " + CASSANDRA.keyspace() + ".objects WHERE account = ?"
                + " ALLOW FILTERING", account).all().size();
    }

    // ---- bounded partitions ----

    /**
     * 2,000 objects due within one minute, drained as the expirer does (batches of 100, each entry removed
     * after it is handled): no read of the expiry tables may walk the tombstones of the entries removed
     * before it (with one partition per hour read from its start, the last batches read ~1,900 each, and
     * the expirer stalls at ~100,000 per hour: Cassandra fails a read past 100,000 tombstones).
     */
    @Test
    void drainingExpiriesNeverReadsThroughTheirTombstones() throws Exception {
        String account = "expiring";
        store.metadata().createContainer(account, "c", Timestamp.now(), Map.of());
        long dueAt = 1_700_000_040L; // one minute: [dueAt, dueAt + 60)
        List<Integer> numbers = IntStream.range(0, 2000).boxed().toList();
        parallel(numbers, i -> store.metadata().putObject(new ObjectVersion(account, "c", "o" + i, Timestamp.now(),
                new MapId(hash(i), 10), "etag", "text/plain", Map.of("x-delete-at", Long.toString(dueAt + i % 60))),
                PutCondition.NONE));
        int drained = 0;
        long lastDeleteAt = 0;
        while (true) {
            var batch = store.metadata().dueExpiries(dueAt + 3600, 100);
            for (var e : batch) {
                assertThat(e.deleteAt()).as("earliest first").isGreaterThanOrEqualTo(lastDeleteAt);
                lastDeleteAt = e.deleteAt();
                store.metadata().removeExpiry(e);
            }
            drained += batch.size();
            if (batch.size() < 100) {
                break;
            }
        }
        assertThat(drained).isEqualTo(2000);
        assertThat(store.metadata().dueExpiries(dueAt + 3600, 100)).isEmpty();
        long worst = 0;
        for (Row r : CASSANDRA.session().execute("SELECT table_name, max FROM system_views.tombstones_per_read"
                + " WHERE keyspace_name = ?", CASSANDRA.keyspace())) {
            if (r.getString("table_name").startsWith("expiry")) {
                worst = Math.max(worst, (long) r.getDouble("max"));
            }
        }
        assertThat(worst).as("most tombstones one read of the expiry index walked").isLessThan(200);
    }

    /**
     * Issue 12, failure 6: the hasher's queue was one partition ({@code shard = 0}), growing with every
     * snapshot not yet hashed. Jobs are spread over shards; a page walk from the start reads every job of
     * every shard once, and jobs an older frontend left in the single partition are moved to their shards
     * and listed too.
     */
    @Test
    void hashJobsAreShardedAndEveryPageWalkReadsThemAll() {
        String ks = CASSANDRA.keyspace();
        List<String> legacy = List.of("legacy-1", "legacy-2");
        for (String id : legacy) {
            CASSANDRA.session().execute("INSERT INTO " + ks + ".hash_jobs (shard, id, account, container, object, map_id,"
                    + " published) VALUES (0, ?, 'a', 'c', 'o', ?, 1)", id, new MapId(hash(7), 10).key());
        }
        List<String> ids = new ArrayList<>(legacy);
        for (int i = 0; i < 60; i++) {
            String id = java.util.UUID.randomUUID().toString();
            ids.add(id);
            store.volumes().addHashJob(new io.tessera.store.VolumeStore.HashJob(id, "a", "c", "snap" + i,
                    new MapId(hash(i), 10), Timestamp.now()));
        }
        long partitions = CASSANDRA.session().execute("SELECT DISTINCT shard FROM " + ks + ".hash_jobs").all().size();
        assertThat(partitions).as("partitions the queue is spread over").isGreaterThan(8);

        List<String> walked = new ArrayList<>();
        String after = null;
        while (true) {
            var page = store.volumes().hashJobs(after, 7);
            page.forEach(j -> walked.add(j.id()));
            if (page.size() < 7) {
                break;
            }
            after = page.get(page.size() - 1).id();
        }
        assertThat(walked).as("every job once").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(CASSANDRA.session().execute("SELECT id FROM " + ks + ".hash_jobs WHERE shard = 0").all())
                .as("jobs left in the single partition of before").isEmpty();

        ids.forEach(store.volumes()::removeHashJob);
        assertThat(store.volumes().hashJobs(100)).isEmpty();
    }

    /**
     * Issue 12, "must be true" 6: a frontend whose clock is off from the cluster's by more than the bound
     * refuses every write (StoreUnavailableException: 503 over HTTP) with a message that says why, still
     * serves reads, and writes again once its clock is set right. The frontend's clock is skewed here; the
     * node's is the real one.
     */
    @Test
    void aFrontendWhoseClockIsOffRefusesWritesUntilItIsSetRight() {
        java.util.concurrent.atomic.AtomicLong offset = new java.util.concurrent.atomic.AtomicLong(60_000);
        store.metadata().createContainer("skew", "c", Timestamp.now(), Map.of());
        try (CassandraStore skewed = CassandraStore.open(CASSANDRA.config().listingShards(SHARDS).build(),
                new com.codahale.metrics.MetricRegistry(), () -> System.currentTimeMillis() + offset.get())) {
            assertThat(skewed.clockSkew().last().offsetMillis()).isBetween(59_000L, 61_000L);
            assertThat(skewed.metadata().getContainer("skew", "c")).as("reads are served").isPresent();
            assertThatThrownBy(() -> skewed.metadata().putObject(version("skew", "c", "o", Timestamp.now()), PutCondition.NONE))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("clock is ahead of the Cassandra cluster's by");
            assertThatThrownBy(() -> skewed.metadata().createContainer("skew", "d", Timestamp.now(), Map.of()))
                    .isInstanceOf(StoreUnavailableException.class);
            byte[] block = {1, 2, 3};
            assertThatThrownBy(() -> skewed.blocks().putIfAbsent(BlockHasher.hash(block, 0, 3), block, 0, 3))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> skewed.metadata().deleteContainer("skew", "c")).isInstanceOf(StoreUnavailableException.class);
            assertThat(store.metadata().getObject("skew", "c", "o")).as("nothing was written").isEmpty();

            offset.set(-(ClockSkew.BOUND.toMillis() / 2));
            skewed.clockSkew().measure();
            assertThat(skewed.metadata().putObject(version("skew", "c", "o", Timestamp.now()), PutCondition.NONE))
                    .as("within the bound again").isEqualTo(PutOutcome.PUBLISHED);
            offset.set(-30_000);
            skewed.clockSkew().measure();
            assertThatThrownBy(() -> skewed.metadata().deleteObject("skew", "c", "o", Timestamp.now()))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("clock is behind");
        }
        assertThat(store.metadata().getObject("skew", "c", "o")).isPresent();
    }

    /**
     * Issue 12, "must be true" 6: the list of minutes with pending expiries was one partition per shard
     * holding every pending minute of it, growing with the X-Delete-At horizon (objects kept for years:
     * years of minutes). 2,000 objects of one shard, each due in a minute of its own over two days: no
     * partition of the expiry tables may hold more than a day of minutes, and draining them finds every
     * entry, earliest first, and leaves the lists empty.
     */
    @Test
    void expiryListsHoldAtMostADayOfMinutesWhateverTheHorizon() throws Exception {
        String account = "horizon";
        store.metadata().createContainer(account, "c", Timestamp.now(), Map.of());
        long firstDue = 1_800_000_000L / 86_400 * 86_400; // a day's start
        List<String> names = new ArrayList<>();
        for (int i = 0; names.size() < 2000; i++) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update((account + "/c/o" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (crc.getValue() % ExpiryIndex.SHARDS == 0) {
                names.add("o" + i);
            }
        }
        List<Integer> numbers = IntStream.range(0, names.size()).boxed().toList();
        parallel(numbers, i -> store.metadata().putObject(new ObjectVersion(account, "c", names.get(i), Timestamp.now(),
                new MapId(hash(i), 10), "etag", "text/plain", Map.of("x-delete-at", Long.toString(firstDue + 60L * i))),
                PutCondition.NONE));
        String ks = CASSANDRA.keyspace();
        long largest = 0;
        List<String> tables = CASSANDRA.session().execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                ks).all().stream().map(r -> r.getString("table_name")).toList();
        for (String table : List.of("expiry_buckets", "expiry_minutes", "expiry_days", "expiry_due")) {
            if (!tables.contains(table)) {
                continue;
            }
            java.util.Map<String, Integer> rows = new java.util.HashMap<>();
            for (Row r : CASSANDRA.session().execute("SELECT * FROM " + ks + "." + table)) {
                String partition = table.equals("expiry_minutes") ? r.getInt("shard") + "/" + r.getLong("day")
                        : table.equals("expiry_due") ? r.getLong("bucket") + "/" + r.getInt("shard") : "" + r.getInt("shard");
                rows.merge(partition, 1, Integer::sum);
            }
            largest = Math.max(largest, rows.values().stream().mapToInt(Integer::intValue).max().orElse(0));
        }
        assertThat(largest).as("most rows in one partition of the expiry tables").isLessThanOrEqualTo(1440);

        long now = firstDue + 60L * names.size() + 2 * 86_400;
        // Every write is done: the deletes of finished minutes and days need not spare writes in flight.
        store.expiryIndex().lateWriteMargin(Duration.ZERO);
        try {
            List<String> drained = new ArrayList<>();
            long lastDeleteAt = 0;
            while (true) {
                var batch = store.metadata().dueExpiries(now, 100);
                if (batch.isEmpty()) {
                    break;
                }
                for (var e : batch) {
                    assertThat(e.deleteAt()).as("earliest first").isGreaterThanOrEqualTo(lastDeleteAt);
                    lastDeleteAt = e.deleteAt();
                    drained.add(e.name());
                    store.metadata().removeExpiry(e);
                }
            }
            assertThat(drained).containsExactlyInAnyOrderElementsOf(names);
            store.metadata().dueExpiries(now, 100); // the days are over and empty: unlisted
            assertThat(CASSANDRA.session().execute("SELECT * FROM " + ks + ".expiry_days").all()).as("days listed").isEmpty();
            assertThat(CASSANDRA.session().execute("SELECT * FROM " + ks + ".expiry_minutes").all()).as("minutes listed").isEmpty();
        } finally {
            store.expiryIndex().lateWriteMargin(ExpiryIndex.LATE_WRITE_MARGIN);
        }
    }

    /** Entries a frontend of before migration 8 listed in migration 6's per-shard lists are still found, and unlisted. */
    @Test
    void expiriesListedTheMigration6WayAreDrained() {
        String ks = CASSANDRA.keyspace();
        long due = 1_700_000_100L;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update("old/c/o".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int shard = (int) (crc.getValue() % ExpiryIndex.SHARDS);
        CASSANDRA.session().execute("INSERT INTO " + ks + ".expiry_buckets (shard, bucket) VALUES (?, ?)", shard, due / 60);
        CASSANDRA.session().execute("INSERT INTO " + ks + ".expiry_due (bucket, shard, delete_at, account, container, name,"
                + " version) VALUES (?, ?, ?, 'old', 'c', 'o', 7)", due / 60, shard, due);
        try (CassandraStore fresh = CassandraStore.open(CASSANDRA.config().listingShards(SHARDS).build())) {
            fresh.expiryIndex().lateWriteMargin(Duration.ZERO);
            var found = fresh.metadata().dueExpiries(due + 3600, 100).stream().filter(e -> e.account().equals("old")).toList();
            assertThat(found).extracting(e -> e.name()).containsExactly("o");
            fresh.metadata().removeExpiry(found.get(0));
            assertThat(fresh.metadata().dueExpiries(due + 3600, 100)).noneMatch(e -> e.account().equals("old"));
        }
        assertThat(CASSANDRA.session().execute("SELECT * FROM " + ks + ".expiry_buckets WHERE shard = ? AND bucket = ?",
                shard, due / 60).all()).as("the old list row").isEmpty();
    }

    @Test
    void settingsAreCompareAndSet() {
        assertThat(store.metadata().getSetting("secret")).isEmpty();
        assertThat(store.metadata().putSettingIfAbsent("secret", "a")).isEqualTo("a");
        assertThat(store.metadata().putSettingIfAbsent("secret", "b")).isEqualTo("a");
        assertThat(store.metadata().getSetting("secret")).contains("a");
    }

    // ---- schema ----

    @Test
    void reopeningIsIdempotentAndTheBlockSizeIsFixed() {
        try (CassandraStore again = CassandraStore.open(CASSANDRA.config().listingShards(SHARDS * 2).build())) {
            again.checkReachable();
        }
        Row version = CASSANDRA.session().execute("SELECT value FROM " + CASSANDRA.keyspace()
                + ".store_meta WHERE key = 'schema_version'").one();
        assertThat(version.getString("value")).isEqualTo(String.valueOf(CassandraSchema.VERSION));
        assertThatThrownBy(() -> CassandraStore.open(CASSANDRA.config().blockSize(new BlockSize(1024 * 1024)).build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("block size");
    }

    // ---- unavailability: always an exception, never a hang ----

    @Test
    void aClosedPortIsUnavailableQuickly() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> CassandraStore.open(CASSANDRA.config().contactPoints("127.0.0.1:1").build()))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aNodeThatStopsMakesEveryCallUnavailable() throws Exception {
        assumeSingleNode();
        try (TcpProxy node = new TcpProxy(CASSANDRA.contactPoint());
             CassandraStore viaProxy = CassandraStore.open(CASSANDRA.config().contactPoints(node.hostPort())
                     .requestTimeout(Duration.ofSeconds(3)).build())) {
            viaProxy.checkReachable();
            viaProxy.metadata().createContainer("acct", "gone", Timestamp.now(), Map.of());
            node.close(); // every connection reset, new ones refused: the node is gone

            long t0 = System.nanoTime();
            assertThatThrownBy(viaProxy::checkReachable).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> viaProxy.metadata().getContainer("acct", "gone")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> viaProxy.blocks().existing(List.of(hash(1), hash(2)))).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> viaProxy.metadata().putObject(version("acct", "gone", "o", Timestamp.now()), PutCondition.NONE))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void aNodeThatHangsTimesOutAsUnavailable() throws Exception {
        assumeSingleNode();
        try (TcpProxy node = new TcpProxy(CASSANDRA.contactPoint());
             CassandraStore viaProxy = CassandraStore.open(CASSANDRA.config().contactPoints(node.hostPort())
                     .requestTimeout(Duration.ofSeconds(2)).build())) {
            viaProxy.checkReachable();
            node.freeze();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> viaProxy.metadata().getObject("acct", "x", "y")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> viaProxy.blocks().get(hash(3))).isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        }
    }

    // ---- helpers ----

    /**
     * The proxy stands in for the only node. On a multi-node cluster (TESSERA_TEST_CASSANDRA pointing at one)
     * the driver finds the other nodes and goes around it; losing a node of a cluster is a scenario of its own.
     */
    private static void assumeSingleNode() {
        int nodes = CASSANDRA.session().getMetadata().getNodes().size();
        Assumptions.assumeTrue(nodes == 1, "simulating a stopped node with a proxy needs a one-node cluster, not " + nodes);
    }

    static ObjectVersion version(String account, String container, String name, Timestamp ts) {
        return new ObjectVersion(account, container, name, ts, new MapId(hash(name.hashCode()), 100 + name.length()),
                "d41d8cd98f00b204e9800998ecf8427e", "text/plain", Map.of("x-object-meta-n", name));
    }

    static BlockHash hash(int seed) {
        byte[] b = new byte[32];
        new Random(seed).nextBytes(b);
        return BlockHash.of(b);
    }

    private static <T, R> List<R> parallel(List<T> items, java.util.function.Function<T, R> f) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit((Callable<R>) () -> f.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> fut : futures) {
                results.add(fut.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private static List<String> reversed(List<String> list) {
        List<String> r = new ArrayList<>(list);
        java.util.Collections.reverse(r);
        return r;
    }
}
