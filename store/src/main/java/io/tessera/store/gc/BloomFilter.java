package io.tessera.store.gc;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.MapId;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Not thread-safe: the collector marks from one thread. The Cassandra store's unreachable-rows pass
 * uses one too, over salted hashes of container keys ({@code LiveContainerKeys}).
 */
public final class BloomFilter {
    private static final Logger log = LoggerFactory.getLogger(BloomFilter.class);
    private final long[] bits;
    private final long bitCount;
    private final int probes;

    private BloomFilter(long[] bits, int probes) {
        this.bits = bits;
        this.bitCount = (long) bits.length * 64;
        this.probes = probes;
    }

    /** A filter for about {@code expected} entries at false-positive rate {@code fpp}. */
    public static BloomFilter forEntries(long expected, double fpp) {
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

    public long sizeBytes() {
        return (long) bits.length * 8;
    }

    public void add(BlockHash hash) {
        add(h1(hash), h2(hash));
    }

    public boolean mightContain(BlockHash hash) {
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

    /** The saved form's first bytes and its layout version. */
    private static final long MAGIC = 0x5453_5242_4C4F_4F4DL; // "TSRBLOOM"
    private static final int FORMAT = 1;

    /**
     * Saves the filter as the mark set of {@code cycle}, durably: written to a temp file, synced, renamed
     * over {@code file}, and the directory synced, so once this returns the file survives a crash whole.
     * Layout: magic, format, cycle id, probes, word count, the words, then a CRC32C of everything before
     * it; {@link #load} trusts nothing that does not check out.
     */
    void save(Path file, String cycle) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            CRC32C crc = new CRC32C();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    new CheckedOutputStream(Channels.newOutputStream(ch), crc), 1 << 16));
            out.writeLong(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(cycle);
            out.writeInt(probes);
            out.writeInt(bits.length);
            for (long w : bits) {
                out.writeLong(w);
            }
            out.flush();
            out.writeInt((int) crc.getValue()); // not part of its own checksum: the stream sums what passed before
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself
        }
    }

    /**
     * The mark set of {@code cycle} saved in {@code file}, or empty if there is none that can be trusted:
     * missing, empty, truncated, zeroed, of another cycle or failing its checksum (the reason is logged).
     */
    static Optional<BloomFilter> load(Path file, String cycle) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            long size = Files.size(file);
            CRC32C crc = new CRC32C();
            try (CheckedInputStream sum = new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), crc);
                 DataInputStream in = new DataInputStream(sum)) {
                if (size < 8 + 4 + 2 || in.readLong() != MAGIC || in.readInt() != FORMAT) {
                    return rejected(file, "not a mark set (" + size + " bytes)");
                }
                String savedCycle = in.readUTF();
                if (!savedCycle.equals(cycle)) {
                    return rejected(file, "it is the mark set of cycle " + savedCycle + ", not " + cycle);
                }
                int k = in.readInt();
                int words = in.readInt();
                long header = 8 + 4 + 2 + savedCycle.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4 + 4;
                if (k < 1 || words < 1 || size != header + 8L * words + 4) {
                    return rejected(file, "truncated or malformed (" + size + " bytes for " + words + " words)");
                }
                long[] bits = new long[words];
                for (int i = 0; i < words; i++) {
                    bits[i] = in.readLong();
                }
                int expected = (int) crc.getValue();
                if (in.readInt() != expected) {
                    return rejected(file, "checksum mismatch");
                }
                return Optional.of(new BloomFilter(bits, k));
            }
        } catch (IOException e) {
            return rejected(file, e.toString());
        }
    }

    private static Optional<BloomFilter> rejected(Path file, String why) {
        log.warn("not trusting the saved mark set {}: {}", file, why);
        return Optional.empty();
    }
}
