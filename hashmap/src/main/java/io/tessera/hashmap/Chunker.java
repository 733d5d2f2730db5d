package io.tessera.hashmap;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Cuts a stream into fixed-size blocks and computes the MD5 of the whole stream (the Swift ETag)
 * as it goes. The caller owns the buffers, so memory stays O(block size) whatever the stream's
 * length, and a pipeline can hand a filled buffer to another thread while the next one fills.
 *
 * <pre>
 *   Chunker chunker = new Chunker(in, blockSize);
 *   byte[] buf = new byte[blockSize.bytes()];
 *   for (int n; (n = chunker.fill(buf)) > 0; ) { ... block is buf[0, n) ... }
 *   String etag = chunker.md5Hex();
 * </pre>
 */
public final class Chunker {
    private final InputStream in;
    private final int blockSize;
    private final MessageDigest md5;
    private long bytesRead;
    private boolean ended;

    public Chunker(InputStream in, BlockSize blockSize) {
        this.in = in;
        this.blockSize = blockSize.bytes();
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /**
     * Reads the next block into {@code buf[0, n)} and returns n. n equals the block size except for
     * the last block; 0 means the stream has ended. {@code buf} must hold at least one block.
     */
    public int fill(byte[] buf) throws IOException {
        if (buf.length < blockSize) {
            throw new IllegalArgumentException("buffer smaller than a block");
        }
        int n = 0;
        while (!ended && n < blockSize) {
            int r = in.read(buf, n, blockSize - n);
            if (r < 0) {
                ended = true;
            } else {
                n += r;
            }
        }
        md5.update(buf, 0, n);
        bytesRead += n;
        return n;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** The MD5 of {@code buf[0, length)} as lowercase hex: the ETag of a body read in one piece. */
    public static String md5Hex(byte[] buf, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(buf, 0, length);
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /** The MD5 of everything read so far, as lowercase hex; call once, after the last block. */
    public String md5Hex() {
        return HexFormat.of().formatHex(md5.digest());
    }
}
