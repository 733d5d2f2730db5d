package io.tessera.store.content;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Chunker;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The first half of a PUT's data path: stream -> fixed-size blocks -> SHA-256 per block and MD5 of
 * the stream -> write only blocks the store lacks -> save the map. It does not publish anything:
 * the caller writes the version row last (invariant 2).
 *
 * <p>Pipelined: while the calling thread reads block i+1 from the network (and feeds the MD5),
 * block i is hashed and stored on {@code blockExecutor}. At most {@link #IN_FLIGHT} blocks are being
 * stored at once, so memory per upload is (IN_FLIGHT + 1) blocks whatever the object's size.
 */
public final class ContentWriter {
    static final int IN_FLIGHT = 2;

    private final Store store;
    private final ContentMaps maps;
    private final BlockSize blockSize;
    private final Executor blockExecutor;
    private final Meter blocksNew;
    private final Meter blocksDeduplicated;
    private final Meter bytesDeduplicated;
    private final Meter bytesIn;

    public ContentWriter(Store store, Executor blockExecutor, MetricRegistry metrics) {
        this.store = store;
        this.maps = new ContentMaps(store);
        this.blockSize = store.blockSize();
        this.blockExecutor = blockExecutor;
        this.blocksNew = metrics.meter("content.blocks.written");
        this.blocksDeduplicated = metrics.meter("content.blocks.deduplicated");
        this.bytesDeduplicated = metrics.meter("content.bytes.deduplicated");
        this.bytesIn = metrics.meter("content.bytes.in");
    }

    /**
     * Reads {@code in} to its end, storing its blocks and its map.
     *
     * @param expectedLength the length the client announced, or -1 (chunked); a stream that ends
     *                       short of it, or runs past it, fails with {@link IncompleteBodyException}
     *                       before anything is published
     */
    public WrittenContent write(InputStream in, long expectedLength) throws IOException {
        if (expectedLength >= 0 && expectedLength <= blockSize.bytes()) {
            return writeOneBlock(in, (int) expectedLength);
        }
        Chunker chunker = new Chunker(in, blockSize);
        BlockingQueue<byte[]> freeBuffers = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
        ArrayDeque<CompletableFuture<StoredBlock>> pending = new ArrayDeque<>();
        List<BlockHash> hashes = new ArrayList<>();
        int newBlocks = 0;
        long newBytes = 0;
        int buffersMade = 0;
        try {
            while (true) {
                byte[] buf = freeBuffers.poll();
                if (buf == null) {
                    if (buffersMade <= IN_FLIGHT) {
                        buf = new byte[blockSize.bytes()];
                        buffersMade++;
                    } else {
                        StoredBlock done = await(pending.removeFirst());
                        hashes.add(done.hash());
                        newBlocks += done.isNew() ? 1 : 0;
                        newBytes += done.isNew() ? done.storedBytes() : 0;
                        freeBuffers.add(done.buffer());
                        continue;
                    }
                }
                int n = chunker.fill(buf);
                if (expectedLength >= 0 && chunker.bytesRead() > expectedLength) {
                    throw new IncompleteBodyException("the body is longer than its Content-Length");
                }
                if (n == 0) {
                    break;
                }
                byte[] block = buf;
                pending.addLast(CompletableFuture.supplyAsync(() -> storeBlock(block, n), blockExecutor));
            }
            while (!pending.isEmpty()) {
                StoredBlock done = await(pending.removeFirst());
                hashes.add(done.hash());
                newBlocks += done.isNew() ? 1 : 0;
                newBytes += done.isNew() ? done.storedBytes() : 0;
            }
        } finally {
            // On failure, let blocks already submitted finish quietly: they are garbage for the collector.
            pending.forEach(f -> f.cancel(false));
        }
        if (expectedLength >= 0 && chunker.bytesRead() != expectedLength) {
            throw new IncompleteBodyException("the body ended after " + chunker.bytesRead()
                    + " of " + expectedLength + " bytes");
        }
        bytesIn.mark(chunker.bytesRead());
        Hashmap map = new Hashmap(blockSize, chunker.bytesRead(), hashes);
        return new WrittenContent(maps.save(map), map, chunker.md5Hex(), newBlocks, newBytes);
    }

    /**
     * An object of at most one block whose length is known: read it into a buffer of its own size
     * and store it on this thread. Small PUTs are the common case; they need neither 4 MiB buffers
     * nor a hand-off to another thread.
     */
    private WrittenContent writeOneBlock(InputStream in, int length) throws IOException {
        byte[] buf = in.readNBytes(length);
        if (buf.length < length) {
            throw new IncompleteBodyException("the body ended after " + buf.length + " of " + length + " bytes");
        }
        if (in.read() >= 0) {
            throw new IncompleteBodyException("the body is longer than its Content-Length");
        }
        StoredBlock block = storeBlock(buf, length);
        bytesIn.mark(length);
        Hashmap map = length == 0 ? Hashmap.empty(blockSize) : new Hashmap(blockSize, length, List.of(block.hash()));
        return new WrittenContent(maps.save(map), map, Chunker.md5Hex(buf, length),
                block.isNew() ? 1 : 0, block.isNew() ? block.storedBytes() : 0);
    }

    private StoredBlock storeBlock(byte[] buf, int length) {
        int stripped = BlockHasher.strippedLength(buf, 0, length);
        BlockHash hash = BlockHasher.hash(buf, 0, stripped);
        boolean isNew = stripped > 0 && store.blocks().putIfAbsent(hash, buf, 0, stripped);
        // A block of only zeroes is counted as deduplicated: it is never stored, and costs no bytes.
        (isNew ? blocksNew : blocksDeduplicated).mark();
        if (!isNew) {
            bytesDeduplicated.mark(stripped);
        }
        return new StoredBlock(hash, isNew, stripped, buf);
    }

    private static StoredBlock await(CompletableFuture<StoredBlock> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing blocks");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    private record StoredBlock(BlockHash hash, boolean isNew, int storedBytes, byte[] buffer) {
    }
}
