package io.tessera.server.transfer;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.MerkleRoot;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * put, get and sync over the Pithos hashmap API (see {@link TransferCli}). Memory: a block buffer per
 * job and 32 bytes per block of the file at hand, whatever its size.
 */
final class Transfers implements AutoCloseable {
    /** How often a hashmap PUT is sent again after uploading what it said was missing. */
    private static final int PUT_ATTEMPTS = 3;

    private final PithosClient client;
    private final int jobs;
    private final Progress progress;
    private final ExecutorService pool;

    Transfers(PithosClient client, int jobs, Progress progress) {
        this.client = client;
        this.jobs = jobs;
        this.progress = progress;
        this.pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "transfer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * What one file's put did.
     *
     * @param missingBytes the bytes of the file's blocks the server lacked (a block that occurs twice counts twice)
     */
    record PutResult(int blocks, int sent, long bytes, long missingBytes) {
        long storedBytes() {
            return bytes - missingBytes;
        }
    }

    // ---- put ----

    PutResult put(Path file, String container, String object, int blockSize) throws TransferException {
        progress.label(String.valueOf(file.getFileName()));
        try (FileChannel ch = open(file)) {
            long length = ch.size();
            progress.toHash.set(LocalBlocks.count(length, blockSize));
            long t0 = System.nanoTime();
            BlockHash[] hashes = LocalBlocks.hash(ch, length, blockSize, pool, jobs, i -> progress.hashed.incrementAndGet());
            progress.took("hash", t0);
            return put(ch, file, length, hashes, container, object, blockSize);
        } catch (IOException e) {
            throw local(file, e);
        }
    }

    /** put with the file's hashes already made (sync has them from its comparison). */
    PutResult put(FileChannel ch, Path file, long length, BlockHash[] hashes, String container, String object, int blockSize)
            throws TransferException, IOException {
        List<BlockHash> list = Arrays.asList(hashes);
        // The first block of each hash: the one uploaded when the server lacks it.
        Map<BlockHash, Integer> first = new HashMap<>();
        for (int i = hashes.length - 1; i >= 0; i--) {
            first.put(hashes[i], i);
        }
        Set<BlockHash> sent = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            long t0 = System.nanoTime();
            List<BlockHash> missing = client.putHashmap(container, object, length, blockSize, list, contentType(object));
            progress.took("hashmap PUT", t0);
            if (attempt == 1) {
                Set<BlockHash> lacking = new HashSet<>(missing);
                long lackingBytes = 0;
                for (int i = 0; i < hashes.length; i++) {
                    if (lacking.contains(hashes[i])) {
                        lackingBytes += blockLength(length, blockSize, i);
                    }
                }
                progress.skippedBytes.set(length - lackingBytes);
            }
            if (missing.isEmpty()) {
                break;
            }
            if (attempt == PUT_ATTEMPTS) {
                throw new TransferException(TransferException.SERVER, "the server still lacks " + missing.size()
                        + " blocks after they were sent " + (attempt - 1) + " times");
            }
            List<Integer> indexes = new ArrayList<>();
            for (BlockHash h : new LinkedHashSet<>(missing)) {
                Integer i = first.get(h);
                if (i == null) {
                    throw new TransferException(TransferException.SERVER, "the server asks for a block that is not in the file: " + h);
                }
                indexes.add(i);
            }
            progress.toMove.addAndGet(indexes.size());
            t0 = System.nanoTime();
            upload(ch, file, length, hashes, indexes, container, blockSize);
            progress.took("blocks sent", t0);
            for (int i : indexes) {
                sent.add(hashes[i]);
            }
        }
        long missingBytes = 0;
        for (int i = 0; i < hashes.length; i++) {
            if (sent.contains(hashes[i])) {
                missingBytes += blockLength(length, blockSize, i);
            }
        }
        return new PutResult(hashes.length, (int) progress.moved.get(), length, missingBytes);
    }

    /** Sends the given blocks, {@code jobs} at a time, each from a buffer of its own; returns the bytes sent. */
    private long upload(FileChannel ch, Path file, long length, BlockHash[] hashes, List<Integer> indexes, String container,
                        int blockSize) throws TransferException, IOException {
        return eachBlock(indexes, blockSize, (i, buf) -> {
            int len = blockLength(length, blockSize, i);
            LocalBlocks.read(ch, (long) i * blockSize, buf, len);
            BlockHash got = client.postBlock(container, buf, len);
            if (!got.equals(hashes[i])) {
                throw new TransferException(TransferException.SERVER, file + " changed while it was sent (block " + i
                        + "); run again");
            }
            return len;
        });
    }

