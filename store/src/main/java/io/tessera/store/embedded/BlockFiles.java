package io.tessera.store.embedded;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large blocks, one immutable file each, under 256 fan-out folders named by the hash's first byte
 * ({@code blocks/ab/ab12...}). A block becomes visible only whole: it is written to {@code tmp/},
 * fsynced, renamed into place and its folder fsynced. That happens whatever the store's durability:
 * the block's index row (written after) must never outlive its file, or deduplication would skip
 * re-writing the block for every later upload that names it. For the same reason the row's delete
 * is synced before the file is unlinked ({@link EmbeddedBlockStore#deleteIf}).
 *
 * <p>I/O goes through a slice of at most {@link #IO_SLICE} bytes at a time: the JDK copies heap
 * arrays through a per-thread cached direct buffer as large as the request, and a whole-block
 * request would pin a block-sized native buffer in every server thread.
 */
final class BlockFiles {
    private static final Logger log = LoggerFactory.getLogger(BlockFiles.class);
    static final int IO_SLICE = 64 * 1024;

    private final Path root;
    private final Path tmp;
    private final AtomicLong tmpSequence = new AtomicLong();

    BlockFiles(Path root) {
        this.root = root;
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(tmp);
            for (int i = 0; i < 256; i++) {
                Files.createDirectories(root.resolve(String.format("%02x", i)));
            }
            // once per open, so fan-out folders made by an interrupted first open are durable too
            fsyncDirectory(root);
            fsyncDirectory(root.getParent());
            removeLeftovers();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot prepare the block folder " + root, e);
        }
    }

    /** Temp files of writes a crash interrupted: never renamed, so never referenced. */
    private void removeLeftovers() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                removed++;
            }
        }
        if (removed > 0) {
            log.info("removed {} unfinished block file(s) from {}", removed, tmp);
        }
    }

    /** Writes the block durably; replacing an existing file is harmless (same hash, same content). */
    void write(BlockHash hash, byte[] content, int off, int len) {
        Path target = path(hash);
        Path temp = tmp.resolve(hash.toHex() + "." + tmpSequence.incrementAndGet());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int pos = off, end = off + len; pos < end; ) {
                    pos += ch.write(ByteBuffer.wrap(content, pos, Math.min(IO_SLICE, end - pos)));
                }
                ch.force(false); // data and the size needed to read it back
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(target.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StoreUnavailableException("cannot write block " + hash + ": " + e.getMessage(), e);
        }
    }

    /** Reads the whole block straight into an array of its exact length, which the index row knows. */
    byte[] read(BlockHash hash, int length) {
        Path path = path(hash);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() != length) {
                throw new StoreCorruptionException("block " + hash + " has " + ch.size() + " bytes on disk, not " + length);
            }
            byte[] content = new byte[length];
            for (int pos = 0; pos < length; ) {
                int n = ch.read(ByteBuffer.wrap(content, pos, Math.min(IO_SLICE, length - pos)));
                if (n < 0) {
                    throw new StoreCorruptionException("block " + hash + " ended early at byte " + pos);
                }
                pos += n;
            }
            return content;
        } catch (NoSuchFileException e) {
            throw new StoreCorruptionException("block " + hash + " is indexed but its file " + path + " is missing");
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read block " + hash + ": " + e.getMessage(), e);
        }
    }

    /** Whether the block's file is there with {@code length} bytes (the length its index row says). */
    boolean holds(BlockHash hash, int length) {
        try {
            return Files.size(path(hash)) == length;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot look at block " + hash + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code [offset, offset+len)} of a block of {@code length} bytes (a range inside it); returns len. */
    int read(BlockHash hash, int length, int offset, byte[] dest, int destOff, int len) {
        Path path = path(hash);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() != length) {
                throw new StoreCorruptionException("block " + hash + " has " + ch.size() + " bytes on disk, not " + length);
            }
            for (int pos = 0; pos < len; ) {
                int n = ch.read(ByteBuffer.wrap(dest, destOff + pos, Math.min(IO_SLICE, len - pos)), (long) offset + pos);
                if (n < 0) {
                    throw new StoreCorruptionException("block " + hash + " ended early at byte " + (offset + pos));
                }
                pos += n;
            }
            return len;
        } catch (NoSuchFileException e) {
            throw new StoreCorruptionException("block " + hash + " is indexed but its file " + path + " is missing");
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read block " + hash + ": " + e.getMessage(), e);
        }
    }

    void delete(BlockHash hash) {
        try {
            Files.deleteIfExists(path(hash));
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot delete block " + hash + ": " + e.getMessage(), e);
        }
    }

    private Path path(BlockHash hash) {
        String hex = hash.toHex();
        return root.resolve(hex.substring(0, 2)).resolve(hex);
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
