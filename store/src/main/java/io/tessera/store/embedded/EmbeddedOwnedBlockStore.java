package io.tessera.store.embedded;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.Durability;
import io.tessera.store.OwnedBlockStore;
import io.tessera.store.OwnedIds;
import io.tessera.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Owned blocks as sparse files, one per block, under {@code dataDir/owned/xx/<hex id>}: a write is a
 * {@code pwrite}, a read a {@code pread} (holes and bytes past the end read as zero), a sync an
 * {@code fdatasync} of each file plus an fsync of the folders that gained files since the last sync.
 * Open channels are kept in a small LRU so a stream of 4 KiB writes costs no open/close each.
 * Writes and syncs come only through a volume's fenced writer ({@link EmbeddedVolumeStore#writer}).
 */
final class EmbeddedOwnedBlockStore implements OwnedBlockStore {
    private static final int OPEN_FILES = 256;

    private final Path root;
    private final int blockBytes;
    private final boolean durable;
    private final Map<BlockHash, FileChannel> open = new LinkedHashMap<>(64, 0.75f, true);
    private final Set<Path> newFolders = new HashSet<>();

    EmbeddedOwnedBlockStore(Path root, int blockBytes, Durability durability) {
        this.root = root;
        this.blockBytes = blockBytes;
        this.durable = durability == Durability.DURABLE;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create " + root, e);
        }
    }

    private Path path(BlockHash id) {
        String hex = id.toHex().substring(2 * OwnedIds.PREFIX_LENGTH);
        return root.resolve(hex.substring(0, 2)).resolve(hex);
    }

    private void check(BlockHash id, long offset, int len) {
        if (!OwnedIds.isOwned(id)) {
            throw new IllegalArgumentException(id + " is not an owned id");
        }
        if (offset < 0 || len < 0 || offset + len > blockBytes) {
            throw new IllegalArgumentException("range [" + offset + ", +" + len + ") outside a block of " + blockBytes);
        }
    }

    /** The open channel of the block; with {@code create}, creates the file if needed, else null if absent. */
    private synchronized FileChannel channel(BlockHash id, boolean create) throws IOException {
        FileChannel ch = open.get(id);
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        Path p = path(id);
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            if (!create) {
                return null;
            }
            Files.createDirectories(p.getParent());
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
            newFolders.add(p.getParent());
        }
        open.put(id, ch);
        if (open.size() > OPEN_FILES) {
            var eldest = open.entrySet().iterator().next();
            open.remove(eldest.getKey());
            // Closing loses no durability: fsync later flushes the inode's pages through any descriptor.
            eldest.getValue().close();
        }
        return ch;
    }

    /** A write of the block's owner, through its fenced writer ({@link EmbeddedVolumeStore#writer}). */
    void write(BlockHash id, int offset, byte[] src, int srcOff, int len) {
        check(id, offset, len);
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel ch = channel(id, true);
                ByteBuffer b = ByteBuffer.wrap(src, srcOff, len);
                long pos = offset;
                try {
                    while (b.hasRemaining()) {
                        pos += ch.write(b, pos);
                    }
                    return;
                } catch (java.nio.channels.ClosedChannelException e) {
                    if (attempt > 2) {
                        throw e; // evicted from the LRU by another thread meanwhile: reopen
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("writing owned block " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void read(BlockHash id, int offset, byte[] dest, int destOff, int len) {
        check(id, offset, len);
        Arrays.fill(dest, destOff, destOff + len, (byte) 0);
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel ch = channel(id, false);
                if (ch == null) {
                    return;
                }
                ByteBuffer b = ByteBuffer.wrap(dest, destOff, len);
                long pos = offset;
                try {
                    while (b.hasRemaining()) {
                        int n = ch.read(b, pos);
                        if (n < 0) {
                            break; // past the end of the file: zeroes
                        }
                        pos += n;
                    }
                    return;
                } catch (java.nio.channels.ClosedChannelException e) {
                    if (attempt > 2) {
                        throw e; // evicted from the LRU by another thread meanwhile: reopen
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("reading owned block " + id + ": " + e.getMessage(), e);
        }
    }

    /** Makes every earlier write to {@code ids} durable (the owner's fenced writer calls this). */
    void sync(Collection<BlockHash> ids) {
        if (!durable) {
            return;
        }
        try {
            for (BlockHash id : ids) {
                FileChannel ch = channel(id, false);
                if (ch != null) {
                    ch.force(false);
                }
            }
            Set<Path> folders;
            synchronized (this) {
                folders = new HashSet<>(newFolders);
                newFolders.clear();
            }
            if (!folders.isEmpty()) {
                for (Path f : folders) {
                    fsyncDirectory(f);
                }
                fsyncDirectory(root);
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("syncing owned blocks: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(BlockHash id) {
        if (!OwnedIds.isOwned(id)) {
            throw new IllegalArgumentException(id + " is not an owned id");
        }
        try {
            synchronized (this) {
                FileChannel ch = open.remove(id);
                if (ch != null) {
                    ch.close();
                }
            }
            Files.deleteIfExists(path(id));
        } catch (IOException e) {
            throw new StoreUnavailableException("deleting owned block " + id + ": " + e.getMessage(), e);
        }
    }

    synchronized void close() {
        for (FileChannel ch : open.values()) {
            try {
                if (durable) {
                    ch.force(false);
                }
                ch.close();
            } catch (IOException ignored) {
                // closing at shutdown: nothing useful to do
            }
        }
        open.clear();
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Owned blocks after {@code after} in id order, with their files' modification times (the last
     * write: a block being written counts as young). Walks one fan-out folder at a time.
     */
    java.util.List<io.tessera.store.GcStore.OwnedEntry> list(BlockHash after, int limit) {
        String afterHex = after == null ? "" : after.toHex().substring(2 * OwnedIds.PREFIX_LENGTH);
        java.util.List<io.tessera.store.GcStore.OwnedEntry> out = new java.util.ArrayList<>();
        String prefixHex = java.util.HexFormat.of().formatHex(OwnedIds.newId().toBytes(), 0, OwnedIds.PREFIX_LENGTH);
        try {
            for (int folder = afterHex.isEmpty() ? 0 : Integer.parseInt(afterHex.substring(0, 2), 16);
                 folder < 256 && out.size() < limit; folder++) {
                Path dir = root.resolve(String.format("%02x", folder));
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                java.util.List<Path> files;
                try (var stream = Files.list(dir)) {
                    files = stream.sorted().toList();
                }
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.length() != 32 || name.compareTo(afterHex) <= 0) {
                        continue;
                    }
                    long modified;
                    try {
                        modified = Files.getLastModifiedTime(f).toMillis();
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    out.add(new io.tessera.store.GcStore.OwnedEntry(BlockHash.fromHex(prefixHex + name), modified));
                    if (out.size() == limit) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("listing owned blocks: " + e.getMessage(), e);
        }
        return out;
    }
}
