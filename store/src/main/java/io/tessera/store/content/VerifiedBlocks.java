package io.tessera.store.content;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.BlockStore;
import io.tessera.store.CorruptBlockException;
import io.tessera.store.StoreCorruptionException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p><b>Piece digests</b> (only with a digest budget, see the constructor; the volume service uses
 * them): when {@link #get} has checked a whole block, it also keeps the SHA-256 of each
 * {@value #PIECE}-byte piece of it (32 bytes per piece, 8 KiB per 4 MiB block) in a bounded LRU. A
 * later {@link #read} of a part of that block reads only the pieces the range touches from the store
 * and checks each against its digest, so a 4 KiB read costs a 16 KiB read and hash (two if it straddles
 * pieces), not 4 MiB. Why 16 KiB: hashing is the cost of a small random read (16 KiB is ~14 us of
 * SHA-256, 64 KiB would be ~55 us), and the digests of a 4 MiB block stay small. The
 * guarantee is the same as a whole-block check: every byte handed out was hashed in this process and
 * matched a digest derived from bytes that hashed to the block's address (a piece that changed on disk
 * since is caught; SHA-256 is as collision resistant per piece as per block). Digests live in memory
 * only: after a restart, or once evicted, the first read of a block checks it whole again.
 */
public final class VerifiedBlocks {
    /** Counter of blocks found corrupt on read, in every {@link MetricRegistry} given to a constructor. */
    public static final String CORRUPT_METRIC = "content.blocks.corrupt";
    /** The span one piece digest covers. */
    public static final int PIECE = 16 * 1024;
    private static final int DIGEST = 32;
    /** What one remembered block costs besides its digests (key, entry, array headers). */
    private static final int ENTRY_OVERHEAD = 160;
    private static final Logger log = LoggerFactory.getLogger(VerifiedBlocks.class);

    private final BlockStore blocks;
    private final Counter corrupt;
    private final long digestBudget;
    private long digestBytes; // guarded by pieces
    private final LinkedHashMap<BlockHash, Pieces> pieces = new LinkedHashMap<>(256, 0.75f, true);

    /** The piece digests of one checked block: its stored length and SHA-256 of each piece, concatenated. */
    private record Pieces(int length, byte[] digests) {
        long weight() {
            return digests.length + ENTRY_OVERHEAD;
        }
    }

    /** Checks whole blocks only (no piece digests). */
    public VerifiedBlocks(BlockStore blocks, MetricRegistry metrics) {
        this(blocks, metrics, 0);
    }

    /**
     * @param digestBudget bytes of piece digests to keep (LRU); 0 keeps none and {@link #read} then always
     *                     reads and checks the whole block
     */
    public VerifiedBlocks(BlockStore blocks, MetricRegistry metrics, long digestBudget) {
        this.blocks = blocks;
        this.corrupt = metrics.counter(CORRUPT_METRIC);
        this.digestBudget = digestBudget;
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
        // Digests already known (the block was checked whole before, then left a cache): one pass, not two.
        boolean keepPieces = digestBudget > 0 && content.length > PIECE && !hasPieceDigests(hash);
        BlockHash actual;
        byte[] digests = null;
        if (keepPieces) {
            // One pass: the block's hash (SHA-256 of the stripped content, BlockHasher) and each piece's.
            MessageDigest whole = sha256();
            MessageDigest piece = sha256();
            int n = (content.length + PIECE - 1) / PIECE;
            digests = new byte[n * DIGEST];
            for (int k = 0; k < n; k++) {
                int from = k * PIECE;
                int len = Math.min(PIECE, content.length - from);
                whole.update(content, from, len);
                piece.update(content, from, len);
                System.arraycopy(piece.digest(), 0, digests, k * DIGEST, DIGEST);
            }
            actual = BlockHash.of(whole.digest());
        } else {
            actual = BlockHasher.hash(content);
        }
        if (!actual.equals(hash)) {
            corrupt.inc();
            log.error("corrupt block {}: its {} stored bytes hash to {}; refusing to serve it", hash, content.length, actual);
            throw new CorruptBlockException(hash, actual);
        }
        if (keepPieces) {
            remember(hash, new Pieces(content.length, digests));
        }
        return content;
    }

    /** Whether {@link #read} of a part of this block reads only that part (its piece digests are known). */
    public boolean hasPieceDigests(BlockHash hash) {
        synchronized (pieces) {
            return pieces.containsKey(hash);
        }
    }

    /**
     * Reads {@code [offset, offset+len)} of the stored (stripped) content of {@code hash} into {@code dest},
     * checked: against the block's piece digests if they are known (reading only the pieces the range
     * touches), else by reading and checking the whole block ({@link #get}, which remembers its digests).
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
        MessageDigest sha = sha256();
        for (int k = first; k <= last; k++) {
            int pieceFrom = k * PIECE - from;
            int pieceLen = Math.min(PIECE, p.length() - k * PIECE);
            if (pieceFrom + pieceLen > got) {
                throw corruptPiece(hash, k, "the stored block ends at byte " + (from + got) + ", not " + p.length());
            }
            sha.update(buf, pieceFrom, pieceLen);
            byte[] d = sha.digest();
            if (!Arrays.equals(d, 0, DIGEST, p.digests(), k * DIGEST, (k + 1) * DIGEST)) {
                throw corruptPiece(hash, k, "it no longer matches the digest taken when the block was checked whole");
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
                digestBytes -= gone.weight();
            }
        }
        log.error("corrupt block {}: piece {} ({} bytes at {}): {}; refusing to serve it", hash, piece, PIECE,
                (long) piece * PIECE, why);
        return new CorruptBlockException(hash, "piece " + piece + " " + why);
    }

    private void remember(BlockHash hash, Pieces p) {
        synchronized (pieces) {
            Pieces old = pieces.put(hash, p);
            digestBytes += p.weight() - (old == null ? 0 : old.weight());
            var it = pieces.entrySet().iterator();
            while (digestBytes > digestBudget && it.hasNext()) {
                Map.Entry<BlockHash, Pieces> eldest = it.next();
                digestBytes -= eldest.getValue().weight();
                it.remove();
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
