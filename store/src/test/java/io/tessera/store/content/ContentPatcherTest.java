package io.tessera.store.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.embedded.EmbeddedStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ContentPatcher} against a model (a byte array edited the same way): random writes, appends,
 * truncations and copies from another map, in small blocks so that every case (inside a block, across
 * boundaries, whole blocks, short last blocks, zero blocks, growing, cutting) comes up; each result's
 * block hashes must be exactly those of its content cut into blocks anew (as a Pithos client computes
 * them), and only the blocks an update touches may be read.
 */
class ContentPatcherTest {
    static final int BS = 4096;

    @TempDir
    Path dir;
    Store store;
    MetricRegistry metrics;
    ContentWriter writer;
    ContentPatcher patcher;

    @BeforeEach
    void open() {
        metrics = new MetricRegistry();
        store = EmbeddedStore.open(dir, new BlockSize(BS), Durability.RELAXED, metrics);
        writer = new ContentWriter(store, Runnable::run, metrics);
        patcher = new ContentPatcher(store, new ContentReader(store, Runnable::run, metrics), metrics);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    Hashmap write(byte[] data) throws Exception {
        return writer.write(new ByteArrayInputStream(data), data.length).map();
    }

    byte[] read(Hashmap map) throws Exception {
        try (var in = new ContentReader(store, Runnable::run, new MetricRegistry()).open(map, 0, map.length())) {
            return in.readAllBytes();
        }
    }

    static List<String> hashesOf(byte[] data) {
        List<String> out = new ArrayList<>();
        for (int off = 0; off < data.length; off += BS) {
            int len = Math.min(BS, data.length - off);
            out.add(BlockHasher.hash(data, off, BlockHasher.strippedLength(data, off, len)).toHex());
        }
        return out;
    }

    void assertMap(Hashmap map, byte[] expected) throws Exception {
        assertThat(map.length()).isEqualTo(expected.length);
        assertThat(map.hashes().stream().map(h -> h.toHex()).toList()).isEqualTo(hashesOf(expected));
        assertThat(Arrays.equals(read(map), expected)).isTrue();
    }

    static byte[] edit(byte[] base, long offset, byte[] data, long truncateTo) {
        byte[] out = Arrays.copyOf(base, (int) Math.max(base.length, offset + data.length));
        System.arraycopy(data, 0, out, (int) offset, data.length);
        return truncateTo >= 0 && truncateTo < out.length ? Arrays.copyOf(out, (int) truncateTo) : out;
    }

    byte[] sometimesZero(Random r, int n) {
        byte[] b = new byte[n];
        if (r.nextInt(4) != 0) {
            r.nextBytes(b);
        }
        if (n > 0 && r.nextInt(3) == 0) {
            Arrays.fill(b, r.nextInt(n), n, (byte) 0); // trailing zeroes: stripped before hashing
        }
        return b;
    }

    @Test
    void randomEditsMatchTheModel() throws Exception {
        Random r = new Random(42);
        byte[] model = sometimesZero(r, 3 * BS + 100);
        Hashmap map = write(model);
        byte[] other = sometimesZero(r, 5 * BS + 7);
        Hashmap otherMap = write(other);
        for (int step = 0; step < 400; step++) {
            long offset = switch (r.nextInt(4)) {
                case 0 -> model.length;                                  // append
                case 1 -> (long) r.nextInt(model.length / BS + 1) * BS;  // a block boundary
                default -> model.length == 0 ? 0 : r.nextInt(model.length + 1);
            };
            offset = Math.min(offset, model.length);
            long truncateTo = r.nextInt(5) == 0 ? r.nextInt(model.length + 2 * BS + 1) : -1;
            if (r.nextBoolean()) {
                int n = r.nextInt(3) == 0 ? r.nextInt(3 * BS) : r.nextInt(64);
                byte[] data = sometimesZero(r, n);
                map = patcher.patch(map, offset, new ContentPatcher.Body(new ByteArrayInputStream(data), n), truncateTo,
                        Long.MAX_VALUE);
                model = edit(model, offset, data, truncateTo);
            } else {
                boolean self = r.nextBoolean();
                Hashmap src = self ? map : otherMap;
                byte[] srcBytes = self ? model : other;
                int n = r.nextInt((int) src.length() + 1);
                map = patcher.patch(map, offset, new ContentPatcher.FromMap(src, n), truncateTo, Long.MAX_VALUE);
                model = edit(model, offset, Arrays.copyOf(srcBytes, n), truncateTo);
            }
            assertMap(map, model);
            if (model.length > 40 * BS) {
                map = patcher.patch(map, 0, new ContentPatcher.Body(new ByteArrayInputStream(new byte[0]), 0), 10 * BS + 3,
                        Long.MAX_VALUE);
                model = Arrays.copyOf(model, 10 * BS + 3);
                assertMap(map, model);
            }
        }
    }

    @Test
    void onlyTheTouchedBlocksAreReadOrWritten() throws Exception {
        byte[] model = new byte[64 * BS];
        new Random(1).nextBytes(model);
        Hashmap map = write(model);
        long verified = metrics.meter(VerifiedBlocks.VERIFIED_METRIC).getCount();
        long written = metrics.meter("content.blocks.written").getCount();
        byte[] ten = "0123456789".getBytes();
        Hashmap after = patcher.patch(map, 7L * BS - 4, new ContentPatcher.Body(new ByteArrayInputStream(ten), 10), -1, Long.MAX_VALUE);
        assertThat(metrics.meter(VerifiedBlocks.VERIFIED_METRIC).getCount() - verified).isEqualTo(2);
        assertThat(metrics.meter("content.blocks.written").getCount() - written).isEqualTo(2);
        assertMap(after, edit(model, 7L * BS - 4, ten, -1));
        // a whole block from the body: nothing read
        verified = metrics.meter(VerifiedBlocks.VERIFIED_METRIC).getCount();
        byte[] block = new byte[BS];
        new Random(2).nextBytes(block);
        patcher.patch(map, 3L * BS, new ContentPatcher.Body(new ByteArrayInputStream(block), BS), -1, Long.MAX_VALUE);
        assertThat(metrics.meter(VerifiedBlocks.VERIFIED_METRIC).getCount() - verified).isZero();
    }

    @Test
    void aBodyShortOfItsLengthOrPastTheLimitFails() throws Exception {
        Hashmap map = write(new byte[100]);
        assertThatThrownBy(() -> patcher.patch(map, 0, new ContentPatcher.Body(new ByteArrayInputStream(new byte[5]), 10), -1,
                Long.MAX_VALUE)).isInstanceOf(IncompleteBodyException.class);
        assertThatThrownBy(() -> patcher.patch(map, 0, new ContentPatcher.Body(new ByteArrayInputStream(new byte[20]), 10), -1,
                Long.MAX_VALUE)).isInstanceOf(IncompleteBodyException.class);
        assertThatThrownBy(() -> patcher.patch(map, 100, new ContentPatcher.Body(new ByteArrayInputStream(new byte[50]), -1), -1,
                120)).isInstanceOf(ContentPatcher.PatchException.class);
        assertThatThrownBy(() -> patcher.patch(map, 101, new ContentPatcher.Body(new ByteArrayInputStream(new byte[1]), 1), -1,
                Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }
}
