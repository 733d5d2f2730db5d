package io.tessera.store.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * Throwaway measurement behind the choice of block storage in {@link EmbeddedStore} (not a test;
 * surefire does not run it). Compares durable block writes as one file per block (write a temp
 * file, fsync, rename, fsync the directory) against RocksDB's integrated BlobDB (WAL fsync, blobs
 * written at flush), in the two shapes that matter: a big object in 4 MiB blocks from one thread,
 * and many 4 KiB blocks from 16 threads.
 *
 * <pre>
 *   mvn -q -pl store dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   java -cp store/target/test-classes:$(cat /tmp/cp.txt) io.tessera.store.embedded.BlockWriteBench /tmp/bench
 * </pre>
 */
public final class BlockWriteBench {

    interface Sink extends AutoCloseable {
        void put(byte[] key, byte[] value) throws Exception;

        /** Waits for background work the writes caused (BlobDB: the memtable flush that writes blob files). */
        default void settle() throws Exception {
        }

        @Override
        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        RocksDB.loadLibrary();
        Path root = Path.of(args.length > 0 ? args[0] : "/tmp/tessera-bench");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        for (int round = 0; round < rounds; round++) {
            for (String kind : List.of("files", "files+index", "blobdb", "blobdb-inline-small")) {
                big(root, kind);
                small(root, kind);
            }
        }
    }

    /** 256 MiB in 4 MiB blocks, one thread, durable. */
    static void big(Path root, String kind) throws Exception {
        int blocks = 64;
        int size = 4 << 20;
        byte[] content = new byte[size];
        Random random = new Random(1);
        random.nextBytes(content);
        clean(root);
        try (Sink sink = open(root, kind)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < blocks; i++) {
                content[0] = (byte) i;
                content[1] = (byte) (i >> 8);
                sink.put(key(i), content);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            sink.settle();
            double settled = (System.nanoTime() - t0) / 1e9;
            double mb = blocks * (double) size / 1e6;
            System.out.printf("%-20s 64 x 4 MiB, 1 thread:    %7.1f MB/s acknowledged, %7.1f MB/s incl. flush%n",
                    kind, mb / s, mb / settled);
        }
    }

    /** 2000 blocks of 4 KiB from 16 threads, durable. */
    static void small(Path root, String kind) throws Exception {
        int blocks = 2000;
        clean(root);
        try (Sink sink = open(root, kind)) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            AtomicInteger next = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    byte[] content = new byte[4096];
                    for (int i; (i = next.getAndIncrement()) < blocks; ) {
                        random.nextBytes(content);
                        sink.put(key(i), content);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            sink.settle();
            double settled = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%-20s 2000 x 4 KiB, 16 threads: %7.0f ops/s acknowledged, %7.0f ops/s incl. flush%n",
                    kind, blocks / s, blocks / settled);
        }
    }

    static byte[] key(int i) {
        return ByteBuffer.allocate(32).putInt(i).array();
    }

    static Sink open(Path root, String kind) throws Exception {
        return switch (kind) {
            case "files" -> new FileSink(root, false);
            case "files+index" -> new FileSink(root, true);
            case "blobdb" -> new BlobSink(root, 0);
            case "blobdb-inline-small" -> new BlobSink(root, 64 * 1024);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static void clean(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(root);
    }

    /**
     * One file per block under 256 fan-out directories: temp, fsync, rename, fsync directory; with
     * {@code index}, then also a synced RocksDB row per block (what exact block stats need).
     */
    static final class FileSink implements Sink {
        private final Path root;
        private final Path tmp;
        private final BlobSink index;

        FileSink(Path root, boolean index) throws Exception {
            this.root = root;
            this.index = index ? new BlobSink(root.resolve("index"), Long.MAX_VALUE) : null;
            this.tmp = Files.createDirectories(root.resolve("tmp"));
            for (int i = 0; i < 256; i++) {
                Files.createDirectories(root.resolve(String.format("%02x", i)));
            }
        }

        @Override
        public void put(byte[] key, byte[] value) throws Exception {
            String hex = java.util.HexFormat.of().formatHex(key);
            Path dir = root.resolve(hex.substring(62));
            Path temp = tmp.resolve(hex + "." + Thread.currentThread().getId());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(value);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
            Files.move(temp, dir.resolve(hex), StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            if (index != null) {
                index.put(key, ByteBuffer.allocate(8).putLong(value.length).array());
            }
        }

        @Override
        public void close() throws Exception {
            if (index != null) {
                index.close();
            }
        }
    }

    /**
     * RocksDB integrated BlobDB: values of at least {@code minBlobSize} go to blob files at flush
     * (Long.MAX_VALUE: plain RocksDB, every value inline in the LSM tree).
     */
    static final class BlobSink implements Sink {
        private final DBOptions dbOptions;
        private final ColumnFamilyOptions cfOptions;
        private final List<ColumnFamilyHandle> handles = new ArrayList<>();
        private final RocksDB db;
        private final WriteOptions sync = new WriteOptions().setSync(true);

        BlobSink(Path root, long minBlobSize) throws Exception {
            dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
            cfOptions = new ColumnFamilyOptions()
                    .setEnableBlobFiles(true)
                    .setMinBlobSize(minBlobSize)
                    .setBlobFileSize(256L << 20)
                    .setWriteBufferSize(64L << 20)
                    .setMaxWriteBufferNumber(2)
                    .setEnableBlobGarbageCollection(true);
            db = RocksDB.open(dbOptions, root.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                    new ColumnFamilyDescriptor("blocks".getBytes(), cfOptions)), handles);
        }

        @Override
        public void put(byte[] key, byte[] value) throws Exception {
            db.put(handles.get(1), sync, key, value);
        }

        @Override
        public void settle() throws Exception {
            try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
                db.flush(wait, handles.get(1));
            }
        }

        @Override
        public void close() throws Exception {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            sync.close();
            cfOptions.close();
            dbOptions.close();
        }
    }
}
