package io.tessera.swift.formpost;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A file of a form, which may not be longer than the form's {@code max_file_size}: reading past it fails. */
final class CappedInputStream extends FilterInputStream {
    private final long max;
    private long read;
    private boolean exceeded;

    CappedInputStream(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            read += n;
            if (read > max) {
                exceeded = true;
                throw new IOException("max_file_size exceeded");
            }
        }
        return n;
    }
}
