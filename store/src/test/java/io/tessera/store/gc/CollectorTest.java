package io.tessera.store.gc;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.OwnedIds;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeWriter;
import io.tessera.store.content.ContentWriter;
import io.tessera.store.content.WrittenContent;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector on a real backend (subclasses: embedded, Cassandra). Grace 0 unless a test says
 * otherwise, so "old" means "written before this cycle's mark started". Each test works in an account
 * of its own, since the Cassandra subclass shares one keyspace between tests.
 */
abstract class CollectorTest {
    static final int BLOCK = 64 * 1024;

    @TempDir
    Path work;

    Store store;
    ExecutorService io;
    ContentWriter writer;
    String account;
    final Random random = new Random(42);

    protected abstract Store openStore() throws Exception;

    protected void closeStore(Store s) {
        s.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        store = openStore();
        io = Executors.newFixedThreadPool(2);
        writer = new ContentWriter(store, io, new MetricRegistry());
        account = "AUTH_" + UUID.randomUUID().toString().substring(0, 8);
        store.metadata().createContainer(account, "c", Timestamp.now(), Map.of());
    }

    @AfterEach
    void tearDown() {
        io.shutdownNow();
        closeStore(store);
    }

    Collector collector(Duration grace) {
        return new Collector(store, new GcSettings(grace, 0.01, work, true), "test", new GcProgress());
    }

