package io.tessera.swift.formpost;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code multipart/form-data} body part by part, streaming: each part's body is an
 * {@link InputStream} that ends at the next boundary, and memory stays bounded by a small buffer
 * whatever the size of the files. Parts must be read in order; {@link #next()} skips what is left of
 * the previous one.
 */
final class MultipartReader {
    /** The body does not start with the boundary the Content-Type announced. */
    static final class InvalidStartException extends IOException {
        InvalidStartException() {
            super("invalid starting boundary");
        }
    }

    /** One part: its headers (lower-case names) and its body. */
    record Part(Map<String, String> headers, InputStream body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private static final int BUFFER = 64 * 1024;
    private static final int MAX_HEADER_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 64;

    private final InputStream in;
    private final byte[] dashBoundary;
    /** CRLF + "--" + boundary: what ends a part's body. */
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private boolean started;
    private boolean finished;
    private PartBody current;

    MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER + delimiter.length];
    }

    /** The next part, or null after the closing boundary. */
    Part next() throws IOException {
        if (!started) {
            expectOpeningBoundary();
            started = true;
        } else if (current != null) {
            current.skipRest();
        }
        if (finished) {
            return null;
        }
        Map<String, String> headers = readHeaders();
        current = new PartBody();
        return new Part(headers, current);
    }

    private void expectOpeningBoundary() throws IOException {
        String line;
        do {
            line = readLine(dashBoundary.length + 2);
        } while (line != null && line.equals("\r\n"));
        if (line == null || !line.strip().equals(new String(dashBoundary, StandardCharsets.ISO_8859_1))) {
            throw new InvalidStartException();
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < MAX_HEADERS; i++) {
            String line = readLine(MAX_HEADER_LINE);
            if (line == null || line.equals("\r\n") || line.equals("\n")) {
                return headers;
            }
            String text = new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip();
            int colon = text.indexOf(':');
            if (colon > 0) {
                headers.put(text.substring(0, colon).trim().toLowerCase(Locale.ROOT), text.substring(colon + 1).trim());
            }
        }
        throw new IOException("too many headers in a form part");
    }

    /** A line including its end (ISO-8859-1, one char per byte), at most {@code max} bytes; null at the end. */
    private String readLine(int max) throws IOException {
        StringBuilder b = new StringBuilder();
        while (b.length() < max) {
            if (pos == lim && !fill()) {
                break;
            }
            char c = (char) (buf[pos++] & 0xff);
            b.append(c);
            if (c == '\n') {
                break;
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** Reads more into the buffer (compacting it first); false at the end of the input. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        return true;
    }

    private int indexOfDelimiter() {
        outer:
        for (int i = pos; i + delimiter.length <= lim; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** After a delimiter: "--" closes the body; otherwise the rest of the boundary line is skipped. */
    private void afterDelimiter() throws IOException {
        pos += delimiter.length;
        while (lim - pos < 2 && fill()) {
            // need two bytes to tell the closing delimiter
        }
        if (lim - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return;
        }
        readLine(MAX_HEADER_LINE);
    }

    /** A part's body: the bytes up to the next delimiter. */
    private final class PartBody extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int at = indexOfDelimiter();
                if (at == pos) {
                    done = true;
                    afterDelimiter();
                    return -1;
                }
                int safe = at >= 0 ? at - pos : lim - pos - (delimiter.length - 1);
                if (safe > 0) {
                    int n = Math.min(len, safe);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (!fill()) {
                    throw new IOException("the form ended inside a part (no closing boundary)");
                }
            }
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // discard
            }
        }
    }
}
