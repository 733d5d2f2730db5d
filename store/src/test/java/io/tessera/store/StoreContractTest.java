package io.tessera.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MetadataStore.DeleteContainerOutcome;
import io.tessera.store.MetadataStore.PutOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The storage SPI's contract, run by every backend: subclass it, give {@link #newStore()} an empty
 * store per test and, if the backend needs it, clean up in {@link #closeStore(Store)}.
 *
 * <p>Backend-neutral on purpose: only the SPI is used, expectations are computed with
 * {@link Names#UTF8_ORDER}, and sizes are kept small (blocks of at most the store's block size;
 * choose 4 KiB or 64 KiB blocks for speed) so a cluster backend runs it in reasonable time too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StoreContractTest {

    /** An empty store, opened for one test. */
    protected abstract Store newStore() throws Exception;

    /** Called after each test with the store {@link #newStore()} gave; closes it by default. */
    protected void closeStore(Store store) throws Exception {
        store.close();
    }

    protected Store store;
    private final Random random = new Random(42);

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (store != null) {
            closeStore(store);
        }
    }

    // ------------------------------------------------------------------ helpers

    private BlockStore blocks() {
        return store.blocks();
    }

    private MetadataStore meta() {
        return store.metadata();
    }

    private int blockBytes() {
        return store.blockSize().bytes();
    }

    /** Random stored (stripped) content: its last byte is never zero. */
    private byte[] content(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        if (length > 0 && b[length - 1] == 0) {
            b[length - 1] = 1;
        }
        return b;
    }

    private BlockHash randomHash() {
        byte[] b = new byte[BlockHash.LENGTH];
        random.nextBytes(b);
        return BlockHash.of(b);
    }

    private Hashmap randomMap(int blocks, int shortLastBy) {
        List<BlockHash> hashes = IntStream.range(0, blocks).mapToObj(i -> randomHash()).toList();
        long length = blocks == 0 ? 0 : (long) blocks * blockBytes() - shortLastBy;
        return new Hashmap(store.blockSize(), length, hashes);
    }

    private static Timestamp ts(long micros) {
        return new Timestamp(micros);
    }

    private ObjectVersion version(String account, String container, String name, long micros, Hashmap map) {
        return new ObjectVersion(account, container, name, ts(micros), MapId.of(map), "etag-" + micros,
                "application/octet-stream", Map.of("x-object-meta-n", Long.toString(micros)));
    }

    /** A version whose map is {@code length} bytes long (the map need not be stored for metadata tests). */
    private ObjectVersion versionOfLength(String account, String container, String name, long micros, long length) {
        int blocks = (int) store.blockSize().blockCount(length);
        List<BlockHash> hashes = IntStream.range(0, blocks).mapToObj(i -> randomHash()).toList();
        Hashmap map = new Hashmap(store.blockSize(), length, hashes);
        return version(account, container, name, micros, map);
    }

    private void container(String account, String container) {
        assertThat(meta().createContainer(account, container, Timestamp.now(), Map.of())).isTrue();
    }

    /** The writer of a volume that this test alone writes: takes its lease (generation 1) first. */
    private VolumeWriter writerOf(String volumeId) {
        assertThat(store.volumes().casLease(volumeId, null,
                new VolumeStore.Lease("test", System.currentTimeMillis() + 600_000, 1))).isTrue();
        return store.volumes().writer(volumeId, 1);
    }

    /** Runs {@code task(i)} for i in [0, n) on n threads released at the same instant; returns the results. */
    private static <T> List<T> race(int n, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.apply(id);
                };
                futures.add(pool.submit(call));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The page a correct backend returns for {@code query} over {@code names}, the slow, obvious way:
     * filter, sort by UTF-8 bytes, and keep one name per delimiter group (the group's own name when it
     * is there, else the first met), at most limit.
     */
    public static List<String> expectedPage(java.util.Collection<String> names, ListQuery query) {
        List<String> sorted = names.stream().filter(query::matches).sorted(Names.UTF8_ORDER).collect(Collectors.toList());
        if (query.reverse()) {
            Collections.reverse(sorted);
        }
        List<String> page = new ArrayList<>();
        String lastGroup = null;
        for (String n : sorted) {
            String group = query.groupOf(n);
            if (group != null && group.equals(lastGroup)) {
                if (n.equals(group)) {
                    page.set(page.size() - 1, n);
                }
                continue;
            }
            lastGroup = group;
            page.add(n);
        }
        return page.subList(0, Math.min(query.limit(), page.size()));
    }

    /** Characters at every edge of UTF-8's length classes and of the surrogate gap, and delimiters. */
    public static final List<String> NASTY_ALPHABET = List.of("/", ".", "a", "b", "\u007F", "\u0080", "\u07FF",
            "\u0800", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF", "\uD800\uDC00", "\uD83D\uDE00", "\uDBFF\uDFFF");

    public static String nastyName(Random random, int maxLength) {
        StringBuilder b = new StringBuilder();
        int length = 1 + random.nextInt(maxLength);
        for (int i = 0; i < length; i++) {
            b.append(NASTY_ALPHABET.get(random.nextInt(NASTY_ALPHABET.size())));
        }
        return b.toString();
    }

    /** A random query over names from {@link #NASTY_ALPHABET}: any prefix, delimiter, bounds and limit. */
    public static ListQuery nastyQuery(Random random) {
        return new ListQuery(
                random.nextInt(3) == 0 ? nastyName(random, 2) : null,
                random.nextInt(3) > 0 ? nastyName(random, random.nextInt(5) == 0 ? 2 : 1) : null,
                random.nextInt(3) == 0 ? nastyName(random, 3) : null,
                random.nextInt(6) == 0 ? nastyName(random, 3) : null,
                random.nextInt(4) == 0 ? nastyName(random, 3) : null,
                random.nextBoolean(),
                random.nextInt(4) == 0 ? 1_000 : 1 + random.nextInt(12));
    }

    /** Rounds of the random listing properties: each a fresh set of names and many queries over it. */
    protected int listingRounds() {
        return 6;
    }

    /**
     * Whether exactly one of several puts racing to store one new block is told it stored it (and counts
     * it). Cassandra writes blocks without a lightweight transaction: each racer may be (SCHEMA.md, Blocks).
     */
    protected boolean racingPutsOfANewBlockCountItOnce() {
        return true;
    }

    /**
     * Follows markers from page to page until an empty page and returns every name seen. Bounded, so
     * a backend that ignores the marker fails the test instead of looping forever.
     */
    private static List<String> walk(int total, int pageSize, Function<String, List<String>> pageAfter) {
        List<String> seen = new ArrayList<>();
        String marker = null;
        for (int pages = 0; ; pages++) {
            assertThat(pages).as("pages walked for %d names", total).isLessThanOrEqualTo(total / pageSize + 1);
            List<String> page = pageAfter.apply(marker);
            assertThat(page.size()).as("page size").isLessThanOrEqualTo(pageSize);
            if (page.isEmpty()) {
                return seen;
            }
            seen.addAll(page);
            marker = page.get(page.size() - 1);
        }
    }

    private List<String> containerNames(ListQuery query) {
        return meta().listContainers("alice", query).stream().map(ContainerInfo::name).toList();
    }

    /** Names whose UTF-8 order differs from String order: U+FF5E (3 bytes) sorts before U+1F600 (4 bytes). */
    private static final List<String> TRICKY_NAMES = List.of(
            "a", "B", "b", "aa", "a/b", "a b", "ä", "é", "日本", "\uFF5E", "\uFFFD", "\uD83D\uDE00", "z", "~", "0");

    // ------------------------------------------------------------------ blocks

    @Nested
    class Blocks {
        @Test
        void putIfAbsentWritesOnceThenReportsPresent() {
            byte[] c = content(1000);
            BlockHash h = BlockHasher.hash(c);
            assertThat(blocks().putIfAbsent(h, c, 0, c.length)).isTrue();
            assertThat(blocks().putIfAbsent(h, c, 0, c.length)).isFalse();
            assertThat(blocks().get(h)).hasValueSatisfying(b -> assertThat(b).isEqualTo(c));
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(1, 1000));
        }

        @Test
        void getReturnsExactlyTheStoredBytesOfEverySize() {
            for (int length : new int[] {1, 100, 4095, blockBytes() / 2, blockBytes() - 1, blockBytes()}) {
                byte[] c = content(length);
                BlockHash h = BlockHasher.hash(c);
                assertThat(blocks().putIfAbsent(h, c, 0, length)).as("length %d", length).isTrue();
                assertThat(blocks().get(h)).as("length %d", length).hasValueSatisfying(b -> assertThat(b).isEqualTo(c));
            }
        }

        @Test
        void putStoresOnlyTheGivenRangeOfTheArray() {
            long bytes = 0;
            for (int len : new int[] {100, blockBytes() / 2}) {
                byte[] buffer = content(blockBytes());
                int off = 17;
                byte[] expected = Arrays.copyOfRange(buffer, off, off + len);
                expected[len - 1] = 1; // stripped content ends in a non-zero byte
                buffer[off + len - 1] = 1;
                BlockHash h = BlockHasher.hash(expected);
                assertThat(blocks().putIfAbsent(h, buffer, off, len)).isTrue();
                assertThat(blocks().get(h)).as("length %d", len).hasValueSatisfying(b -> assertThat(b).isEqualTo(expected));
                bytes += len;
            }
            assertThat(blocks().stats().bytes()).isEqualTo(bytes);
        }

        @Test
        void getOfAMissingBlockIsEmpty() {
            assertThat(blocks().get(randomHash())).isEmpty();
        }

        @Test
        void theZeroBlockHasEmptyContentAndCanBeStored() {
            assertThat(blocks().putIfAbsent(BlockHash.ZERO_BLOCK, new byte[0], 0, 0)).isTrue();
            assertThat(blocks().get(BlockHash.ZERO_BLOCK)).hasValueSatisfying(b -> assertThat(b).isEmpty());
            assertThat(blocks().existing(List.of(BlockHash.ZERO_BLOCK))).containsExactly(BlockHash.ZERO_BLOCK);
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(1, 0));
            assertThat(blocks().putIfAbsent(BlockHash.ZERO_BLOCK, new byte[0], 0, 0)).isFalse();
        }

        @Test
        void racingWritersOfOneHashLeaveOneBlockCountedOnce() throws Exception {
            byte[] c = content(blockBytes());
            BlockHash h = BlockHasher.hash(c);
            List<Boolean> wrote = race(8, i -> blocks().putIfAbsent(h, c.clone(), 0, c.length));
            long told = wrote.stream().filter(b -> b).count();
            if (racingPutsOfANewBlockCountItOnce()) {
                assertThat(told).isEqualTo(1);
            } else {
                assertThat(told).isBetween(1L, 8L);
            }
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(told, told * blockBytes()));
            assertThat(blocks().existing(List.of(h))).containsExactly(h);
            assertThat(blocks().get(h)).hasValueSatisfying(b -> assertThat(b).isEqualTo(c));
            assertThat(blocks().putIfAbsent(h, c, 0, c.length)).as("stored: a later put deduplicates").isFalse();
        }

        @Test
        void existingAnswersAMixedBatch() {
            List<BlockHash> asked = new ArrayList<>();
            Set<BlockHash> stored = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                byte[] c = content(50 + i);
                BlockHash h = BlockHasher.hash(c);
                asked.add(h);
                if (i % 3 == 0) {
                    blocks().putIfAbsent(h, c, 0, c.length);
                    stored.add(h);
                }
            }
            asked.add(asked.get(0)); // duplicates are allowed in the question
            assertThat(blocks().existing(asked)).isEqualTo(stored);
            assertThat(blocks().existing(List.of())).isEmpty();
        }

        @Test
        void existingAnswersAThousandHashes() {
            List<BlockHash> asked = new ArrayList<>();
            Set<BlockHash> stored = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                if (i % 10 == 3) {
                    byte[] c = content(64);
                    BlockHash h = BlockHasher.hash(c);
                    blocks().putIfAbsent(h, c, 0, c.length);
                    stored.add(h);
                    asked.add(h);
                } else {
                    asked.add(randomHash());
                }
            }
            assertThat(blocks().existing(asked)).hasSize(100).isEqualTo(stored);
        }

        @Test
        void deleteRemovesTheBlockAndItsUsage() {
            byte[] a = content(300);
            byte[] b = content(blockBytes());
            BlockHash ha = BlockHasher.hash(a);
            BlockHash hb = BlockHasher.hash(b);
            blocks().putIfAbsent(ha, a, 0, a.length);
            blocks().putIfAbsent(hb, b, 0, b.length);

            blocks().delete(hb);
            assertThat(blocks().get(hb)).isEmpty();
            assertThat(blocks().existing(List.of(ha, hb))).containsExactly(ha);
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(1, 300));

            blocks().delete(hb); // deleting a missing block is a no-op
            blocks().delete(randomHash());
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(1, 300));

            assertThat(blocks().putIfAbsent(hb, b, 0, b.length)).isTrue(); // can be written again
            assertThat(blocks().get(hb)).hasValueSatisfying(x -> assertThat(x).isEqualTo(b));
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(2, 300L + blockBytes()));
        }

        @Test
        void statsFollowPutsAndDeletes() {
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(0, 0));
            List<BlockHash> hashes = new ArrayList<>();
            long bytes = 0;
            for (int i = 1; i <= 10; i++) {
                byte[] c = content(i * 100);
                BlockHash h = BlockHasher.hash(c);
                blocks().putIfAbsent(h, c, 0, c.length);
                blocks().putIfAbsent(h, c, 0, c.length); // a duplicate does not count
                hashes.add(h);
                bytes += c.length;
            }
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(10, bytes));
            blocks().delete(hashes.get(0));
            blocks().delete(hashes.get(9));
            assertThat(blocks().stats()).isEqualTo(new BlockStore.BlockStats(8, bytes - 100 - 1000));
        }
    }

    // ------------------------------------------------------------------ maps

    @Nested
    class Maps {
        @Test
        void putReturnsTheMapIdAndGetRoundTrips() {
            Hashmap map = randomMap(5, 123);
            assertThat(store.maps().put(map)).isEqualTo(MapId.of(map));
            assertThat(store.maps().get(MapId.of(map))).contains(map);
        }

        @Test
        void putIsIdempotent() {
            Hashmap map = randomMap(3, 0);
            MapId first = store.maps().put(map);
            MapId second = store.maps().put(new Hashmap(map.blockSize(), map.length(), new ArrayList<>(map.hashes())));
            assertThat(second).isEqualTo(first);
            assertThat(store.maps().get(first)).contains(map);
        }

        @Test
        void aLargeMapRoundTripsWhole() {
            Hashmap map = randomMap(300_000, 1);
            MapId id = store.maps().put(map);
            Optional<Hashmap> read = store.maps().get(id);
            assertThat(read).isPresent();
            assertThat(read.get().length()).isEqualTo(map.length());
            assertThat(read.get().hashes()).hasSize(300_000);
            assertThat(read.get().hashes().equals(map.hashes())).as("every hash in order").isTrue();
        }

        @Test
        void theEmptyMapRoundTrips() {
            Hashmap empty = Hashmap.empty(store.blockSize());
            MapId id = store.maps().put(empty);
            assertThat(id).isEqualTo(new MapId(BlockHash.ZERO_BLOCK, 0));
            assertThat(store.maps().get(id)).contains(empty);
        }

        @Test
        void getOfAMissingMapIsEmpty() {
            assertThat(store.maps().get(MapId.of(randomMap(2, 0)))).isEmpty();
        }

        @Test
        void mapsWithEqualRootsButOtherLengthsAreDistinct() {
            Hashmap full = randomMap(1, 0);
            Hashmap shorter = new Hashmap(store.blockSize(), full.length() - 10, full.hashes());
            store.maps().put(full);
            assertThat(store.maps().get(MapId.of(shorter))).isEmpty();
            store.maps().put(shorter);
            assertThat(store.maps().get(MapId.of(full))).contains(full);
            assertThat(store.maps().get(MapId.of(shorter))).contains(shorter);
        }

        @Test
        void deleteRemovesOnlyThatMap() {
            Hashmap a = randomMap(10_000, 0);
            Hashmap b = new Hashmap(store.blockSize(), a.length() - 1, a.hashes()); // same hashes, other map
            store.maps().put(a);
            store.maps().put(b);
            store.maps().delete(MapId.of(a));
            assertThat(store.maps().get(MapId.of(a))).isEmpty();
            assertThat(store.maps().get(MapId.of(b))).contains(b);
            store.maps().delete(MapId.of(a)); // a no-op now
            assertThat(store.maps().put(a)).isEqualTo(MapId.of(a)); // and it can be stored again
            assertThat(store.maps().get(MapId.of(a))).contains(a);
        }

        @Test
        void aMapInAnotherBlockSizeIsRefused() {
            int other = blockBytes() == BlockSize.MIN ? 2 * BlockSize.MIN : blockBytes() / 2;
            Hashmap foreign = new Hashmap(new BlockSize(other), other, List.of(randomHash()));
            assertThatThrownBy(() -> store.maps().put(foreign)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ------------------------------------------------------------------ accounts

    @Nested
    class Accounts {
        @Test
        void anAccountExistsOnlyOnceEnsured() {
            assertThat(meta().getAccount("alice")).isEmpty();
            meta().ensureAccount("alice", ts(1_000));
            AccountInfo info = meta().getAccount("alice").orElseThrow();
            assertThat(info).isEqualTo(new AccountInfo("alice", ts(1_000), Map.of(), 0, 0, 0));
            assertThat(meta().getAccount("alic")).isEmpty();
            assertThat(meta().getAccount("alice2")).isEmpty();
        }

        @Test
        void ensureAccountIsIdempotentAndKeepsTheFirstCreationTime() {
            meta().ensureAccount("alice", ts(1_000));
            meta().updateAccountMetadata("alice", Map.of("x-account-meta-a", "1"));
            meta().ensureAccount("alice", ts(2_000));
            AccountInfo info = meta().getAccount("alice").orElseThrow();
            assertThat(info.created()).isEqualTo(ts(1_000));
            assertThat(info.metadata()).isEqualTo(Map.of("x-account-meta-a", "1"));
        }

        @Test
        void metadataChangesMergeAndAnEmptyValueRemoves() {
            meta().ensureAccount("alice", ts(1_000));
            meta().updateAccountMetadata("alice", Map.of("x-account-meta-a", "1", "x-account-meta-b", "2"));
            meta().updateAccountMetadata("alice", Map.of("x-account-meta-b", "", "x-account-meta-c", "ünïcode ☃"));
            meta().updateAccountMetadata("alice", Map.of("x-account-meta-missing", ""));
            assertThat(meta().getAccount("alice").orElseThrow().metadata())
                    .isEqualTo(Map.of("x-account-meta-a", "1", "x-account-meta-c", "ünïcode ☃"));
        }

        @Test
        void updatingMetadataCreatesTheAccount() {
            meta().updateAccountMetadata("bob", Map.of("x-account-meta-a", "1"));
            assertThat(meta().getAccount("bob")).hasValueSatisfying(a ->
                    assertThat(a.metadata()).isEqualTo(Map.of("x-account-meta-a", "1")));
        }

        @Test
        void countersFollowContainersAndObjects() {
            container("alice", "c1");
            container("alice", "c2");
            container("alice2", "c1"); // another account whose name extends this one
            meta().putObject(versionOfLength("alice", "c1", "x", 10, 100), PutCondition.NONE);
            meta().putObject(versionOfLength("alice", "c2", "y", 10, 50), PutCondition.NONE);
            meta().putObject(versionOfLength("alice2", "c1", "z", 10, 7), PutCondition.NONE);
            AccountInfo alice = meta().getAccount("alice").orElseThrow();
            assertThat(List.of(alice.containerCount(), alice.objectCount(), alice.bytesUsed())).containsExactly(2L, 2L, 150L);

            meta().deleteObject("alice", "c2", "y", ts(20));
            assertThat(meta().deleteContainer("alice", "c2")).isEqualTo(DeleteContainerOutcome.DELETED);
            alice = meta().getAccount("alice").orElseThrow();
            assertThat(List.of(alice.containerCount(), alice.objectCount(), alice.bytesUsed())).containsExactly(1L, 1L, 100L);
            AccountInfo other = meta().getAccount("alice2").orElseThrow();
            assertThat(List.of(other.containerCount(), other.objectCount(), other.bytesUsed())).containsExactly(1L, 1L, 7L);
        }
    }

    // ------------------------------------------------------------------ containers

    @Nested
    class Containers {
        @Test
        void randomContainerListingsWithDelimitersMatchABruteForceListing() {
            Random r = new Random(21);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 80; i++) {
                String name = nastyName(r, 4);
                if (names.add(name)) {
                    container("alice", name);
                }
            }
            for (int i = 0; i < 40 * listingRounds(); i++) {
                ListQuery q = nastyQuery(r);
                assertThat(containerNames(q)).as("%s over %s", q, names).containsExactlyElementsOf(expectedPage(names, q));
            }
        }

        @Test
        void createIsTrueOnceAndLeavesAnExistingContainerUntouched() {
            Map<String, String> first = Map.of("x-container-meta-a", "1", "x-container-read", ".r:*");
            assertThat(meta().createContainer("alice", "photos", ts(1_000), first)).isTrue();
            assertThat(meta().createContainer("alice", "photos", ts(2_000), Map.of("x-container-meta-a", "2"))).isFalse();
            assertThat(meta().getContainer("alice", "photos"))
                    .contains(new ContainerInfo("alice", "photos", ts(1_000), first, 0, 0));
        }

        @Test
        void createMakesTheAccount() {
            meta().createContainer("carol", "c", ts(5_000), Map.of());
            assertThat(meta().getAccount("carol")).hasValueSatisfying(a -> assertThat(a.containerCount()).isEqualTo(1));
        }

        @Test
        void getOfAMissingContainerIsEmpty() {
            container("alice", "photos");
            assertThat(meta().getContainer("alice", "photo")).isEmpty();
            assertThat(meta().getContainer("alice", "photos2")).isEmpty();
            assertThat(meta().getContainer("bob", "photos")).isEmpty();
        }

        @Test
        void metadataUpdatesMergeAndRemoveButNeverCreate() {
            meta().createContainer("alice", "c", ts(1_000), Map.of("x-container-meta-a", "1", "x-container-meta-b", "2"));
            assertThat(meta().updateContainerMetadata("alice", "c",
                    Map.of("x-container-meta-b", "", "x-container-meta-c", "3"))).isTrue();
            ContainerInfo info = meta().getContainer("alice", "c").orElseThrow();
            assertThat(info.metadata()).isEqualTo(Map.of("x-container-meta-a", "1", "x-container-meta-c", "3"));
            assertThat(info.created()).isEqualTo(ts(1_000));

            assertThat(meta().updateContainerMetadata("alice", "nope", Map.of("x-container-meta-a", "1"))).isFalse();
            assertThat(meta().getContainer("alice", "nope")).isEmpty();
        }

        @Test
        void deleteOutcomes() {
            assertThat(meta().deleteContainer("alice", "c")).isEqualTo(DeleteContainerOutcome.NOT_FOUND);
            container("alice", "c");
            meta().putObject(versionOfLength("alice", "c", "o", 10, 10), PutCondition.NONE);
            assertThat(meta().deleteContainer("alice", "c")).isEqualTo(DeleteContainerOutcome.NOT_EMPTY);
            assertThat(meta().getContainer("alice", "c")).isPresent();

            meta().deleteObject("alice", "c", "o", ts(11));
            assertThat(meta().deleteContainer("alice", "c")).isEqualTo(DeleteContainerOutcome.DELETED);
            assertThat(meta().getContainer("alice", "c")).isEmpty();
            assertThat(meta().deleteContainer("alice", "c")).isEqualTo(DeleteContainerOutcome.NOT_FOUND);
        }

        @Test
        void anObjectInAContainerWithALongerNameDoesNotMakeItNonEmpty() {
            container("alice", "c");
            container("alice", "c2");
            meta().putObject(versionOfLength("alice", "c2", "o", 10, 10), PutCondition.NONE);
            assertThat(meta().deleteContainer("alice", "c")).isEqualTo(DeleteContainerOutcome.DELETED);
        }

        @Test
        void aRecreatedContainerStartsEmpty() {
            container("alice", "c");
            meta().putObject(versionOfLength("alice", "c", "o", 10, 10), PutCondition.NONE);
            meta().deleteObject("alice", "c", "o", ts(11));
            assertThat(meta().deleteContainer("alice", "c")).isEqualTo(DeleteContainerOutcome.DELETED);
            // real time, not a small test timestamp: a cluster backend may write rows at their timestamp
            Timestamp recreated = Timestamp.now();
            assertThat(meta().createContainer("alice", "c", recreated, Map.of("x-container-meta-new", "1"))).isTrue();
            assertThat(meta().getContainer("alice", "c"))
                    .contains(new ContainerInfo("alice", "c", recreated, Map.of("x-container-meta-new", "1"), 0, 0));
            assertThat(meta().listObjects("alice", "c", ListQuery.all(10))).isEmpty();
        }

        @Test
        void listingIsInUtf8ByteOrder() {
            // the suite's own premise: UTF-8 order is not String order for these names
            List<String> byString = new ArrayList<>(TRICKY_NAMES);
            Collections.sort(byString);
            List<String> byUtf8 = new ArrayList<>(TRICKY_NAMES);
            byUtf8.sort(Names.UTF8_ORDER);
            assertThat(byUtf8).isNotEqualTo(byString);
            assertThat(byUtf8.indexOf("\uFF5E")).isLessThan(byUtf8.indexOf("\uD83D\uDE00"));

            for (String name : TRICKY_NAMES) {
                container("alice", name);
            }
            container("alice2", "a"); // a neighbouring account stays out of the listing
            container("alic", "zz");
            List<String> listed = meta().listContainers("alice", ListQuery.all(100)).stream().map(ContainerInfo::name).toList();
            assertThat(listed).containsExactlyElementsOf(byUtf8);

            List<String> reversed = meta().listContainers("alice", new ListQuery(null, null, null, true, 100))
                    .stream().map(ContainerInfo::name).toList();
            List<String> expectedReversed = new ArrayList<>(byUtf8);
            Collections.reverse(expectedReversed);
            assertThat(reversed).containsExactlyElementsOf(expectedReversed);
        }

        @Test
        void listingHonoursPrefixBoundsReverseAndLimit() {
            List<String> names = new ArrayList<>(TRICKY_NAMES);
            for (int i = 0; i < 30; i++) {
                names.add(String.format("img-%02d", i));
            }
            names.add("img");
            names.add("img-");
            names.add("img.");
            for (String name : names) {
                container("alice", name);
            }
            List<ListQuery> queries = List.of(
                    new ListQuery("img-", null, null, false, 100),
                    new ListQuery("img-", null, null, true, 5),
                    new ListQuery(null, "img-05", null, false, 7),
                    new ListQuery(null, null, "img-05", true, 4),
                    new ListQuery(null, "a", "img-10", false, 1000),
                    new ListQuery(null, "img-03", "img-09", true, 100),
                    new ListQuery("img-1", "img-12", "img-17", true, 3),
                    new ListQuery(null, "\uFF5E", null, false, 100),
                    new ListQuery(null, null, "\uD83D\uDE00", true, 3),
                    new ListQuery("日", null, null, false, 10),
                    new ListQuery(null, "z", "a", false, 10),
                    new ListQuery("nothing", null, null, false, 10),
                    new ListQuery(null, null, null, false, 0),
                    // startAt is inclusive: what a delimiter listing uses to jump past "img-0..."
                    new ListQuery(null, null, "img-1", null, false, 7),
                    new ListQuery("img-", null, "img-1", null, true, 100),
                    new ListQuery(null, "img-03", "img-03", "img-09", false, 100),
                    new ListQuery(null, "img-03", "img-", "img-09", false, 100),
                    ListQuery.all(1));
            for (ListQuery q : queries) {
                List<String> listed = meta().listContainers("alice", q).stream().map(ContainerInfo::name).toList();
                assertThat(listed).as("%s", q).containsExactlyElementsOf(expectedPage(names, q));
            }
            assertThat(containerNames(new ListQuery("img-", null, "img-1", null, false, 2)))
                    .containsExactly("img-10", "img-11");
            // spelled out once, so the expectation does not rest on the oracle alone
            assertThat(meta().listContainers("alice", new ListQuery("img-1", "img-12", "img-17", true, 3))
                    .stream().map(ContainerInfo::name)).containsExactly("img-16", "img-15", "img-14");
        }

        @Test
        void pagingWithMarkersVisitsEveryContainerOnce() {
            List<String> names = IntStream.range(0, 57).mapToObj(i -> "c" + i).collect(Collectors.toList());
            names.forEach(n -> container("alice", n));
            List<String> forward = walk(names.size(), 10, marker -> containerNames(new ListQuery(null, marker, null, false, 10)));
            names.sort(Names.UTF8_ORDER);
            assertThat(forward).containsExactlyElementsOf(names);

            List<String> backward = walk(names.size(), 10, end -> containerNames(new ListQuery(null, null, end, true, 10)));
            Collections.reverse(backward);
            assertThat(backward).containsExactlyElementsOf(names);
        }

        @Test
        void listedContainersCarryTheirMetadataAndCounters() {
            meta().createContainer("alice", "a", ts(1_000), Map.of("x-container-meta-k", "v"));
            container("alice", "b");
            meta().putObject(versionOfLength("alice", "a", "o1", 10, 30), PutCondition.NONE);
            meta().putObject(versionOfLength("alice", "a", "o2", 10, 12), PutCondition.NONE);
            assertThat(meta().listContainers("alice", ListQuery.all(10)).get(0))
                    .isEqualTo(new ContainerInfo("alice", "a", ts(1_000), Map.of("x-container-meta-k", "v"), 2, 42));
            assertThat(meta().getContainer("alice", "a").orElseThrow().bytesUsed()).isEqualTo(42);
        }

        @Test
        void listingAMissingAccountIsEmpty() {
            assertThat(meta().listContainers("nobody", ListQuery.all(10))).isEmpty();
        }
    }

    // ------------------------------------------------------------------ objects

    @Nested
    class Objects {
        @BeforeEach
        void containers() {
            container("alice", "c");
            container("alice", "c2");
        }

        @Test
        void everyFieldRoundTrips() {
            Hashmap map = randomMap(3, 5);
            store.maps().put(map);
            ObjectVersion v = new ObjectVersion("alice", "c", "photos/2024/été ☀.jpg", ts(1_234_567), MapId.of(map),
                    "d41d8cd98f00b204e9800998ecf8427e", "image/jpeg",
                    Map.of("x-object-meta-camera", "Nikon", "x-object-meta-ünï", "çödé", "content-disposition", "inline",
                            "content-encoding", "gzip"));
            assertThat(meta().putObject(v, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
            assertThat(meta().getObject("alice", "c", "photos/2024/été ☀.jpg")).contains(v);
            assertThat(meta().getObject("alice", "c", "photos/2024/été ☀.jpg").orElseThrow().length())
                    .isEqualTo(map.length());
        }

        @Test
        void anObjectIsVisibleOnlyUnderItsOwnName() {
            meta().putObject(versionOfLength("alice", "c", "o", 10, 10), PutCondition.NONE);
            assertThat(meta().getObject("alice", "c", "o2")).isEmpty();
            assertThat(meta().getObject("alice", "c2", "o")).isEmpty();
            assertThat(meta().getObject("bob", "c", "o")).isEmpty();
        }

        @Test
        void lastWriteWinsByTimestamp() {
            ObjectVersion v2 = versionOfLength("alice", "c", "o", 2_000, 20);
            ObjectVersion v1 = versionOfLength("alice", "c", "o", 1_000, 10);
            ObjectVersion v3 = versionOfLength("alice", "c", "o", 3_000, 30);
            assertThat(meta().putObject(v2, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
            assertThat(meta().putObject(v1, PutCondition.NONE)).isEqualTo(PutOutcome.SUPERSEDED);
            assertThat(meta().getObject("alice", "c", "o")).contains(v2);
            assertThat(meta().listObjects("alice", "c", ListQuery.all(10))).containsExactly(v2);
            assertThat(meta().putObject(v3, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
            assertThat(meta().getObject("alice", "c", "o")).contains(v3);
        }

        @Test
        void ifAbsentPublishesOnlyWhenNoLiveVersionExists() {
            ObjectVersion first = versionOfLength("alice", "c", "o", 1_000, 10);
            ObjectVersion later = versionOfLength("alice", "c", "o", 2_000, 20);
            assertThat(meta().putObject(first, PutCondition.IF_ABSENT)).isEqualTo(PutOutcome.PUBLISHED);
            assertThat(meta().putObject(later, PutCondition.IF_ABSENT)).isEqualTo(PutOutcome.EXISTS);
            assertThat(meta().getObject("alice", "c", "o")).contains(first);

            assertThat(meta().deleteObject("alice", "c", "o", ts(3_000))).contains(first);
            ObjectVersion again = versionOfLength("alice", "c", "o", 4_000, 40);
            assertThat(meta().putObject(again, PutCondition.IF_ABSENT)).isEqualTo(PutOutcome.PUBLISHED);
            assertThat(meta().getObject("alice", "c", "o")).contains(again);
        }

        @Test
        void racingIfAbsentPublishesExactlyOnce() throws Exception {
            List<ObjectVersion> candidates = IntStream.range(0, 8)
                    .mapToObj(i -> versionOfLength("alice", "c", "contested", 1_000 + i, 10 + i)).toList();
            List<PutOutcome> outcomes = race(8, i -> meta().putObject(candidates.get(i), PutCondition.IF_ABSENT));
            assertThat(outcomes).containsOnlyOnce(PutOutcome.PUBLISHED);
            assertThat(outcomes).filteredOn(o -> o != PutOutcome.PUBLISHED).containsOnly(PutOutcome.EXISTS);
            ObjectVersion winner = candidates.get(outcomes.indexOf(PutOutcome.PUBLISHED));
            assertThat(meta().getObject("alice", "c", "contested")).contains(winner);
            ContainerInfo c = meta().getContainer("alice", "c").orElseThrow();
            assertThat(List.of(c.objectCount(), c.bytesUsed())).containsExactly(1L, winner.length());
        }

        @Test
        void deleteReturnsTheDeletedVersion() {
            ObjectVersion v = versionOfLength("alice", "c", "o", 1_000, 10);
            meta().putObject(v, PutCondition.NONE);
            assertThat(meta().deleteObject("alice", "c", "o", ts(500))).as("a newer version is current").isEmpty();
            assertThat(meta().getObject("alice", "c", "o")).contains(v);
            assertThat(meta().deleteObject("alice", "c", "o", ts(1_000))).contains(v);
            assertThat(meta().getObject("alice", "c", "o")).isEmpty();
            assertThat(meta().deleteObject("alice", "c", "o", ts(2_000))).isEmpty();
            assertThat(meta().deleteObject("alice", "c", "never", ts(2_000))).isEmpty();
            assertThat(meta().deleteObject("alice", "nope", "o", ts(2_000))).isEmpty();
        }

        @Test
        void replaceEtagChangesOnlyTheCurrentVersionsEtag() {
            ObjectVersion v = versionOfLength("alice", "c", "o", 1_000, 10);
            meta().putObject(v, PutCondition.NONE);
            assertThat(meta().replaceEtag(v, "md5")).isTrue();
            ObjectVersion now = meta().getObject("alice", "c", "o").orElseThrow();
            assertThat(now).isEqualTo(new ObjectVersion(v.account(), v.container(), v.name(), v.timestamp(), v.map(),
                    "md5", v.contentType(), v.metadata()));
            assertThat(meta().listObjects("alice", "c", ListQuery.all(10))).containsExactly(now);
            assertUsage("c", 1, 10);
            assertThat(meta().replaceEtag(v, "other")).as("the ETag it expected is gone").isFalse();

            ObjectVersion newer = versionOfLength("alice", "c", "o", 2_000, 20);
            meta().putObject(newer, PutCondition.NONE);
            assertThat(meta().replaceEtag(now, "stale")).as("a newer version is current").isFalse();
            assertThat(meta().getObject("alice", "c", "o")).contains(newer);

            // After a replace, a later put and a later delete still win.
            assertThat(meta().replaceEtag(newer, "md5-2")).isTrue();
            ObjectVersion later = versionOfLength("alice", "c", "o", 3_000, 30);
            assertThat(meta().putObject(later, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
            assertThat(meta().getObject("alice", "c", "o")).contains(later);
            assertThat(meta().replaceEtag(later, "md5-3")).isTrue();
            assertThat(meta().deleteObject("alice", "c", "o", ts(4_000))).isPresent();
            assertThat(meta().getObject("alice", "c", "o")).isEmpty();
            assertThat(meta().replaceEtag(later, "md5-4")).as("a deleted object stays deleted").isFalse();
            assertThat(meta().getObject("alice", "c", "o")).isEmpty();
            assertUsage("c", 0, 0);
            assertThat(meta().replaceEtag(versionOfLength("alice", "nope", "o", 1_000, 10), "x")).isFalse();
        }

        @Test
        void countersFollowPutsOverwritesAndDeletes() {
            meta().putObject(versionOfLength("alice", "c", "a", 1_000, 1_000), PutCondition.NONE);
            meta().putObject(versionOfLength("alice", "c", "b", 1_000, 500), PutCondition.NONE);
            meta().putObject(versionOfLength("alice", "c2", "a", 1_000, 7), PutCondition.NONE);
            assertUsage("c", 2, 1_500);

            meta().putObject(versionOfLength("alice", "c", "a", 2_000, 300), PutCondition.NONE); // overwrite shrinks
            assertUsage("c", 2, 800);
            meta().putObject(versionOfLength("alice", "c", "a", 1_500, 9_999), PutCondition.NONE); // superseded
            meta().putObject(versionOfLength("alice", "c", "a", 5_000, 9_999), PutCondition.IF_ABSENT); // exists
            assertUsage("c", 2, 800);

            meta().deleteObject("alice", "c", "a", ts(1_000)); // older than the current version: nothing
            assertUsage("c", 2, 800);
            meta().deleteObject("alice", "c", "a", ts(3_000));
            assertUsage("c", 1, 500);
            meta().deleteObject("alice", "c", "a", ts(4_000)); // already gone
            assertUsage("c", 1, 500);

            assertUsage("c2", 1, 7);
            AccountInfo account = meta().getAccount("alice").orElseThrow();
            assertThat(List.of(account.containerCount(), account.objectCount(), account.bytesUsed()))
                    .containsExactly(2L, 2L, 507L);
        }

        private void assertUsage(String container, long objects, long bytes) {
            ContainerInfo info = meta().getContainer("alice", container).orElseThrow();
            assertThat(List.of(info.objectCount(), info.bytesUsed())).as(container).containsExactly(objects, bytes);
        }

        @Test
        void listingPagesThroughThousandsOfNamesInUtf8Order() {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) {
                names.add(String.format("dir%d/file-%04d", i % 7, i));
            }
            names.addAll(TRICKY_NAMES);
            names.addAll(List.of("dir1", "dir1/", "dir1/日本/x", "dir1/\uD83D\uDE00", "dir1/\uFF5E", "dir10/a"));
            Map<String, ObjectVersion> byName = new HashMap<>();
            Hashmap map = randomMap(1, 7);
            long micros = 1_000;
            for (String name : names) {
                ObjectVersion v = version("alice", "c", name, micros++, map);
                byName.put(name, v);
                assertThat(meta().putObject(v, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
            }
            meta().putObject(version("alice", "c2", "dir1/intruder", 1, map), PutCondition.NONE);

            // whole listing, paged with markers in steps that cross any internal page size
            for (int pageSize : new int[] {1_000, 333}) {
                int size = pageSize;
                List<String> walked = walk(names.size(), size, marker -> meta().listObjects("alice", "c",
                        new ListQuery(null, marker, null, false, size)).stream().map(ObjectVersion::name).toList());
                assertThat(walked).as("page size %d", pageSize)
                        .containsExactlyElementsOf(expectedPage(names, ListQuery.all(Integer.MAX_VALUE)));
            }

            List<ListQuery> queries = List.of(
                    ListQuery.all(10_000),
                    new ListQuery(null, null, null, true, 10_000),
                    new ListQuery("dir1/", null, null, false, 10_000),
                    new ListQuery("dir1/", null, null, true, 50),
                    new ListQuery("dir1/", "dir1/file-0500", null, false, 120),
                    new ListQuery("dir1", null, "dir1/file-1000", true, 1_000),
                    new ListQuery(null, "dir3/file-0100", "dir5/file-0100", false, 2_500),
                    new ListQuery(null, "dir3/file-0100", "dir5/file-0100", true, 2_500),
                    new ListQuery(null, "dir3/file-0100", "dir5/file-0100", true, 999),
                    new ListQuery(null, "dir2/file-0000", null, false, 1_001),
                    new ListQuery(null, "dir6/file-2400", null, false, 1_001),
                    new ListQuery(null, "\uFF5E", null, false, 50),
                    new ListQuery(null, null, "\uD83D\uDE00", true, 50),
                    new ListQuery("dir1/\uFF5E", null, null, false, 5),
                    new ListQuery("dir9", null, null, false, 10),
                    new ListQuery(null, null, null, false, 0));
            for (ListQuery q : queries) {
                List<ObjectVersion> listed = meta().listObjects("alice", "c", q);
                List<String> expected = expectedPage(names, q);
                assertThat(listed.stream().map(ObjectVersion::name).toList()).as("%s", q).containsExactlyElementsOf(expected);
                assertThat(listed).as("%s: full versions", q).containsExactlyElementsOf(expected.stream().map(byName::get).toList());
            }
            assertThat(meta().listObjects("alice", "c", new ListQuery(null, "dir2/file-0000", null, false, 1_001)))
                    .as("a page is full unless the range ends").hasSize(1_001);
            assertThat(meta().listObjects("alice", "c2", ListQuery.all(10)).stream().map(ObjectVersion::name))
                    .containsExactly("dir1/intruder");
        }

        /**
         * Random names at the edges of UTF-8 (surrogate gap, U+FFFF, 4-byte characters, U+10FFFF), some deleted
         * again, and random prefix, delimiter, markers and limit: every page equals the brute-force listing.
         */
        @Test
        void randomListingsWithDelimitersMatchABruteForceListing() {
            Random r = new Random(12);
            Hashmap map = randomMap(1, 7);
            long micros = 1_000;
            for (int round = 0; round < listingRounds(); round++) {
                String c = "nasty" + round;
                container("alice", c);
                Set<String> names = new HashSet<>();
                int count = 20 + r.nextInt(120);
                for (int i = 0; i < count; i++) {
                    String name = nastyName(r, 5);
                    meta().putObject(version("alice", c, name, micros++, map), PutCondition.NONE);
                    names.add(name);
                }
                for (String gone : names.stream().sorted().filter(n -> r.nextInt(5) == 0).toList()) {
                    meta().deleteObject("alice", c, gone, ts(micros++));
                    names.remove(gone);
                }
                for (int i = 0; i < 60; i++) {
                    ListQuery q = nastyQuery(r);
                    assertThat(meta().listObjects("alice", c, q).stream().map(ObjectVersion::name).toList())
                            .as("round %d: %s over %s", round, q, names).containsExactlyElementsOf(expectedPage(names, q));
                }
            }
        }

        @Test
        void listingAMissingContainerIsEmpty() {
            assertThat(meta().listObjects("alice", "nope", ListQuery.all(10))).isEmpty();
            assertThat(meta().listObjects("nobody", "c", ListQuery.all(10))).isEmpty();
        }

        @Test
        void deletedObjectsLeaveTheListing() {
            for (String name : List.of("a", "b", "c")) {
                meta().putObject(versionOfLength("alice", "c", name, 10, 1), PutCondition.NONE);
            }
            meta().deleteObject("alice", "c", "b", ts(20));
            assertThat(meta().listObjects("alice", "c", ListQuery.all(10)).stream().map(ObjectVersion::name))
                    .containsExactly("a", "c");
            assertThat(meta().listObjects("alice", "c", new ListQuery(null, null, null, true, 1)).stream().map(ObjectVersion::name))
                    .containsExactly("c");
        }
    }

    // ------------------------------------------------------------------ owned blocks (volumes)

    @Nested
    class Owned {
        private OwnedBlockStore owned() {
            return store.owned();
        }

        private VolumeWriter writer;

        /**
         * Owned blocks are written by a volume's fenced writer: one of a volume that only this test writes.
         * Synchronized: racing writers call it first at the same instant, and only one may take the lease.
         */
        private synchronized VolumeWriter writer() {
            if (writer == null) {
                writer = writerOf("owned-test");
            }
            return writer;
        }

        @Test
        void ownedIdsAreNeverContentHashesAndAreUnique() {
            BlockHash a = OwnedIds.newId();
            assertThat(OwnedIds.isOwned(a)).isTrue();
            assertThat(OwnedIds.isOwned(BlockHasher.hash(content(100)))).isFalse();
            assertThat(OwnedIds.isOwned(BlockHash.ZERO_BLOCK)).isFalse();
            assertThat(a).isNotEqualTo(OwnedIds.newId());
        }

        @Test
        void anUnwrittenBlockReadsAsZeroes() {
            byte[] buf = content(blockBytes());
            owned().read(OwnedIds.newId(), 0, buf, 0, buf.length);
            assertThat(buf).isEqualTo(new byte[blockBytes()]);
        }

        @Test
        void writesLandInPlaceAtAnyOffsetAndGapsReadAsZero() {
            BlockHash id = OwnedIds.newId();
            byte[] model = new byte[blockBytes()];
            int[][] writes = {{0, 10}, {blockBytes() - 7, 7}, {1000, 5000}, {3, 1}, {blockBytes() / 2 - 100, 300},
                    {1001, 17}};
            for (int[] w : writes) {
                byte[] data = content(w[1]);
                writer().write(id, w[0], data, 0, data.length);
                System.arraycopy(data, 0, model, w[0], data.length);
            }
            writer().sync(List.of(id));
            byte[] all = new byte[blockBytes()];
            owned().read(id, 0, all, 0, all.length);
            assertThat(all).isEqualTo(model);
            byte[] part = new byte[50 + 2];
            owned().read(id, 990, part, 1, 50);
            assertThat(Arrays.copyOfRange(part, 1, 51)).isEqualTo(Arrays.copyOfRange(model, 990, 1040));
            assertThat(part[0]).isZero();
            assertThat(part[51]).isZero();
        }

        @Test
        void writesUseOnlyTheGivenRangeOfTheArray() {
            BlockHash id = OwnedIds.newId();
            byte[] src = content(100);
            writer().write(id, 50, src, 10, 20);
            byte[] back = new byte[100];
            owned().read(id, 0, back, 0, 100);
            byte[] expected = new byte[100];
            System.arraycopy(src, 10, expected, 50, 20);
            assertThat(back).isEqualTo(expected);
        }

        @Test
        void blocksAreIndependentAndDeleteForgetsOne() {
            BlockHash a = OwnedIds.newId();
            BlockHash b = OwnedIds.newId();
            byte[] da = content(blockBytes());
            byte[] db = content(4096);
            writer().write(a, 0, da, 0, da.length);
            writer().write(b, 0, db, 0, db.length);
            owned().delete(a);
            owned().delete(OwnedIds.newId()); // deleting a missing block is a no-op
            byte[] back = new byte[blockBytes()];
            owned().read(a, 0, back, 0, back.length);
            assertThat(back).isEqualTo(new byte[blockBytes()]);
            byte[] backB = new byte[4096];
            owned().read(b, 0, backB, 0, 4096);
            assertThat(backB).isEqualTo(db);
        }

        /**
         * Queue depth 32 (issue 11, failure 5): rounds of 32 concurrent 4 KiB writes, disjoint within a round
         * but sharing rows (a 64 KiB row holds 16 of them) and overlapping the writes of earlier rounds at
         * shifting, unaligned offsets; every byte is checked against a model. A backend that stores rows by
         * read-modify-write without serializing them keeps only one of two writes into a row.
         */
        @Test
        void concurrentWritesIntoOneRowAreAllKept() throws Exception {
            int writes = 32;
            int size = 4096;
            int blocks = 3;
            int perBlock = blockBytes() / size - 1; // disjoint ranges that fit after a shift of less than one range
            List<BlockHash> ids = IntStream.range(0, blocks).mapToObj(i -> OwnedIds.newId()).toList();
            byte[][] model = new byte[blocks][blockBytes()];
            VolumeWriter w0 = writer(); // taken once, before the racing threads (writer() is lazy)
            for (int round = 0; round < 12; round++) {
                int[] shift = IntStream.range(0, blocks).map(b -> random.nextInt(size)).toArray();
                List<Integer> slots = IntStream.range(0, blocks * perBlock).boxed().collect(Collectors.toList());
                Collections.shuffle(slots, random);
                byte[][] data = new byte[writes][];
                int[][] where = new int[writes][];
                for (int w = 0; w < writes; w++) {
                    int slot = slots.get(w);
                    where[w] = new int[] {slot / perBlock, shift[slot / perBlock] + (slot % perBlock) * size};
                    data[w] = content(size);
                    System.arraycopy(data[w], 0, model[where[w][0]], where[w][1], size);
                }
                race(writes, w -> {
                    w0.write(ids.get(where[w][0]), where[w][1], data[w], 0, size);
                    return null;
                });
            }
            writer().sync(ids);
            for (int b = 0; b < blocks; b++) {
                byte[] back = new byte[blockBytes()];
                owned().read(ids.get(b), 0, back, 0, back.length);
                int differs = Arrays.mismatch(back, model[b]);
                assertThat(differs).as("block %d: first byte that differs from the model", b).isEqualTo(-1);
            }
        }

        @Test
        void outOfRangeAndNonOwnedIdsAreRefused() {
            BlockHash id = OwnedIds.newId();
            assertThatThrownBy(() -> writer().write(id, blockBytes() - 1, new byte[2], 0, 2))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> owned().read(id, -1, new byte[2], 0, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> writer().write(BlockHasher.hash(content(5)), 0, new byte[2], 0, 2))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ------------------------------------------------------------------ volumes

    @Nested
    class Volumes {
        private VolumeStore volumes() {
            return store.volumes();
        }

        private VolumeStore.VolumeRecord record(String account, String name, String id) {
            return new VolumeStore.VolumeRecord(account, name, id, 10L * blockBytes(), blockBytes(),
                    MapId.of(randomMap(3, 0)), "images/debian.raw", 0, 0, ts(1_000));
        }

        @Test
        void createIsCompareAndSetAndGetRoundTrips() {
            VolumeStore.VolumeRecord v = record("alice", "disk-1", "id-1");
            assertThat(volumes().create(v)).isTrue();
            assertThat(volumes().create(record("alice", "disk-1", "id-2"))).isFalse();
            assertThat(volumes().get("alice", "disk-1")).contains(v);
            assertThat(volumes().get("bob", "disk-1")).isEmpty();
            VolumeStore.VolumeRecord empty = new VolumeStore.VolumeRecord("alice", "disk-0", "id-0", 0, blockBytes(),
                    null, null, 0, 0, ts(5));
            assertThat(volumes().create(empty)).isTrue();
            assertThat(volumes().get("alice", "disk-0")).contains(empty);
        }

        @Test
        void racingCreatorsOfOneNameLeaveOneWinner() throws Exception {
            List<Boolean> won = race(8, i -> volumes().create(record("alice", "raced", "id-" + i)));
            assertThat(won.stream().filter(b -> b).count()).isEqualTo(1);
        }

        @Test
        void updateNeedsTheCurrentVersion() {
            VolumeStore.VolumeRecord v = record("alice", "disk", "id-1");
            volumes().create(v);
            VolumeStore.VolumeRecord grown = v.next(20L * blockBytes(), 1);
            assertThat(volumes().update(grown, 0)).isTrue();
            assertThat(volumes().update(grown.next(30L * blockBytes(), 1), 0)).isFalse();
            assertThat(volumes().get("alice", "disk")).contains(grown);
            assertThat(volumes().update(record("alice", "missing", "x").next(1, 0), 0)).isFalse();
        }

        @Test
        void racingUpdatersOfOneVersionLeaveOneWinner() throws Exception {
            VolumeStore.VolumeRecord v = record("alice", "disk", "id-1");
            volumes().create(v);
            List<Boolean> won = race(8, i -> volumes().update(v.next(v.size() + i + 1, i), 0));
            assertThat(won.stream().filter(b -> b).count()).isEqualTo(1);
            assertThat(volumes().get("alice", "disk").orElseThrow().version()).isEqualTo(1);
        }

        @Test
        void listIsPerAccountInNameOrderAndPages() {
            for (String n : List.of("c", "a", "b", "d")) {
                volumes().create(record("alice", n, "id-" + n));
            }
            volumes().create(record("alice2", "a", "other"));
            volumes().create(record("alic", "z", "other2"));
            assertThat(volumes().list("alice", null, 10)).extracting(VolumeStore.VolumeRecord::name)
                    .containsExactly("a", "b", "c", "d");
            assertThat(volumes().list("alice", "b", 1)).extracting(VolumeStore.VolumeRecord::name).containsExactly("c");
            assertThat(volumes().list("nobody", null, 10)).isEmpty();
        }

        @Test
        void deleteNeedsTheCurrentVersion() {
            VolumeStore.VolumeRecord v = record("alice", "disk", "id-1");
            volumes().create(v);
            assertThat(volumes().delete("alice", "disk", 5)).isFalse();
            assertThat(volumes().delete("alice", "disk", 0)).isTrue();
            assertThat(volumes().get("alice", "disk")).isEmpty();
            assertThat(volumes().create(record("alice", "disk", "id-2"))).isTrue();
        }

        @Test
        void overlayEntriesRoundTripAcrossPagesAndAreDeletedWithTheOverlay() {
            long blocks = 3L * VolumeStore.ENTRIES_PER_PAGE + 5;
            Map<Long, VolumeStore.Entry> entries = new HashMap<>();
            for (long i : new long[] {0, 1, 4095, 4096, 8191, 3L * VolumeStore.ENTRIES_PER_PAGE + 4}) {
                entries.put(i, new VolumeStore.Entry(i % 2 == 0 ? OwnedIds.newId() : randomHash(), i));
            }
            entries.put(7L, new VolumeStore.Entry(BlockHash.ZERO_BLOCK, 0));
            VolumeWriter vol1 = writerOf("vol-1");
            vol1.putEntries(entries);
            writerOf("vol-2").putEntries(Map.of(0L, new VolumeStore.Entry(randomHash(), 0)));
            assertThat(volumes().entries("vol-1", blocks)).isEqualTo(entries);
            // an overwrite replaces one entry
            VolumeStore.Entry replaced = new VolumeStore.Entry(OwnedIds.newId(), 9);
            vol1.putEntries(Map.of(4096L, replaced));
            assertThat(volumes().entries("vol-1", blocks)).containsEntry(4096L, replaced).hasSize(entries.size());
            // a bound below some entries hides them
            assertThat(volumes().entries("vol-1", 4096)).containsOnlyKeys(0L, 1L, 7L, 4095L);
            vol1.deleteOverlay(blocks);
            assertThat(volumes().entries("vol-1", blocks)).isEmpty();
            assertThat(volumes().entries("vol-2", 1)).hasSize(1);
        }

        @Test
        void anAttachmentIsChangedOnlyFromTheStateItWasComputedFrom() {
            String export = "volume/id-1";
            VolumeStore.Attachment hv1 = new VolumeStore.Attachment("hv-1", null);
            VolumeStore.Attachment migrating = new VolumeStore.Attachment("hv-1", "hv-2");
            assertThat(volumes().attachment(export)).isEmpty();
            assertThat(volumes().casAttachment(export, hv1, migrating)).as("nothing stored").isFalse();
            assertThat(volumes().casAttachment(export, null, hv1)).isTrue();
            assertThat(volumes().casAttachment(export, null, new VolumeStore.Attachment("hv-3", null))).isFalse();
            assertThat(volumes().attachment(export)).contains(hv1);
            assertThat(volumes().casAttachment(export, hv1, migrating)).isTrue();
            assertThat(volumes().attachment(export)).contains(migrating);
            assertThat(volumes().casAttachment(export, hv1, null)).as("a stale expectation").isFalse();
            assertThat(volumes().attachment(export)).contains(migrating);
            VolumeStore.Attachment moved = new VolumeStore.Attachment("hv-2", null);
            assertThat(volumes().casAttachment(export, migrating, moved)).isTrue();
            assertThat(volumes().attachment(export)).contains(moved);
            assertThat(moved.allows("hv-2")).isTrue();
            assertThat(migrating.allows("hv-2")).isTrue();
            assertThat(moved.allows("hv-1")).isFalse();
            assertThat(volumes().casAttachment(export, moved, null)).isTrue();
            assertThat(volumes().attachment(export)).isEmpty();
            assertThat(volumes().casAttachment(export, null, hv1)).as("attached again after a detach").isTrue();
            // Exports are independent; an object's path may be long and not ASCII.
            String object = "object/AUTH_x/images/" + "é".repeat(500) + "/disk.raw";
            assertThat(volumes().attachment(object)).isEmpty();
            assertThat(volumes().casAttachment(object, null, new VolumeStore.Attachment("local", null))).isTrue();
            assertThat(volumes().attachment(object)).contains(new VolumeStore.Attachment("local", null));
            assertThat(volumes().attachment(export)).contains(hv1);
        }

        @Test
        void racingAttachersOfOneExportLeaveOneWinner() throws Exception {
            String export = "volume/raced";
            List<Boolean> won = race(8, i -> volumes().casAttachment(export, null, new VolumeStore.Attachment("hv-" + i, null)));
            assertThat(won.stream().filter(b -> b).count()).isEqualTo(1);
            VolumeStore.Attachment current = volumes().attachment(export).orElseThrow();
            assertThat(won.get(Integer.parseInt(current.client().substring(3)))).isTrue();
            List<Boolean> targets = race(8, i -> volumes().casAttachment(export, current,
                    new VolumeStore.Attachment(current.client(), "target-" + i)));
            assertThat(targets.stream().filter(b -> b).count()).isEqualTo(1);
            String target = volumes().attachment(export).orElseThrow().migrationTarget();
            assertThat(targets.get(Integer.parseInt(target.substring(7)))).isTrue();
        }

        @Test
        void leaseIsTakenMovedAndReleasedByCompareAndSet() {
            assertThat(volumes().lease("vol")).isEmpty();
            VolumeStore.Lease a = new VolumeStore.Lease("host-a", 5_000, 1);
            assertThat(volumes().casLease("vol", null, a)).isTrue();
            assertThat(volumes().casLease("vol", null, new VolumeStore.Lease("host-b", 5_000, 1))).isFalse();
            assertThat(volumes().lease("vol")).contains(a);
            VolumeStore.Lease renewed = new VolumeStore.Lease("host-a", 9_000, 1);
            assertThat(volumes().casLease("vol", a, renewed)).isTrue();
            // a stale expectation (the old expiry) is refused
            assertThat(volumes().casLease("vol", a, new VolumeStore.Lease("host-b", 9_000, 2))).isFalse();
            VolumeStore.Lease moved = new VolumeStore.Lease("host-b", 12_000, 2);
            assertThat(volumes().casLease("vol", renewed, moved)).isTrue();
            assertThat(volumes().lease("vol")).contains(moved);
            assertThat(moved.heldBy("host-b", 11_000)).isTrue();
            assertThat(moved.heldBy("host-b", 12_000)).isFalse();
            assertThat(moved.isFree(12_000)).isTrue();
        }

        @Test
        void racingLeaseTakersLeaveOneHolder() throws Exception {
            List<Boolean> won = race(8, i -> volumes().casLease("vol", null, new VolumeStore.Lease("host-" + i, 5_000, 1)));
            assertThat(won.stream().filter(b -> b).count()).isEqualTo(1);
            String holder = volumes().lease("vol").orElseThrow().holder();
            VolumeStore.Lease current = volumes().lease("vol").orElseThrow();
            List<Boolean> moved = race(8, i -> volumes().casLease("vol", current,
                    new VolumeStore.Lease("mover-" + i, 6_000, 2)));
            assertThat(moved.stream().filter(b -> b).count()).isEqualTo(1);
            assertThat(volumes().lease("vol").orElseThrow().holder()).isNotEqualTo(holder).startsWith("mover-");
        }

        @Test
        void everyVolumeOfEveryAccountIsScannedOncePageByPage() {
            Set<String> expected = new HashSet<>();
            for (String account : List.of("alice", "bob", "carol")) {
                for (int i = 0; i < (account.equals("bob") ? 5 : 2); i++) {
                    volumes().create(record(account, "disk-" + i, account + "-" + i));
                    expected.add(account + "/disk-" + i);
                }
            }
            for (int page : new int[] {1, 2, 1000}) {
                List<String> seen = new ArrayList<>();
                volumes().forEachVolume(page, v -> seen.add(v.account() + "/" + v.name()));
                assertThat(seen).as("page of %d", page).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
            }
            volumes().delete("bob", "disk-3", 0);
            List<String> seen = new ArrayList<>();
            volumes().forEachVolume(2, v -> seen.add(v.account() + "/" + v.name()));
            assertThat(seen).hasSize(expected.size() - 1).doesNotContain("bob/disk-3");
        }

        @Test
        void hashJobsPageByIdToTheEnd() {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 7; i++) {
                volumes().addHashJob(new VolumeStore.HashJob("job-" + i, "alice", "snaps", "s" + i,
                        MapId.of(randomMap(2, 0)), ts(i)));
                expected.add("job-" + i);
            }
            List<String> seen = new ArrayList<>();
            String after = null;
            while (true) {
                List<VolumeStore.HashJob> page = volumes().hashJobs(after, 3);
                page.forEach(j -> seen.add(j.id()));
                if (page.size() < 3) {
                    break;
                }
                after = page.get(page.size() - 1).id();
            }
            assertThat(seen).hasSize(7).containsExactlyInAnyOrderElementsOf(expected);
        }

        @Test
        void aLeaseTakeFencesTheWritersOfOlderGenerations() {
            long now = System.currentTimeMillis();
            VolumeStore.Lease first = new VolumeStore.Lease("host-a", now + 60_000, 1);
            assertThat(volumes().casLease("vol", null, first)).isTrue();
            VolumeWriter old = volumes().writer("vol", 1);
            BlockHash id = OwnedIds.newId();
            byte[] a = content(4096);
            old.write(id, 0, a, 0, a.length);
            old.putEntries(Map.of(0L, new VolumeStore.Entry(id, 0)));
            old.sync(List.of(id));
            // A renewal keeps the generation and the writer.
            VolumeStore.Lease renewed = new VolumeStore.Lease("host-a", now + 90_000, 1);
            assertThat(volumes().casLease("vol", first, renewed)).isTrue();
            old.write(id, 4096, a, 0, 100);

            VolumeStore.Lease taken = new VolumeStore.Lease("host-b", now + 120_000, 2);
            assertThat(volumes().casLease("vol", renewed, taken)).isTrue();
            assertThatThrownBy(() -> old.write(id, 0, new byte[10], 0, 10)).isInstanceOf(FencedException.class);
            assertThatThrownBy(() -> old.putEntries(Map.of(1L, new VolumeStore.Entry(id, 0))))
                    .isInstanceOf(FencedException.class);
            assertThatThrownBy(() -> old.sync(List.of(id))).isInstanceOf(FencedException.class);
            assertThatThrownBy(() -> volumes().writer("vol", 1)).isInstanceOf(FencedException.class);

            VolumeWriter current = volumes().writer("vol", 2);
            byte[] b = content(4096);
            current.write(id, 0, b, 0, b.length);
            current.sync(List.of(id));
            byte[] back = new byte[4096];
            store.owned().read(id, 0, back, 0, back.length);
            assertThat(back).isEqualTo(b);
            assertThat(volumes().entries("vol", 4)).containsOnlyKeys(0L);
            // A release keeps the generation; the next take fences the released one's writer too.
            VolumeStore.Lease released = new VolumeStore.Lease("", taken.expiresAtMillis(), 2);
            assertThat(volumes().casLease("vol", taken, released)).isTrue();
            assertThat(volumes().casLease("vol", released, new VolumeStore.Lease("host-c", now + 180_000, 3))).isTrue();
            assertThatThrownBy(() -> current.write(id, 0, b, 0, 1)).isInstanceOf(FencedException.class);
        }

        /** The collector's view of an owned block: its write time (Cassandra: its cells' WRITETIME), or -1 if absent. */
        private long ownedWrittenMillis(BlockHash id) {
            return store.gc().owned(null, 100_000).stream().filter(o -> o.id().equals(id))
                    .mapToLong(GcStore.OwnedEntry::writtenMillis).findFirst().orElse(-1);
        }

        /**
         * Takes in quick succession, each expiring one TTL after it whatever came before (as VolumeLease takes
         * them; issue 11, review P4): every new generation can write at once, its writes win over those of the
         * generation before, even one that lands after them, and its write times stay near the clock however
         * many takes came before (the collector ages owned blocks by them).
         */
        @Test
        void takesInQuickSuccessionCanWriteAtOnceAndKeepWriteTimesNearTheClock() {
            long ttl = 30_000;
            long now = System.currentTimeMillis();
            BlockHash id = OwnedIds.newId();
            VolumeStore.Lease current = new VolumeStore.Lease("host-1", now + ttl, 1);
            assertThat(volumes().casLease("vol", null, current)).isTrue();
            VolumeWriter previous = volumes().writer("vol", 1);
            previous.write(id, 0, content(4096), 0, 4096);
            for (int g = 2; g <= 12; g++) {
                VolumeStore.Lease next = new VolumeStore.Lease("host-" + g % 2, now + ttl, g);
                assertThat(volumes().casLease("vol", current, next)).isTrue();
                VolumeWriter writer = volumes().writer("vol", g);
                byte[] mine = content(4096);
                writer.write(id, 0, mine, 0, mine.length);
                VolumeWriter fenced = previous;
                assertThatThrownBy(() -> fenced.write(id, 0, new byte[4096], 0, 4096)).as("generation %d, after %d", g - 1, g)
                        .isInstanceOf(FencedException.class);
                byte[] back = new byte[4096];
                store.owned().read(id, 0, back, 0, back.length);
                assertThat(back).as("generation %d's write, after a later one of generation %d", g, g - 1).isEqualTo(mine);
                previous = writer;
                current = next;
            }
            assertThat(ownedWrittenMillis(id) - System.currentTimeMillis()).as("ms the write time is ahead of the clock")
                    .isLessThanOrEqualTo(ttl + 2_000);
        }

        /**
         * A generation's writes may be stamped ahead of the clock (Cassandra: up to its predecessor's expiry);
         * the collector's delete of an owned block must still remove them.
         */
        @Test
        void anOwnedBlockWrittenAheadOfTheClockIsDeleted() {
            long now = System.currentTimeMillis();
            VolumeStore.Lease first = new VolumeStore.Lease("host-a", now + 60_000, 1);
            assertThat(volumes().casLease("vol", null, first)).isTrue();
            assertThat(volumes().casLease("vol", first, new VolumeStore.Lease("host-b", now + 90_000, 2))).isTrue();
            VolumeWriter writer = volumes().writer("vol", 2);
            BlockHash id = OwnedIds.newId();
            writer.write(id, 0, content(blockBytes()), 0, blockBytes());
            writer.sync(List.of(id));
            store.owned().delete(id);
            byte[] back = new byte[blockBytes()];
            store.owned().read(id, 0, back, 0, back.length);
            assertThat(Arrays.mismatch(back, new byte[blockBytes()])).as("the first byte of the deleted block that is not zero")
                    .isEqualTo(-1);
            assertThat(ownedWrittenMillis(id)).as("the deleted block is not listed").isEqualTo(-1);
        }

        @Test
        void hashJobsAreListedUntilRemoved() {
            VolumeStore.HashJob a = new VolumeStore.HashJob("job-a", "alice", "snaps", "s1", MapId.of(randomMap(2, 0)), ts(7));
            VolumeStore.HashJob b = new VolumeStore.HashJob("job-b", "alice", "snaps", "s2", MapId.of(randomMap(3, 5)), ts(8));
            volumes().addHashJob(a);
            volumes().addHashJob(b);
            assertThat(volumes().hashJobs(10)).containsExactlyInAnyOrder(a, b);
            assertThat(volumes().hashJobs(1)).hasSize(1);
            volumes().removeHashJob("job-a");
            assertThat(volumes().hashJobs(10)).containsExactly(b);
        }
    }

    // ------------------------------------------------------------------ expiring objects

    @Nested
    class Expiry {
        private ObjectVersion expiring(String name, long micros, long deleteAt) {
            ObjectVersion v = versionOfLength("acct", "c", name, micros, 10);
            return new ObjectVersion(v.account(), v.container(), v.name(), v.timestamp(), v.map(), v.etag(),
                    v.contentType(), Map.of(MetadataStore.DELETE_AT, Long.toString(deleteAt), "x-object-meta-k", "v"));
        }

        @Test
        void onlyDueEntriesAreFoundEarliestFirst() {
            container("acct", "c");
            meta().putObject(expiring("late", 1_000, 2_000), PutCondition.NONE);
            meta().putObject(expiring("early", 2_000, 1_500), PutCondition.NONE);
            meta().putObject(expiring("future", 3_000, 9_000_000_000L), PutCondition.NONE);
            meta().putObject(versionOfLength("acct", "c", "never", 4_000, 10), PutCondition.NONE);

            assertThat(meta().dueExpiries(1_499, 10)).isEmpty();
            assertThat(meta().dueExpiries(1_500, 10)).containsExactly(
                    new ExpiringObject(1_500, "acct", "c", "early", ts(2_000)));
            assertThat(meta().dueExpiries(5_000, 10)).containsExactly(
                    new ExpiringObject(1_500, "acct", "c", "early", ts(2_000)),
                    new ExpiringObject(2_000, "acct", "c", "late", ts(1_000)));
            assertThat(meta().dueExpiries(5_000, 1)).extracting(ExpiringObject::name).containsExactly("early");
        }

        @Test
        void entriesInDifferentHoursAreAllFoundAndRemovable() {
            container("acct", "c");
            long[] due = {100, 5 * 3600 + 1, 10 * 3600, 10 * 3600 + 59};
            for (int i = 0; i < due.length; i++) {
                meta().putObject(expiring("o" + i, 1_000 + i, due[i]), PutCondition.NONE);
            }
            List<ExpiringObject> found = meta().dueExpiries(11 * 3600, 100);
            assertThat(found).extracting(ExpiringObject::deleteAt).containsExactly(due[0], due[1], due[2], due[3]);
            found.forEach(meta()::removeExpiry);
            assertThat(meta().dueExpiries(11 * 3600, 100)).isEmpty();
            meta().removeExpiry(found.get(0)); // idempotent
            // An hour emptied earlier is found again when a new entry lands in it.
            meta().putObject(expiring("again", 9_000, due[1]), PutCondition.NONE);
            assertThat(meta().dueExpiries(11 * 3600, 100)).extracting(ExpiringObject::name).containsExactly("again");
        }

        @Test
        void anEntryOutlivesItsVersionAndNamesIt() {
            container("acct", "c");
            meta().putObject(expiring("o", 1_000, 500), PutCondition.NONE);
            meta().putObject(versionOfLength("acct", "c", "o", 2_000, 20), PutCondition.NONE);
            // The index says when to look; the caller finds version 2000 current, not 1000, and keeps it.
            assertThat(meta().dueExpiries(600, 10)).containsExactly(new ExpiringObject(500, "acct", "c", "o", ts(1_000)));
            assertThat(meta().getObject("acct", "c", "o")).get().extracting(ObjectVersion::timestamp).isEqualTo(ts(2_000));
        }
    }

    // ------------------------------------------------------------------ settings and health

    @Nested
    class Settings {
        @Test
        void theFirstValueStays() {
            assertThat(meta().getSetting("token-secret")).isEmpty();
            assertThat(meta().putSettingIfAbsent("token-secret", "s1")).isEqualTo("s1");
            assertThat(meta().putSettingIfAbsent("token-secret", "s2")).isEqualTo("s1");
            assertThat(meta().getSetting("token-secret")).contains("s1");
            assertThat(meta().getSetting("token-secret2")).isEmpty();
        }

        @Test
        void racingWritersAllGetOneValue() throws Exception {
            List<String> answers = race(8, i -> meta().putSettingIfAbsent("cluster-id", "value-" + i));
            assertThat(new HashSet<>(answers)).hasSize(1);
            assertThat(meta().getSetting("cluster-id")).contains(answers.get(0));
        }
    }

    @Nested
    class PathIndexes {
        @Test
        void entriesAreOrderedPagedReplacedAndRemoved() {
            assertThat(meta().listIndex("p", null, 10)).isEmpty();
            meta().putIndexEntry("p", "b/c", "2");
            meta().putIndexEntry("p", "a", "1");
            meta().putIndexEntry("p", "\u00e9", "3");
            meta().putIndexEntry("p", "b", "x");
            meta().putIndexEntry("p", "b", "4");
            meta().putIndexEntry("p2", "a", "other partition");
            meta().putIndexEntry("p2x", "a", "no prefix leak");
            assertThat(meta().listIndex("p", null, 10)).containsExactly(new IndexEntry("a", "1"),
                    new IndexEntry("b", "4"), new IndexEntry("b/c", "2"), new IndexEntry("\u00e9", "3"));
            assertThat(meta().listIndex("p", "a", 2)).containsExactly(new IndexEntry("b", "4"), new IndexEntry("b/c", "2"));
            assertThat(meta().listIndex("p", "b/c", 10)).containsExactly(new IndexEntry("\u00e9", "3"));
            assertThat(meta().listIndex("p", "\u00e9", 10)).isEmpty();
            meta().removeIndexEntry("p", "b");
            meta().removeIndexEntry("p", "never there");
            assertThat(meta().listIndex("p", null, 10)).extracting(IndexEntry::entry).containsExactly("a", "b/c", "\u00e9");
            assertThat(meta().listIndex("p2", null, 10)).containsExactly(new IndexEntry("a", "other partition"));
            assertThat(meta().hasIndexEntry("p", "a")).isTrue();
            assertThat(meta().hasIndexEntry("p", "b")).as("removed").isFalse();
            assertThat(meta().hasIndexEntry("p", "b/")).isFalse();
            assertThat(meta().hasIndexEntry("p2x", "a")).isTrue();
            assertThat(meta().hasIndexEntry("p2", "never")).isFalse();
        }
    }

    @Nested
    class PublicLinks {
        @Test
        void aTokenIsClaimedOnceReadAndRemoved() {
            PublicLink target = new PublicLink("acct", "c", "dir/ö name");
            assertThat(meta().getPublicLink("tok1")).isEmpty();
            assertThat(meta().putPublicLinkIfAbsent("tok1", target)).isTrue();
            assertThat(meta().putPublicLinkIfAbsent("tok1", new PublicLink("other", "c", "o"))).isFalse();
            assertThat(meta().getPublicLink("tok1")).contains(target);
            assertThat(meta().getPublicLink("tok2")).isEmpty();
            meta().removePublicLink("tok1");
            meta().removePublicLink("tok1"); // idempotent
            meta().removePublicLink("never-claimed");
            assertThat(meta().getPublicLink("tok1")).isEmpty();
        }

        @Test
        void oneOfRacingClaimsWins() throws Exception {
            List<Boolean> claimed = race(8, i -> meta().putPublicLinkIfAbsent("contested", new PublicLink("a" + i, "c", "o")));
            assertThat(claimed.stream().filter(b -> b).count()).isEqualTo(1);
            int winner = claimed.indexOf(true);
            assertThat(meta().getPublicLink("contested")).contains(new PublicLink("a" + winner, "c", "o"));
        }

        @Test
        void anEmptyNameAndLongNamesRoundTrip() {
            PublicLink longName = new PublicLink("acct", "c".repeat(256), "o".repeat(1024));
            assertThat(meta().putPublicLinkIfAbsent("long", longName)).isTrue();
            assertThat(meta().getPublicLink("long")).contains(longName);
        }
    }

    @Test
    void checkReachableDoesNotThrowOnAHealthyStore() {
        store.checkReachable();
    }
}
