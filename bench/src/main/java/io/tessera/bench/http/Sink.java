package io.tessera.bench.http;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a response body goes. */
public interface Sink {
    void accept(byte[] b, int off, int len);

    Sink DISCARD = (b, off, len) -> { };

    /** MD5 and byte count of a body: how every GET is verified. One per thread, reset per request. */
    final class Md5 implements Sink {
        private final MessageDigest md5;
        private long count;

        public Md5() {
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        public Md5 reset() {
            md5.reset();
            count = 0;
            return this;
        }

        @Override
        public void accept(byte[] b, int off, int len) {
            md5.update(b, off, len);
            count += len;
        }

        public long count() {
            return count;
        }

        public String hex() {
            return HexFormat.of().formatHex(md5.digest());
        }
    }

    /** Keeps the body (listing pages), refusing more than {@code limit} bytes. */
    final class Capture implements Sink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;

        public Capture(int limit) {
            this.limit = limit;
        }

        @Override
        public void accept(byte[] b, int off, int len) {
            if (bytes.size() + len > limit) {
                throw new IllegalStateException("response body larger than " + limit + " bytes");
            }
            bytes.write(b, off, len);
        }

        public byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
