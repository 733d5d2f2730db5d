package io.tessera.server.transfer;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A local file's Pithos hashes: SHA-256 of each block of the container's block size, trailing NULs
 * stripped ({@link BlockHasher}), the last block possibly short. Several threads hash at once, each with
 * one block buffer of its own, reading by position: memory is jobs × block size whatever the file's size,
 * and only the hashes (32 bytes a block) are kept.
 */
final class LocalBlocks {
    private LocalBlocks() {
    }

    /** The number of blocks of a file of {@code length} bytes. */
    static int count(long length, int blockSize) {
        long n = (length + blockSize - 1) / blockSize;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many blocks");
        }
        return (int) n;
    }

    /**
     * Hashes {@code [i × blockSize, min((i+1) × blockSize, end))} of {@code file} for every block of a file of
     * {@code end} bytes; a block that reaches past the file's end is hashed as far as the file goes (as if
     * zero-padded, which is what extending the file to {@code end} makes of it).
     *
     * @param done called with each block's index once it is hashed (from any thread)
     */
    static BlockHash[] hash(FileChannel file, long end, int blockSize, ExecutorService pool, int jobs, IntConsumer done)
            throws IOException {
        int n = count(end, blockSize);
        BlockHash[] hashes = new BlockHash[n];
        AtomicInteger next = new AtomicInteger();
        long fileSize = file.size();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(jobs, Math.max(1, n)); w++) {
            workers.add(pool.submit(() -> {
                byte[] buf = new byte[blockSize];
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    long off = (long) i * blockSize;
                    int len = (int) Math.max(0, Math.min(Math.min(blockSize, end - off), fileSize - off));
                    read(file, off, buf, len);
                    hashes[i] = BlockHasher.hash(buf, 0, len);
                    done.accept(i);
                }
                return null;
            }));
        }
        await(workers);
        return hashes;
    }

    static BlockHash[] hash(Path path, int blockSize, ExecutorService pool, int jobs, IntConsumer done) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return hash(ch, ch.size(), blockSize, pool, jobs, done);
        }
    }

    /** Reads exactly {@code len} bytes at {@code off}; the file ending first is an IOException. */
    static void read(FileChannel file, long off, byte[] buf, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
        while (bb.hasRemaining()) {
            if (file.read(bb, off + bb.position()) < 0) {
                throw new IOException("the file ended early (it changed while being read)");
            }
        }
    }

    static void write(FileChannel file, long off, byte[] buf, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
        while (bb.hasRemaining()) {
            file.write(bb, off + bb.position());
        }
    }

    /** Waits for every task; the first failure cancels the others and is rethrown as it was. */
    static void await(List<Future<?>> tasks) throws IOException {
        try {
            for (Future<?> f : tasks) {
                f.get();
            }
        } catch (InterruptedException e) {
            tasks.forEach(t -> t.cancel(true));
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            tasks.forEach(t -> t.cancel(true));
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new Wrapped(c);
        }
    }

    /** A checked failure of a task that is not an IOException (a TransferException): unwrapped by the caller. */
    static final class Wrapped extends RuntimeException {
        Wrapped(Throwable cause) {
            super(cause);
        }
    }

    static List<BlockHash> list(BlockHash[] hashes) {
        return Arrays.asList(hashes);
    }
}
