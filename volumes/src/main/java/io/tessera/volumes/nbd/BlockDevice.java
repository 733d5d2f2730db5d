package io.tessera.volumes.nbd;

import java.util.List;

/**
 * What the NBD server serves: a byte-addressed device. Offsets and lengths are checked by the server
 * against {@link #size()} before a call. Failures are unchecked exceptions; the server answers them
 * with an NBD error and keeps the connection.
 */
public interface BlockDevice extends AutoCloseable {
    long size();

    boolean readOnly();

    String description();

    void read(long offset, byte[] dest, int destOff, int len);

    void write(long offset, byte[] src, int srcOff, int len, boolean fua);

    /** Zeroes the range; {@code noHole}: keep it allocated (write zeroes) rather than deallocate. */
    void writeZeroes(long offset, long len, boolean fua, boolean noHole);

    /** The client no longer needs the range; this device then reads it as zeroes. */
    void trim(long offset, long len, boolean fua);

    /** Every write already acknowledged is durable when this returns. */
    void flush();

    /** base:allocation extents tiling {@code [offset, offset+len)}, merged; at most one if {@code one}. */
    List<Extent> extents(long offset, long len, boolean one);

    record Extent(long length, int flags) {
        public static final int HOLE = 1;
        public static final int ZERO = 2;
    }

    @Override
    void close();
}