    GcReport cycle() throws InterruptedException {
        Thread.sleep(3); // times are in milliseconds: let "before the mark started" be strictly before
        return collector(Duration.ZERO).runOnce().orElseThrow();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    WrittenContent write(byte[] content) throws Exception {
        return writer.write(new ByteArrayInputStream(content), content.length);
    }

    ObjectVersion publish(String name, WrittenContent c) {
        ObjectVersion v = new ObjectVersion(account, "c", name, Timestamp.now(), c.mapId(), c.md5Hex(),
                "application/octet-stream", Map.of());
        store.metadata().putObject(v, PutCondition.NONE);
        return v;
    }

    boolean stored(BlockHash h) {
        return store.gc().block(h).isPresent();
    }

    static BlockHash hashOf(byte[] b) {
        return BlockHasher.hash(b, 0, BlockHasher.strippedLength(b, 0, b.length));
    }

    @Test
    void unreferencedBlockIsCondemnedThenFreedWhileReferencedOnesStay() throws Exception {
        byte[] kept = bytes(1000);
        byte[] garbage = bytes(2000);
        publish("kept", write(kept));
        write(garbage); // stored, never published: an upload that died before its publish
        BlockHash g = hashOf(garbage);

        GcReport first = cycle();
        assertThat(stored(g)).isTrue();
        assertThat(store.gc().block(g).orElseThrow().condemned()).isTrue();
        assertThat(first.blocksCondemned()).isGreaterThanOrEqualTo(1);
        assertThat(store.blocks().existing(List.of(g))).as("a condemned block reads as absent to uploads").isEmpty();

        GcReport second = cycle();
        assertThat(stored(g)).isFalse();
        assertThat(second.blocksFreed()).isGreaterThanOrEqualTo(1);
        assertThat(second.bytesFreed()).isGreaterThanOrEqualTo(2000);
        assertThat(stored(hashOf(kept))).isTrue();
        assertThat(store.gc().block(hashOf(kept)).orElseThrow().condemned()).isFalse();
    }

    @Test
    void anUploadThatFindsACondemnedBlockRevivesIt() throws Exception {
        byte[] content = bytes(3000);
        write(content);
        BlockHash h = hashOf(content);
        cycle();
        assertThat(store.gc().block(h).orElseThrow().condemned()).isTrue();

        // The classic race, resolved: the upload finds the block (condemned), revives it, then publishes.
        assertThat(store.blocks().putIfAbsent(h, content, 0, content.length)).isFalse();
        assertThat(store.gc().block(h).orElseThrow().condemned()).isFalse();
        publish("late", new WrittenContent(new MapId(h, content.length), null, "x", 0, 0));
        cycle();
        cycle();
        assertThat(store.blocks().get(h)).isPresent();
    }

    @Test
    void aConditionalDeleteLosesToARevival() throws Exception {
        byte[] content = bytes(3000);
        write(content);
        BlockHash h = hashOf(content);
        cycle();
        long condemned = store.gc().block(h).orElseThrow().condemnedMillis();
        store.blocks().putIfAbsent(h, content, 0, content.length); // revives
        assertThat(store.gc().deleteBlockIfCondemned(h, condemned)).isFalse();
        assertThat(store.blocks().get(h)).isPresent();
    }

    @Test
    void multiBlockObjectsKeepTheirMapAndBlocksAndDeletedOnesGoInThreeCycles() throws Exception {
        byte[] big = bytes(3 * BLOCK + 100);
        WrittenContent c = write(big);
        assertThat(c.mapId().length()).isGreaterThan(BLOCK);
        publish("big", c);
        byte[] gone = bytes(2 * BLOCK + 7);
        WrittenContent d = write(gone);
        publish("gone", d);
        store.metadata().deleteObject(account, "c", "gone", Timestamp.now());

        cycle(); // the map of "gone" is condemned; its blocks stay marked through it
        assertThat(store.maps().get(d.mapId())).isPresent();
        cycle(); // the map is freed; its blocks, unmarked now, are condemned
        assertThat(store.maps().get(d.mapId())).isEmpty();
        assertThat(d.map().hashes()).allSatisfy(h -> assertThat(stored(h)).isTrue());
        cycle(); // and freed
        assertThat(d.map().hashes()).allSatisfy(h -> assertThat(stored(h)).isFalse());

        assertThat(store.maps().get(c.mapId())).isPresent();
        assertThat(c.map().hashes()).allSatisfy(h -> assertThat(stored(h)).isTrue());
    }

    @Test
    void aMapStoredAgainAfterItWasCondemnedIsRevived() throws Exception {
        byte[] big = bytes(2 * BLOCK + 1);
        WrittenContent c = write(big);
        cycle();
        MapId id = c.mapId();
        assertThat(store.gc().maps(null, 100_000).stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow()
                .condemned()).isTrue();
        WrittenContent again = write(big); // the same bytes uploaded again: the same map, stored "again"
        publish("again", again);
        cycle();
        cycle();
        assertThat(store.maps().get(id)).isPresent();
        assertThat(again.map().hashes()).allSatisfy(h -> assertThat(stored(h)).isTrue());
    }

    @Test
    void volumesKeepTheirParentOverlayAndOwnedBlocks() throws Exception {
        byte[] image = bytes(2 * BLOCK);
        WrittenContent img = write(image);
        byte[] overlayContent = bytes(500);
        WrittenContent ov = write(overlayContent);
        String volumeId = UUID.randomUUID().toString();
        store.volumes().casLease(volumeId, null, new VolumeStore.Lease("test", System.currentTimeMillis() + 600_000, 1));
        VolumeWriter writer = store.volumes().writer(volumeId, 1);
        BlockHash owned = OwnedIds.newId();
        writer.write(owned, 0, new byte[] {1, 2, 3}, 0, 3);
        BlockHash orphan = OwnedIds.newId();
        writer.write(orphan, 0, new byte[] {9}, 0, 1);
        store.volumes().create(new VolumeStore.VolumeRecord(account, "vol", volumeId, 4L * BLOCK, BLOCK, img.mapId(),
                "c/img", 0, 0, Timestamp.now()));
        writer.putEntries(Map.of(0L, new VolumeStore.Entry(owned, 0),
                1L, new VolumeStore.Entry(ov.map().hashes().get(0), -1)));

        cycle();
        cycle();
        cycle();
        assertThat(store.maps().get(img.mapId())).isPresent();
        assertThat(img.map().hashes()).allSatisfy(h -> assertThat(stored(h)).isTrue());
        assertThat(stored(ov.map().hashes().get(0))).isTrue();
        byte[] back = new byte[3];
        store.owned().read(owned, 0, back, 0, 3);
        assertThat(back).containsExactly(1, 2, 3);
        assertThat(store.gc().owned(null, 100_000).stream().map(e -> e.id()).toList()).doesNotContain(orphan);
    }

    @Test
    void youngGarbageIsKeptForTheGracePeriod() throws Exception {
        byte[] content = bytes(1234);
        write(content);
        Collector patient = collector(Duration.ofHours(1));
        patient.runOnce().orElseThrow();
        patient.runOnce().orElseThrow();
        assertThat(store.gc().block(hashOf(content)).orElseThrow().condemned()).isFalse();
    }

    @Test
    void aSweepInterruptedByACrashResumesAtItsCursor() throws Exception {
        for (int i = 0; i < 5; i++) {
            write(bytes(100 + i));
        }
        Thread.sleep(3);
        Collector crashing = collector(Duration.ZERO);
        crashing.afterPage = () -> {
            throw new IllegalStateException("simulated crash");
        };
        try {
            crashing.runOnce();
        } catch (IllegalStateException expected) {
            // the process "died" after the first page of the block sweep
        }
        assertThat(store.gc().state("cycle")).isPresent();
        GcReport resumed = collector(Duration.ZERO).runOnce().orElseThrow();
        assertThat(resumed.resumed()).isTrue();
        assertThat(store.gc().state("cycle")).isEmpty();
    }

    @Test
    void anotherNodesLeaseKeepsThisCollectorOut() {
        store.volumes().casLease(CollectorLease.ID, store.volumes().lease(CollectorLease.ID).orElse(null),
                new VolumeStore.Lease("other-node", System.currentTimeMillis() + 60_000, 99));
        try {
            assertThat(collector(Duration.ZERO).runOnce()).isEmpty();
        } finally {
            store.volumes().casLease(CollectorLease.ID, store.volumes().lease(CollectorLease.ID).orElseThrow(),
                    new VolumeStore.Lease("", 0, 100));
        }
    }

    @Test
    void accountingCountsLogicalAndDeduplicatedPhysicalBytes() throws Exception {
        byte[] a = bytes(2 * BLOCK);
        publish("a1", write(a));
        publish("a2", write(a)); // the same content twice: stored once
        byte[] b = bytes(1000);
        publish("b", write(b));
        cycle();
        AccountStats stats = AccountStats.read(store, account).orElseThrow();
        assertThat(stats.logicalBytes()).isEqualTo(4L * BLOCK + 1000);
        assertThat(stats.physicalBytes()).isEqualTo(2L * BLOCK + 1000);
        assertThat(stats.uniqueBlocks()).isEqualTo(3);
        assertThat(stats.dedupSavedBytes()).isEqualTo(2L * BLOCK);
    }
}
