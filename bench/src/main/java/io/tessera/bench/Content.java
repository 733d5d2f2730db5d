package io.tessera.bench;

import io.tessera.bench.http.Body;
import io.tessera.bench.http.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic object content, generated on the fly so that a 1 GiB PUT never holds 1 GiB.
 *
 * <p>The object is a sequence of 4 KiB pages. Each page starts with a 16-byte stamp (object seed,
 * page number) followed by 4080 bytes taken from a fixed 8 MiB random pool at an offset derived from
 * the stamp. So every 4 KiB page of every object is distinct — a deduplicating server cannot find
 * repeats at any block size of 4 KiB or more except where we put them on purpose — and generating is
 * a memory copy, far cheaper than the MD5 the server must compute. The same seed gives the same bytes
 * in every process, so the files nginx serves match what the verifier expects.
 *
 * <p>A variant replaces whole blocks ({@code blockSize}, the server's block size) by pages stamped
 * with another seed: the "image with 1% of blocks changed" of the dedup workload.
 */
public record Content(long seed, long size, long variantSeed, long blockSize, Set<Long> changedBlocks) {
    public static final int PAGE = 4096;
    private static final int STAMP = 16;
    private static final int POOL = 8 << 20;
    private static final byte[] POOL_BYTES = pool();

    public static Content of(long seed, long size) {
        return new Content(seed, size, 0, Long.MAX_VALUE, Set.of());
    }

    public Content withChangedBlocks(long newVariantSeed, long newBlockSize, Set<Long> blocks) {
        return new Content(seed, size, newVariantSeed, newBlockSize, Set.copyOf(blocks));
    }

    /** Fills {@code len} bytes at {@code offset} (a multiple of the page size). */
    public void fill(long offset, byte[] dst, int len) {
        if (offset % PAGE != 0) {
            throw new IllegalArgumentException("offset must be page aligned");
        }
        for (int done = 0; done < len; ) {
            long page = (offset + done) / PAGE;
            long s = changedBlocks.contains(page * PAGE / blockSize) ? variantSeed : seed;
            int n = Math.min(PAGE, len - done);
            writePage(s, page, dst, done, n);
            done += n;
        }
    }

    /** The whole object in memory: for small objects only. */
    public byte[] bytes() {
        byte[] b = new byte[Math.toIntExact(size)];
        fill(0, b, b.length);
        return b;
    }

    /** MD5 of the content, computed by generating it once (before any timing starts). */
    public String md5() {
        Sink.Md5 md5 = new Sink.Md5();
        byte[] buf = new byte[1 << 20];
        for (long off = 0; off < size; off += buf.length) {
            int n = (int) Math.min(buf.length, size - off);
            fill(off, buf, n);
            md5.accept(buf, 0, n);
        }
        return md5.hex();
    }

    /** A request body that generates the content while it is sent, 1 MiB at a time. */
    public Body body() {
        return new Body() {
            @Override
            public long length() {
                return size;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                byte[] buf = new byte[1 << 20];
                for (long off = 0; off < size; off += buf.length) {
                    int n = (int) Math.min(buf.length, size - off);
                    fill(off, buf, n);
                    out.write(buf, 0, n);
                }
            }
        };
    }

    private static void writePage(long seed, long page, byte[] dst, int off, int len) {
        if (len < STAMP) { // only the last page of an odd-sized object
            byte[] stamp = new byte[STAMP];
            putLong(stamp, 0, seed);
            putLong(stamp, 8, page);
            System.arraycopy(stamp, 0, dst, off, len);
            return;
        }
        putLong(dst, off, seed);
        putLong(dst, off + 8, page);
        int from = (int) Math.floorMod(mix(seed * 0x9E3779B97F4A7C15L + page), (long) POOL);
        System.arraycopy(POOL_BYTES, from, dst, off + STAMP, len - STAMP);
    }

    private static long mix(long z) { // SplitMix64 finalizer: spreads consecutive pages over the pool
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static byte[] pool() {
        byte[] p = new byte[POOL + PAGE]; // + one page so a copy never wraps
        new SplittableRandom(0x7E55E8AL).nextBytes(p);
        return p;
    }
}
