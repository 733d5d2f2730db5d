package io.tessera.store.content;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.BlockStore;
import io.tessera.store.CorruptBlockException;
import io.tessera.store.StoreCorruptionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads content blocks for anything that hands their bytes on (object GETs, copies, volume reads of an
 * image's blocks, the snapshot hasher) and checks each against its address first, so damaged data is
 * never served or copied into a new object under a fresh, valid-looking hash. A mismatch is logged,
 * counted ({@value #CORRUPT_METRIC}) and thrown as {@link CorruptBlockException}.
 *
 * <p>{@link #get} hashes the whole stored block: the address covers the block, not a part. Cost: one
 * SHA-256 pass per block read (about 1.2 GB/s per core with the JDK's intrinsics on the project's
 * machines); callers that prefetch run it on their pool.
 *
 * <p><b>Piece checksums</b> (only with a checksum budget, see the constructor; the volume service uses
 * them): when {@link #get} has checked a whole block against its SHA-256 address, it also keeps the
 * CRC32C of each {@value #PIECE}-byte piece of those same bytes (4 bytes per piece, 4 KiB per 4 MiB
 * block) in a bounded LRU. A later {@link #read} of a part of that block reads only the pieces the range
 * touches and checks each against its checksum, so a 4 KiB read costs a 4 KiB read and CRC, not a
 * 4 MiB read and hash. Why CRC32C and not SHA-256 per piece: what a piece check must catch is a block
 * that changed on disk since it was checked whole (bit rot, a torn or misdirected write, a truncated
 * file), which CRC32C detects as storage systems use it (every error burst up to 32 bits, any other
 * damage but for one chance in 2^32), at memory speed with the CPU's instruction; SHA-256 (about 1.2 GB/s
 * per core) made hashing the cost of a volume's reads. What it does not resist is a forger who can
 * write the block files and craft bytes with the same CRC; such a writer of the data folder can rewrite
 * the index and maps too, and the whole-block check on first sight (after a restart, or once evicted)
 * still holds against them. Checksums live in memory only.
 */
public final class VerifiedBlocks {
    /** Counter of blocks found corrupt on read, in every {@link MetricRegistry} given to a constructor. */
    public static final String CORRUPT_METRIC = "content.blocks.corrupt";
    /** Meter of whole blocks read and checked against their address ({@link #get}): what a read costs in hashing. */
    public static final String VERIFIED_METRIC = "content.blocks.verified";
    /** The span one piece checksum covers: a guest's 4 KiB read reads and checks one. */
    public static final int PIECE = 4 * 1024;
    /** What one remembered block costs besides its checksums (key, entry, array headers). */
    private static final int ENTRY_OVERHEAD = 160;
    private static final Logger log = LoggerFactory.getLogger(VerifiedBlocks.class);

    private final BlockStore blocks;
    private final Counter corrupt;
    private final Meter verified;
    private final long checksumBudget;
    private long checksumBytes; // guarded by pieces
    private final LinkedHashMap<BlockHash, Pieces> pieces = new LinkedHashMap<>(256, 0.75f, true);

    /** The piece checksums of one checked block: its stored length and the CRC32C of each piece. */
    private record Pieces(int length, int[] crcs) {
        long weight() {
            return 4L * crcs.length + ENTRY_OVERHEAD;
        }
    }

    /** Checks whole blocks only (no piece checksums). */
    public VerifiedBlocks(BlockStore blocks, MetricRegistry metrics) {
        this(blocks, metrics, 0);
    }

    /**
     * @param checksumBudget bytes of piece checksums to keep (LRU); 0 keeps none and {@link #read} then always
     *                     reads and checks the whole block
     */
    public VerifiedBlocks(BlockStore blocks, MetricRegistry metrics, long checksumBudget) {
        this.blocks = blocks;
        this.corrupt = metrics.counter(CORRUPT_METRIC);
        this.verified = metrics.meter(VERIFIED_METRIC);
        this.checksumBudget = checksumBudget;
    }

    /**
     * The stored (stripped) content of {@code hash}, checked against it.
     *
     * @throws CorruptBlockException     if the content does not hash to {@code hash}
     * @throws StoreCorruptionException  if there is no such block
     */
    public byte[] get(BlockHash hash) {
        byte[] content = blocks.get(hash)
                .orElseThrow(() -> new StoreCorruptionException("block " + hash + " is missing"));
        // Checksums already known (the block was checked whole before, then left a cache): not made again.
        boolean keepPieces = checksumBudget > 0 && content.length > PIECE && !hasPieceChecksums(hash);
        BlockHash actual = BlockHasher.hash(content);
        verified.mark();
        int[] crcs = null;
        if (keepPieces) {
            // Of the very bytes just hashed: a checksum vouches only for bytes that matched the address.
            crcs = new int[(content.length + PIECE - 1) / PIECE];
            for (int k = 0; k < crcs.length; k++) {
                int from = k * PIECE;
                crcs[k] = crc(content, from, Math.min(PIECE, content.length - from));
            }
        }
        if (!actual.equals(hash)) {
            corrupt.inc();
            log.error("corrupt block {}: its {} stored bytes hash to {}; refusing to serve it", hash, content.length, actual);
            throw new CorruptBlockException(hash, actual);
        }
        if (keepPieces) {
            remember(hash, new Pieces(content.length, crcs));
        }
        return content;
    }

    /** Whether {@link #read} of a part of this block reads only that part (its piece checksums are known). */
    public boolean hasPieceChecksums(BlockHash hash) {
        synchronized (pieces) {
            return pieces.containsKey(hash);
        }
    }

    /**
     * Reads {@code [offset, offset+len)} of the stored (stripped) content of {@code hash} into {@code dest},
     * checked: against the block's piece checksums if they are known (reading only the pieces the range
     * touches), else by reading and checking the whole block ({@link #get}, which remembers its checksums).
     *
     * @return how many bytes were stored in that range (fewer than {@code len} past the stripped end: the
     *         caller pads with zeroes)
     */
    public int read(BlockHash hash, int offset, byte[] dest, int destOff, int len) {
        Pieces p;
        synchronized (pieces) {
            p = pieces.get(hash);
        }
        if (p == null) {
            byte[] content = get(hash);
            int stored = Math.max(0, Math.min(len, content.length - offset));
            System.arraycopy(content, offset, dest, destOff, stored);
            return stored;
        }
        int end = Math.min(offset + len, p.length());
        if (end <= offset) {
            return 0;
        }
        int first = offset / PIECE;
        int last = (end - 1) / PIECE;
        int from = first * PIECE;
        int to = Math.min((last + 1) * PIECE, p.length());
        byte[] buf = new byte[to - from];
        int got = blocks.read(hash, from, buf, 0, buf.length);
        if (got < 0) {
            throw new StoreCorruptionException("block " + hash + " is missing");
        }
        for (int k = first; k <= last; k++) {
            int pieceFrom = k * PIECE - from;
            int pieceLen = Math.min(PIECE, p.length() - k * PIECE);
            if (pieceFrom + pieceLen > got) {
                throw corruptPiece(hash, k, "the stored block ends at byte " + (from + got) + ", not " + p.length());
            }
            if (crc(buf, pieceFrom, pieceLen) != p.crcs()[k]) {
                throw corruptPiece(hash, k, "it no longer matches the checksum taken when the block was checked whole");
            }
        }
        System.arraycopy(buf, offset - from, dest, destOff, end - offset);
        return end - offset;
    }

    private CorruptBlockException corruptPiece(BlockHash hash, int piece, String why) {
        corrupt.inc();
        synchronized (pieces) {
            Pieces gone = pieces.remove(hash);
            if (gone != null) {
                checksumBytes -= gone.weight();
            }
        }
        log.error("corrupt block {}: piece {} ({} bytes at {}): {}; refusing to serve it", hash, piece, PIECE,
                (long) piece * PIECE, why);
        return new CorruptBlockException(hash, "piece " + piece + " " + why);
    }

    private void remember(BlockHash hash, Pieces p) {
        synchronized (pieces) {
            Pieces old = pieces.put(hash, p);
            checksumBytes += p.weight() - (old == null ? 0 : old.weight());
            var it = pieces.entrySet().iterator();
            while (checksumBytes > checksumBudget && it.hasNext()) {
                Map.Entry<BlockHash, Pieces> eldest = it.next();
                checksumBytes -= eldest.getValue().weight();
                it.remove();
            }
        }
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
