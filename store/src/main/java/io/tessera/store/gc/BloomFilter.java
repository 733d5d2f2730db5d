package io.tessera.store.gc;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.MapId;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The collector's mark set: a Bloom filter over block hashes (and map ids), so marking a store of
 * billions of blocks takes memory in proportion to the block count, about 9.6 bits a block at the
 * default false-positive rate of 1% (1.2 GB for a billion blocks), never the hashes themselves.
 *
 * <p>A false positive can only make the collector <em>keep</em> something: an unreferenced block that
 * looks marked stays, and is found in a later cycle with probability 1 - fpp (each cycle sizes a new
 * filter, but the same hashes collide the same way only if the sizes match; a block leaks for good
 * with probability fpp per cycle). A false negative is impossible.
 *
 * <p>Hashes are already uniform, so the k probe positions come from the hash's own bits by double
 * hashing (Kirsch-Mitzenmacher); owned ids share a fixed 16-byte prefix, so both halves are folded in.
 * Not thread-safe: the collector marks from one thread.
 */
final class BloomFilter {
    private final long[] bits;
    private final long bitCount;
    private final int probes;

    private BloomFilter(long[] bits, int probes) {
        this.bits = bits;
        this.bitCount = (long) bits.length * 64;
        this.probes = probes;
    }

    /** A filter for about {@code expected} entries at false-positive rate {@code fpp}. */
    static BloomFilter forEntries(long expected, double fpp) {
        if (fpp <= 0 || fpp >= 1) {
            throw new IllegalArgumentException("false-positive rate must be in (0, 1), not " + fpp);
        }
        long n = Math.max(1_000, expected);
        long m = (long) Math.ceil(-n * Math.log(fpp) / (Math.log(2) * Math.log(2)));
        int k = (int) Math.max(1, Math.round((double) m / n * Math.log(2)));
        long words = Math.max(1, (m + 63) / 64);
        if (words > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a filter for " + expected + " entries needs " + m
                    + " bits, more than one array holds: raise gc.bloom_fpp");
        }
        return new BloomFilter(new long[(int) words], k);
    }

    long sizeBytes() {
        return (long) bits.length * 8;
    }

    void add(BlockHash hash) {
        add(h1(hash), h2(hash));
    }

    boolean mightContain(BlockHash hash) {
        return mightContain(h1(hash), h2(hash));
    }

    void add(MapId id) {
        add(h1(id.merkleRoot()) ^ (id.length() * 0x9E3779B97F4A7C15L), h2(id.merkleRoot()));
    }

    boolean mightContain(MapId id) {
        return mightContain(h1(id.merkleRoot()) ^ (id.length() * 0x9E3779B97F4A7C15L), h2(id.merkleRoot()));
    }

    private void add(long h1, long h2) {
        for (int i = 0; i < probes; i++) {
            long bit = Math.floorMod(h1 + i * h2, bitCount);
            bits[(int) (bit >>> 6)] |= 1L << (bit & 63);
        }
    }

    private boolean mightContain(long h1, long h2) {
        for (int i = 0; i < probes; i++) {
            long bit = Math.floorMod(h1 + i * h2, bitCount);
            if ((bits[(int) (bit >>> 6)] & (1L << (bit & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    private static long h1(BlockHash hash) {
        ByteBuffer b = ByteBuffer.wrap(hash.toBytes());
        return b.getLong(0) ^ b.getLong(16);
    }

    private static long h2(BlockHash hash) {
        ByteBuffer b = ByteBuffer.wrap(hash.toBytes());
        return (b.getLong(8) ^ b.getLong(24)) | 1;
    }

    /** Writes the filter to {@code file} (via a temp file and a rename), for a sweep resumed after a crash. */
    void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(probes);
            out.writeInt(bits.length);
            for (long w : bits) {
                out.writeLong(w);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static BloomFilter load(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            int k = in.readInt();
            long[] bits = new long[in.readInt()];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = in.readLong();
            }
            return new BloomFilter(bits, k);
        }
    }
}
