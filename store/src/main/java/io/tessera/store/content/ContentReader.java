package io.tessera.store.content;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.OwnedIds;
import io.tessera.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The GET half of the data path: writes a byte range of a hashmap's content to a stream, one block
 * at a time (memory O(block size)), fetching the next {@link #AHEAD} blocks while the current one is
 * written so the store's latency overlaps the network's. Blocks are stored stripped of trailing zeroes; the
 * missing tail of each block is written as zeroes. A map may also name owned ids ({@link OwnedIds}):
 * a volume snapshot's blocks before the background hasher has turned them into content blocks; those
 * are read from {@link Store#owned()}.
 *
 * <p>Every content block is checked against its hash before any of its bytes are written
 * ({@link VerifiedBlocks}); the blocks ahead are read and checked on the prefetch pool, in parallel,
 * while the current one is written. A corrupt block fails the read with {@link io.tessera.store.CorruptBlockException}: before
 * the first byte the caller can still answer an error; later, it must cut the stream short, so a client
 * sees a short body and never a wrong byte.
 */
public final class ContentReader {
    private static final byte[] ZEROES = new byte[64 * 1024];
    /**
     * Blocks read and checked ahead of the one being written. Two, so that hashing (about 1.2 GB/s per
     * core) runs on two cores while the network takes the current block; memory per GET is
     * (AHEAD + 1) blocks.
     */
    static final int AHEAD = 2;

    private final Store store;
    private final VerifiedBlocks blocks;
    private final Executor prefetchExecutor;
    private final Meter bytesOut;

    public ContentReader(Store store, Executor prefetchExecutor, MetricRegistry metrics) {
        this.store = store;
        this.blocks = new VerifiedBlocks(store.blocks(), metrics);
        this.prefetchExecutor = prefetchExecutor;
        this.bytesOut = metrics.meter("content.bytes.out");
    }

    /**
     * The last block one request read and verified, so that a large object whose pieces fall in one
     * block (an SLO of a thousand one-byte ranges of one segment) reads and hashes it once, not once a
     * piece. Bounded: one block, which the request held anyway while writing it. Not thread-safe: one
     * per request, used by the thread that writes the reply.
     */
    public static final class LastBlock {
        private BlockHash hash;
        private byte[] content;
    }

    /** Writes bytes {@code [from, toExclusive)} of the map's content to {@code out}. */
    public void copy(Hashmap map, long from, long toExclusive, OutputStream out) throws IOException {
        copy(map, from, toExclusive, out, new LastBlock());
    }

    /** As {@link #copy(Hashmap, long, long, OutputStream)}, reusing (and updating) the request's {@code last} block. */
    public void copy(Hashmap map, long from, long toExclusive, OutputStream out, LastBlock last) throws IOException {
        if (from < 0 || toExclusive > map.length() || from > toExclusive) {
            throw new IllegalArgumentException("range [" + from + ", " + toExclusive + ") outside 0.." + map.length());
        }
        if (from == toExclusive) {
            return;
        }
        int bs = map.blockSize().bytes();
        int first = (int) (from / bs);
        int lastIndex = (int) ((toExclusive - 1) / bs);
        // Never more than AHEAD + 1 in it: sized for that, or for fewer blocks (one, for most objects).
        ArrayDeque<CompletableFuture<byte[]>> fetching = new ArrayDeque<>(Math.min(AHEAD + 1, lastIndex - first + 1));
        int nextToFetch = first;
        try {
            for (int i = first; i <= lastIndex; i++) {
                // Keep up to AHEAD blocks being read and checked on the pool while this thread writes.
                while (nextToFetch <= lastIndex && nextToFetch <= i + AHEAD) {
                    BlockHash h = map.hashes().get(nextToFetch);
                    fetching.addLast(h.equals(last.hash) ? CompletableFuture.completedFuture(last.content)
                            : fetch(h, first == lastIndex));
                    nextToFetch++;
                }
                byte[] content = await(fetching.removeFirst(), map.hashes().get(i));
                last.hash = map.hashes().get(i);
                last.content = content;
                long blockStart = (long) i * bs;
                int start = (int) (Math.max(from, blockStart) - blockStart);
                int end = (int) (Math.min(toExclusive, blockStart + map.blockLength(i)) - blockStart);
                writePadded(content, start, end, out);
            }
        } finally {
            fetching.forEach(f -> f.cancel(false)); // the reply failed: reads not started yet need not run
        }
        bytesOut.mark(toExclusive - from);
    }

    /**
     * Bytes {@code [from, toExclusive)} of the map's content as a stream, read one block at a time
     * (e.g. to write part of one object into another).
     */
    public java.io.InputStream open(Hashmap map, long from, long toExclusive) {
        if (from < 0 || toExclusive > map.length() || from > toExclusive) {
            throw new IllegalArgumentException("range [" + from + ", " + toExclusive + ") outside 0.." + map.length());
        }
        return new java.io.InputStream() {
            private long pos = from;
            private int blockIndex = -1;
            private byte[] block = new byte[0];

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= toExclusive) {
                    return -1;
                }
                int bs = map.blockSize().bytes();
                int index = (int) (pos / bs);
                if (index != blockIndex) {
                    BlockHash hash = map.hashes().get(index);
                    block = hash.isZeroBlock() ? new byte[0] : get(hash);
                    blockIndex = index;
                }
                int inBlock = (int) (pos - (long) index * bs);
                int n = (int) Math.min(len, Math.min(toExclusive - pos, bs - inBlock));
                int stored = Math.max(0, Math.min(n, block.length - inBlock));
                if (stored > 0) {
                    System.arraycopy(block, inBlock, b, off, stored);
                }
                java.util.Arrays.fill(b, off + stored, off + n, (byte) 0);
                pos += n;
                bytesOut.mark(n);
                return n;
            }
        };
    }

    private CompletableFuture<byte[]> fetch(BlockHash hash, boolean inline) {
        if (hash.isZeroBlock()) {
            return CompletableFuture.completedFuture(new byte[0]);
        }
        // A single-block read gains nothing from another thread: do it here and save a hand-off.
        if (inline) {
            return CompletableFuture.completedFuture(get(hash));
        }
        return CompletableFuture.supplyAsync(() -> get(hash), prefetchExecutor);
    }

    private byte[] get(BlockHash hash) {
        if (OwnedIds.isOwned(hash)) {
            // A volume's block not hashed yet (a fresh snapshot): read it where the volume wrote it.
            byte[] block = new byte[store.blockSize().bytes()];
            store.owned().read(hash, 0, block, 0, block.length);
            return block;
        }
        return blocks.get(hash);
    }

    private static byte[] await(CompletableFuture<byte[]> future, BlockHash hash) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading block " + hash);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    /** Writes {@code [start, end)} of a block whose stored content may stop early (stripped zeroes). */
    private static void writePadded(byte[] content, int start, int end, OutputStream out) throws IOException {
        int stored = Math.min(end, content.length);
        if (start < stored) {
            out.write(content, start, stored - start);
        }
        for (int pos = Math.max(start, stored); pos < end; ) {
            int n = Math.min(ZEROES.length, end - pos);
            out.write(ZEROES, 0, n);
            pos += n;
        }
    }
}
