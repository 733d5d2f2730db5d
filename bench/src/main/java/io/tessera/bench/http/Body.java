package io.tessera.bench.http;

import java.io.IOException;
import java.io.OutputStream;

/** A request body of known length that can be written more than once (for a retry). */
public interface Body {
    long length();

    void writeTo(OutputStream out) throws IOException;

    static Body of(byte[] bytes) {
        return new Body() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }
        };
    }
}
