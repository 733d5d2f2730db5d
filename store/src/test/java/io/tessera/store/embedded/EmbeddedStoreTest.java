package io.tessera.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.AccountInfo;
import io.tessera.store.BlockStore.BlockStats;
import io.tessera.store.ContainerInfo;
import io.tessera.store.Durability;
import io.tessera.store.ListQuery;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.Timestamp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the embedded backend: persistence, crashes, its folder, its metrics. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedStoreTest {
    private static final BlockSize BLOCK_SIZE = new BlockSize(64 * 1024);

    @TempDir
    Path dir;

    private final Random random = new Random(7);

    private EmbeddedStore open(Durability durability) {
        return EmbeddedStore.open(dir, BLOCK_SIZE, durability, new MetricRegistry(), 4096);
    }

    private byte[] content(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        b[length - 1] = 1;
        return b;
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        byte[] small = content(100);
        byte[] large = content(BLOCK_SIZE.bytes());
        BlockHash hs = BlockHasher.hash(small);
        BlockHash hl = BlockHasher.hash(large);
        Hashmap map = new Hashmap(BLOCK_SIZE, BLOCK_SIZE.bytes() + 100L, List.of(hl, hs));
        Hashmap big = new Hashmap(BLOCK_SIZE, 10_000L * BLOCK_SIZE.bytes(),
                IntStream.range(0, 10_000).mapToObj(i -> i % 2 == 0 ? hs : hl).toList());
        ObjectVersion v = new ObjectVersion("alice", "docs", "a/ü.txt", new Timestamp(5_000), MapId.of(map), "etag",
                "text/plain", Map.of("x-object-meta-k", "v"));
        BlockStats stats;
        try (Store store = open(Durability.DURABLE)) {
            store.blocks().putIfAbsent(hs, small, 0, small.length);
            store.blocks().putIfAbsent(hl, large, 0, large.length);
            store.maps().put(map);
            store.maps().put(big);
            store.metadata().updateAccountMetadata("alice", Map.of("x-account-meta-a", "1"));
            store.metadata().createContainer("alice", "docs", new Timestamp(1_000), Map.of("x-container-meta-c", "2"));
            store.metadata().putObject(v, PutCondition.NONE);
            store.metadata().putSettingIfAbsent("secret", "s3cr3t");
            stats = store.blocks().stats();
        }
        try (Store store = open(Durability.RELAXED)) {
            assertThat(store.blocks().get(hs)).hasValueSatisfying(b -> assertThat(b).isEqualTo(small));
            assertThat(store.blocks().get(hl)).hasValueSatisfying(b -> assertThat(b).isEqualTo(large));
            assertThat(store.blocks().stats()).isEqualTo(stats).isEqualTo(new BlockStats(2, 100L + BLOCK_SIZE.bytes()));
            assertThat(store.maps().get(MapId.of(map))).contains(map);
            assertThat(store.maps().get(MapId.of(big))).contains(big);
            AccountInfo account = store.metadata().getAccount("alice").orElseThrow();
            assertThat(account.metadata()).isEqualTo(Map.of("x-account-meta-a", "1"));
            assertThat(List.of(account.containerCount(), account.objectCount(), account.bytesUsed()))
                    .containsExactly(1L, 1L, v.length());
            assertThat(store.metadata().getContainer("alice", "docs")).contains(new ContainerInfo("alice", "docs",
                    new Timestamp(1_000), Map.of("x-container-meta-c", "2"), 1, v.length()));
            assertThat(store.metadata().getObject("alice", "docs", "a/ü.txt")).contains(v);
            assertThat(store.metadata().listObjects("alice", "docs", ListQuery.all(10))).containsExactly(v);
            assertThat(store.metadata().getSetting("secret")).contains("s3cr3t");
        }
    }

    @Test
    void aFolderMadeWithAnotherBlockSizeIsRefused() {
        open(Durability.DURABLE).close();
        assertThatThrownBy(() -> EmbeddedStore.open(dir, new BlockSize(4096), Durability.DURABLE, new MetricRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("65536").hasMessageContaining("4096").hasMessageContaining(dir.toString());
        open(Durability.DURABLE).close(); // the refusal left the folder closed and usable
    }

    @Test
    void aFolderOpenElsewhereIsUnavailable() {
        try (Store first = open(Durability.DURABLE)) {
            assertThatThrownBy(() -> open(Durability.DURABLE)).isInstanceOf(StoreUnavailableException.class);
            first.checkReachable();
        }
    }

    @Test
    void aClosedStoreRefusesCallsInsteadOfCrashing() {
        Store store = open(Durability.DURABLE);
        store.close();
        store.close(); // idempotent
        assertThatThrownBy(() -> store.metadata().getAccount("a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.blocks().stats()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(store::checkReachable).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void largeBlocksAreFilesAndAMissingOneIsReportedAsCorruption() throws IOException {
        byte[] large = content(BLOCK_SIZE.bytes());
        BlockHash h = BlockHasher.hash(large);
        try (Store store = open(Durability.DURABLE)) {
            store.blocks().putIfAbsent(h, large, 0, large.length);
            Path file = dir.resolve("blocks").resolve(h.toHex().substring(0, 2)).resolve(h.toHex());
            assertThat(file).hasBinaryContent(large);
            Files.delete(file);
            assertThatThrownBy(() -> store.blocks().get(h)).isInstanceOf(StoreCorruptionException.class)
                    .hasMessageContaining(h.toHex());
        }
    }

    @Test
    void unfinishedBlockFilesAreRemovedOnOpen() throws IOException {
        open(Durability.DURABLE).close();
        Path leftover = dir.resolve("blocks").resolve("tmp").resolve("deadbeef.1");
        Files.write(leftover, new byte[] {1, 2, 3});
        open(Durability.DURABLE).close();
        assertThat(leftover).doesNotExist();
    }

    @Test
    void blockTrafficIsMeasured() {
        MetricRegistry metrics = new MetricRegistry();
        byte[] c = content(10);
        BlockHash h = BlockHasher.hash(c);
        try (Store store = EmbeddedStore.open(dir, BLOCK_SIZE, Durability.DURABLE, metrics)) {
            store.blocks().putIfAbsent(h, c, 0, c.length);
            store.blocks().putIfAbsent(h, c, 0, c.length);
            store.blocks().get(h);
        }
        assertThat(metrics.timer("store.embedded.block.put").getCount()).isEqualTo(2);
        assertThat(metrics.timer("store.embedded.block.get").getCount()).isEqualTo(1);
        assertThat(metrics.meter("store.embedded.block.written").getCount()).isEqualTo(1);
        assertThat(metrics.meter("store.embedded.block.present").getCount()).isEqualTo(1);
    }

    /**
     * A child JVM publishes durable versions and prints each acknowledged one; it is killed with
     * SIGKILL mid-stream. Every acknowledged version, its map and its blocks must be intact after
     * reopening, and whatever else got published must be whole (publish last, invariant 2).
     */
    @Test
    void acknowledgedVersionsSurviveKillDashNine() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), data.toString())
                .redirectError(stderr.toFile())
                .start();
        Pattern ack = Pattern.compile("ack (\\d+) ok");
        List<Integer> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; acked.size() < 150 && (line = out.readLine()) != null; ) {
                Matcher m = ack.matcher(line);
                assertThat(m.matches()).as("child said %s", line).isTrue();
                acked.add(Integer.parseInt(m.group(1)));
            }
            assertThat(acked).as("acks before the child ended; its stderr: %s", Files.readString(stderr)).hasSize(150);
            // SIGKILL on Linux: no shutdown hook, no close. Through the handle, which (unlike
            // Process.destroyForcibly) leaves the pipe open for the acks still in it.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // acks the child printed before it died count too; a torn last line does not match
            for (String line; (line = out.readLine()) != null; ) {
                Matcher m = ack.matcher(line);
                if (m.matches()) {
                    acked.add(Integer.parseInt(m.group(1)));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL, not finished").isEqualTo(128 + 9);

        try (Store store = CrashWriter.open(data)) {
            for (int i : acked) {
                ObjectVersion v = store.metadata().getObject(CrashWriter.ACCOUNT, CrashWriter.CONTAINER, CrashWriter.name(i))
                        .orElseThrow(() -> new AssertionError("acknowledged version " + i + " lost"));
                assertThat(v.etag()).isEqualTo(CrashWriter.etag(i));
                assertThat(v.map()).isEqualTo(MapId.of(CrashWriter.map(i)));
                assertWhole(store, v);
            }
            List<ObjectVersion> listed = store.metadata().listObjects(CrashWriter.ACCOUNT, CrashWriter.CONTAINER,
                    ListQuery.all(100_000));
            assertThat(listed.size()).isBetween(acked.size(), acked.size() + 1); // at most one published, unacknowledged
            for (ObjectVersion v : listed) {
                assertWhole(store, v);
            }
            ContainerInfo container = store.metadata().getContainer(CrashWriter.ACCOUNT, CrashWriter.CONTAINER).orElseThrow();
            assertThat(container.objectCount()).as("counters moved with the rows").isEqualTo(listed.size());
            assertThat(container.bytesUsed()).isEqualTo(listed.stream().mapToLong(ObjectVersion::length).sum());
        }
    }

    /** The version's map and every block it names are there, with the content the writer gave them. */
    private static void assertWhole(Store store, ObjectVersion v) {
        int i = Integer.parseInt(v.name().substring(2));
        Optional<Hashmap> map = store.maps().get(v.map());
        assertThat(map).as("map of %s", v.name()).contains(CrashWriter.map(i));
        List<byte[]> blocks = CrashWriter.blocks(i);
        for (int b = 0; b < blocks.size(); b++) {
            byte[] expected = blocks.get(b);
            assertThat(store.blocks().get(map.get().hashes().get(b)))
                    .as("block %d of %s", b, v.name())
                    .hasValueSatisfying(actual -> assertThat(actual).isEqualTo(expected));
        }
    }

    @Test
    void theDataFolderHoldsRocksDbBlockFilesAndOwnedBlocksOnly() throws IOException {
        open(Durability.DURABLE).close();
        try (Stream<Path> top = Files.list(dir)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("rocksdb", "blocks", "owned");
        }
    }
}
