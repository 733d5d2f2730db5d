package io.tessera.store.content;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The data path of a partial update (a Pithos range POST): a new map made of the old map's block
 * hashes with new blocks only where the update touches. A block the update covers whole is stored from
 * the update's bytes alone; a boundary block (the update starts or ends inside it, or the object is
 * truncated inside it) is read, patched and stored again; no other block is read or written. Bytes
 * from another object whose blocks line up with the target's are taken by hash (no byte moves). It
 * holds one block at a time, whatever the object's size, and publishes nothing: the caller publishes
 * the map last (invariant 2).
 */
public final class ContentPatcher {
    private final Store store;
    private final ContentMaps maps;
    private final ContentReader reader;
    private final Meter blocksNew;
    private final Meter blocksDeduplicated;
    private final Meter blocksReread;

    public ContentPatcher(Store store, ContentReader reader, MetricRegistry metrics) {
        this.store = store;
        this.maps = new ContentMaps(store);
        this.reader = reader;
        this.blocksNew = metrics.meter("content.blocks.written");
        this.blocksDeduplicated = metrics.meter("content.blocks.deduplicated");
        this.blocksReread = metrics.meter("content.blocks.patched");
    }

    /** Where an update's bytes come from. */
    public sealed interface Data {
    }

    /** A request body; {@code length} bytes, or up to its end when -1. */
    public record Body(InputStream in, long length) implements Data {
    }

    /** Bytes {@code [0, length)} of another map's content. */
    public record FromMap(Hashmap source, long length) implements Data {
    }

    /** A body that ended before its announced length, or a result past the size limit. */
    public static final class PatchException extends RuntimeException {
        public PatchException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Writes {@code data} over {@code base} from {@code offset} (at most {@code base.length()}: the
     * object grows, never with a hole), then cuts the result to {@code truncateTo} bytes if that is
     * shorter (-1: no cut).
     *
     * @param maxLength the longest the result may become
     * @return the new map, saved
     */
    public Hashmap patch(Hashmap base, long offset, Data data, long truncateTo, long maxLength) throws IOException {
        if (offset < 0 || offset > base.length()) {
            throw new IllegalArgumentException("offset " + offset + " outside 0.." + base.length());
        }
        int bs = base.blockSize().bytes();
        List<BlockHash> hashes = new ArrayList<>(base.hashes());
        long length = base.length();
        long pos = offset;
        byte[] buf = null;
        if (data instanceof Body b) {
            long left = b.length();
            while (left != 0) {
                int bo = (int) (pos % bs);
                int want = (int) (left < 0 ? bs - bo : Math.min(bs - bo, left));
                if (buf == null) {
                    buf = new byte[bs];
                }
                int got = b.in().readNBytes(buf, 0, want);
                if (got == 0) {
                    if (left > 0) {
                        throw new IncompleteBodyException("the body ended " + left + " bytes short of its length");
                    }
                    break;
                }
                if (pos + got > maxLength) {
                    throw new PatchException("the object would be larger than " + maxLength + " bytes");
                }
                length = put(base, hashes, length, pos, buf, got);
                pos += got;
                if (left > 0) {
                    left -= got;
                }
                if (got < want && left < 0) {
                    break; // the body ended
                }
            }
            if (b.length() >= 0 && b.in().read() >= 0) {
                throw new IncompleteBodyException("the body is longer than its Content-Length");
            }
        } else {
            FromMap m = (FromMap) data;
            Hashmap src = m.source();
            if (offset + m.length() > maxLength) {
                throw new PatchException("the object would be larger than " + maxLength + " bytes");
            }
            long srcPos = 0;
            while (srcPos < m.length()) {
                int bo = (int) (pos % bs);
                int n = (int) Math.min(bs - bo, m.length() - srcPos);
                int bi = (int) (pos / bs);
                boolean aligned = srcPos % bs == bo;
                BlockHash srcHash = src.hashes().get((int) (srcPos / bs));
                int srcIndex = (int) (srcPos / bs);
                boolean wholeSourceBlock = aligned && bo == 0 && n == src.blockLength(srcIndex);
                boolean coversTarget = bi >= hashes.size() || pos + n >= Math.min(length, (long) (bi + 1) * bs);
                if (wholeSourceBlock && coversTarget) {
                    // a whole source block over all the target block holds: take it by hash
                    setOrAdd(hashes, bi, srcHash);
                    length = Math.max(length, pos + n);
                } else if (aligned && bi < hashes.size() && hashes.get(bi).equals(srcHash)
                        && bo + n <= base.blockLength(bi)) {
                    // the same bytes at the same place in the same block: nothing changes
                } else {
                    if (buf == null) {
                        buf = new byte[bs];
                    }
                    try (InputStream in = reader.open(src, srcPos, srcPos + n)) {
                        int got = in.readNBytes(buf, 0, n);
                        if (got != n) {
                            throw new IOException("read " + got + " of " + n + " bytes of the source");
                        }
                    }
                    length = put(base, hashes, length, pos, buf, n);
                }
                pos += n;
                srcPos += n;
            }
        }
        if (truncateTo >= 0 && truncateTo < length) {
            int count = (int) base.blockSize().blockCount(truncateTo);
            BlockHash last = count == 0 ? null : hashes.get(count - 1);
            hashes.subList(count, hashes.size()).clear();
            int lastLength = (int) (truncateTo - (long) (count - 1) * bs);
            if (count > 0 && lastLength < bs && !last.isZeroBlock()) {
                // the block the cut falls in holds bytes past the new end: store it cut
                Hashmap current = new Hashmap(base.blockSize(), (long) count * bs, padded(hashes, count));
                byte[] block = readBlock(current, count - 1, lastLength);
                hashes.set(count - 1, store(block, lastLength));
            }
            length = truncateTo;
        }
        Hashmap result = new Hashmap(base.blockSize(), length, hashes);
        maps.save(result);
        return result;
    }

