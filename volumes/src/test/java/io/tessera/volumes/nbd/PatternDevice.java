package io.tessera.volumes.nbd;

import java.util.List;

/** A read-only device of any size that stores nothing: byte {@code i} is {@link #at(long) at(i)}. */
final class PatternDevice implements BlockDevice {
    private final long size;

    PatternDevice(long size) {
        this.size = size;
    }

    static byte at(long offset) {
        return (byte) (offset * 31 + (offset >>> 12));
    }

    static byte[] expected(long offset, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = at(offset + i);
        }
        return b;
    }

    public long size() {
        return size;
    }

    public boolean readOnly() {
        return true;
    }

    public String description() {
        return "pattern";
    }

    public void read(long offset, byte[] dest, int destOff, int len) {
        for (int i = 0; i < len; i++) {
            dest[destOff + i] = at(offset + i);
        }
    }

    public void write(long offset, byte[] src, int srcOff, int len, boolean fua) {
        throw new UnsupportedOperationException("read-only");
    }

    public void writeZeroes(long offset, long len, boolean fua, boolean noHole) {
        throw new UnsupportedOperationException("read-only");
    }

    public void trim(long offset, long len, boolean fua) {
        throw new UnsupportedOperationException("read-only");
    }

    public void flush() {
    }

    public List<Extent> extents(long offset, long len, boolean one) {
        return List.of(new Extent(len, 0));
    }

    public void close() {
    }
}