    /** One block's work in {@link #eachBlock}: returns the bytes it moved over the network. */
    @FunctionalInterface
    private interface BlockJob {
        long run(int index, byte[] buffer) throws Exception;
    }

    /**
     * Runs {@code job} on each of {@code indexes}, {@code jobs} workers at a time, each with a block buffer of
     * its own (memory: one block per worker); counts each block done in the progress; returns the sum of
     * what the jobs moved.
     */
    private long eachBlock(List<Integer> indexes, int blockSize, BlockJob job) throws TransferException, IOException {
        AtomicLong total = new AtomicLong();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(jobs, indexes.size()); w++) {
            workers.add(pool.submit(() -> {
                byte[] buf = new byte[blockSize];
                for (int k = next.getAndIncrement(); k < indexes.size(); k = next.getAndIncrement()) {
                    total.addAndGet(job.run(indexes.get(k), buf));
                    progress.moved.incrementAndGet();
                }
                return null;
            }));
        }
        awaitAll(workers);
        return total.get();
    }

    // ---- get ----

    record GetResult(int blocks, int fetched, long bytes, long fetchedBytes) {
    }

    GetResult get(String container, String object, Path file, boolean verify) throws TransferException {
        long t0 = System.nanoTime();
        PithosClient.RemoteMap map = client.hashmap(container, object);
        progress.took("hashmap GET", t0);
        if (map == null) {
            throw new TransferException(TransferException.SERVER, "no object " + container + "/" + object + " (404)");
        }
        int bs = map.blockSize();
        int n = map.hashes().size();
        progress.label(String.valueOf(file.getFileName()));
        progress.toHash.set(n);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            // What is here already: the local blocks, hashed as far as the file goes.
            t0 = System.nanoTime();
            BlockHash[] local = LocalBlocks.hash(ch, map.bytes(), bs, pool, jobs, i -> progress.hashed.incrementAndGet());
            progress.took("hash", t0);
            List<Integer> differ = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!local[i].equals(map.hashes().get(i))) {
                    differ.add(i);
                }
            }
            // Truncate (or extend with zeros) first: a block that matched short matches padded.
            if (ch.size() != map.bytes()) {
                if (ch.size() > map.bytes()) {
                    ch.truncate(map.bytes());
                } else if (map.bytes() > 0) {
                    LocalBlocks.write(ch, map.bytes() - 1, new byte[1], 1); // the gap reads as zeros
                }
            }
            progress.toMove.set(differ.size());
            progress.skippedBytes.set(map.bytes() - bytesOf(differ, map.bytes(), bs));
            t0 = System.nanoTime();
            long fetchedBytes = download(ch, container, object, map, differ);
            ch.force(false);
            progress.took("blocks fetched", t0);
            if (verify) {
                progress.hashed.set(0);
                t0 = System.nanoTime();
                BlockHash[] now = LocalBlocks.hash(ch, map.bytes(), bs, pool, jobs, i -> progress.hashed.incrementAndGet());
                progress.took("verify", t0);
                if (ch.size() != map.bytes() || !Arrays.asList(now).equals(map.hashes())) {
                    throw new TransferException(TransferException.SERVER, file + " does not match " + container + "/" + object
                            + " after the download (did it change meanwhile?); run again");
                }
            }
            return new GetResult(n, differ.size(), map.bytes(), fetchedBytes);
        } catch (IOException e) {
            throw local(file, e);
        }
    }

    private long download(FileChannel ch, String container, String object, PithosClient.RemoteMap map, List<Integer> indexes)
            throws TransferException, IOException {
        int bs = map.blockSize();
        return eachBlock(indexes, bs, (i, buf) -> {
            int len = blockLength(map.bytes(), bs, i);
            BlockHash want = map.hashes().get(i);
            long fetched = 0;
            if (want.isZeroBlock()) {
                Arrays.fill(buf, 0, len, (byte) 0); // nothing to fetch: the block is all zeros
            } else {
                client.read(container, object, (long) i * bs, buf, len);
                fetched = len;
                if (!io.tessera.hashmap.BlockHasher.hash(buf, 0, len).equals(want)) {
                    throw new TransferException(TransferException.SERVER, container + "/" + object
                            + " changed during the download (block " + i + "); run again");
                }
            }
            LocalBlocks.write(ch, (long) i * bs, buf, len);
            return fetched;
        });
    }

    // ---- sync ----

    record SyncResult(int files, int sent, int unchanged, long blocks, long sentBlocks, long storedBytes, int remoteOnly,
                      int deleted) {
    }

    SyncResult sync(Path dir, Remote remote, int blockSize, boolean delete) throws TransferException {
        String prefix = remote.path().isEmpty() || remote.path().endsWith("/") ? remote.path() : remote.path() + "/";
        TreeMap<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    String rel = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                    files.put(prefix + rel, p);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new TransferException(TransferException.SERVER, "cannot read the folder " + dir + ": " + e.getMessage());
        }
        int sent = 0;
        int unchanged = 0;
        long blocks = 0;
        long sentBlocks = 0;
        long stored = 0;
        for (Map.Entry<String, Path> f : files.entrySet()) {
            Path file = f.getValue();
            progress.label(dir.relativize(file).toString());
            try (FileChannel ch = open(file)) {
                long length = ch.size();
                progress.toHash.set(LocalBlocks.count(length, blockSize));
                long t0 = System.nanoTime();
                BlockHash[] hashes = LocalBlocks.hash(ch, length, blockSize, pool, jobs, i -> progress.hashed.incrementAndGet());
                progress.took("hash", t0);
                blocks += hashes.length;
                t0 = System.nanoTime();
                PithosClient.Head head = client.head(remote.container(), f.getKey());
                progress.took("HEAD", t0);
                String root = MerkleRoot.of(Arrays.asList(hashes)).toHex();
                if (head != null && head.length() == length && root.equalsIgnoreCase(head.objectHash())) {
                    unchanged++;
                    stored += length;
                    continue;
                }
                PutResult r = put(ch, file, length, hashes, remote.container(), f.getKey(), blockSize);
                sent++;
                sentBlocks += r.sent();
                stored += r.storedBytes();
            } catch (IOException e) {
                throw local(file, e);
            }
        }
        int[] remoteOnly = {0};
        int[] deleted = {0};
        client.list(remote.container(), prefix, page -> {
            for (PithosClient.Entry e : page) {
                if (files.containsKey(e.name()) || "application/directory".equals(e.contentType())) {
                    continue;
                }
                if (delete) {
                    client.delete(remote.container(), e.name());
                    deleted[0]++;
                } else {
                    remoteOnly[0]++;
                }
            }
        });
        return new SyncResult(files.size(), sent, unchanged, blocks, sentBlocks, stored, remoteOnly[0], deleted[0]);
    }

    // ---- helpers ----

    /** The object's Content-Type, guessed from its name as the swift client does; octet-stream when unknown. */
    static String contentType(String object) {
        String name = object.substring(object.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        // by the extension alone (guessContentTypeFromName would cut the name at a '#', as in a URL)
        String guess = dot < 0 ? null : java.net.URLConnection.getFileNameMap().getContentTypeFor("x" + name.substring(dot));
        return guess == null ? "application/octet-stream" : guess;
    }

    static int blockLength(long length, int blockSize, int i) {
        return (int) Math.min(blockSize, length - (long) i * blockSize);
    }

    private static long bytesOf(List<Integer> indexes, long length, int bs) {
        long sum = 0;
        for (int i : indexes) {
            sum += blockLength(length, bs, i);
        }
        return sum;
    }

    private static FileChannel open(Path file) throws TransferException {
        if (Files.isDirectory(file)) {
            throw new TransferException(TransferException.USAGE, file + " is a folder (sync sends folders)");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new TransferException(TransferException.USAGE, "no such file: " + file);
        } catch (IOException e) {
            throw local(file, e);
        }
    }

    private static TransferException local(Path file, IOException e) {
        return new TransferException(TransferException.SERVER, file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage()));
    }

    private static void awaitAll(List<Future<?>> workers) throws TransferException, IOException {
        try {
            LocalBlocks.await(workers);
        } catch (LocalBlocks.Wrapped w) {
            if (w.getCause() instanceof TransferException t) {
                throw t;
            }
            throw w;
        }
    }
}