    /** {@code hashes} as a map of whole blocks (to read block {@code count - 1} whole). */
    private static List<BlockHash> padded(List<BlockHash> hashes, int count) {
        return hashes.subList(0, count);
    }

    /**
     * Writes {@code data[0, n)} at {@code pos} (all within one block) into the map's hashes.
     *
     * @return the content's new length
     */
    private long put(Hashmap base, List<BlockHash> hashes, long length, long pos, byte[] data, int n) {
        int bs = base.blockSize().bytes();
        int bi = (int) (pos / bs);
        int bo = (int) (pos % bs);
        long blockStart = (long) bi * bs;
        int oldLength = bi < hashes.size() ? (int) Math.min(bs, length - blockStart) : 0;
        int newLength = Math.max(oldLength, bo + n);
        byte[] block;
        if (bo == 0 && n >= oldLength) {
            block = data; // the update covers all the block holds: no need to read it
        } else {
            Hashmap current = new Hashmap(base.blockSize(), length, hashes);
            block = readBlock(current, bi, newLength);
            System.arraycopy(data, 0, block, bo, n);
        }
        setOrAdd(hashes, bi, store(block, newLength));
        return Math.max(length, pos + n);
    }

    /** Block {@code index} of {@code map} into a buffer of {@code size} bytes (zeroes past its content). */
    private byte[] readBlock(Hashmap map, int index, int size) {
        blocksReread.mark();
        byte[] block = new byte[Math.max(size, map.blockLength(index))];
        long start = (long) index * map.blockSize().bytes();
        int len = Math.min(size, map.blockLength(index));
        try (InputStream in = reader.open(map, start, start + len)) {
            int got = in.readNBytes(block, 0, len);
            if (got != len) {
                throw new IOException("read " + got + " of " + len + " bytes of block " + index);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return block;
    }

    private BlockHash store(byte[] block, int length) {
        int stripped = BlockHasher.strippedLength(block, 0, length);
        BlockHash hash = BlockHasher.hash(block, 0, stripped);
        boolean isNew = stripped > 0 && store.blocks().putIfAbsent(hash, block, 0, stripped);
        (isNew ? blocksNew : blocksDeduplicated).mark();
        return hash;
    }

    private static void setOrAdd(List<BlockHash> hashes, int index, BlockHash hash) {
        if (index < hashes.size()) {
            hashes.set(index, hash);
        } else if (index == hashes.size()) {
            hashes.add(hash);
        } else {
            throw new IllegalStateException("block " + index + " after " + hashes.size() + " blocks");
        }
    }

    /** The id of a map this patcher saved. */
    public static MapId idOf(Hashmap map) {
        return MapId.of(map);
    }
}
