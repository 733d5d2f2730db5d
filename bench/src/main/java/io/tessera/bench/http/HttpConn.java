package io.tessera.bench.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection over a plain socket, used by one thread.
 *
 * <p>Why not java.net.http.HttpClient: at ~20k requests/s on 2 shared cores the client's own CPU
 * is taken from the server under test. `client-cost` measures both; this one costs less per
 * request (docs/benchmarks.md has the numbers). It implements only what the workloads need:
 * fixed-length request bodies, Content-Length / chunked / until-close response bodies, HEAD.
 */
public final class HttpConn implements Conn {
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;

    private final Endpoint endpoint;
    private final byte[] buf = new byte[64 * 1024];
    private final byte[] line = new byte[MAX_HEADER_LINE];
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public HttpConn(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Sends one request and reads the whole response into {@code sink}. A keep-alive connection that
     * the server closed while idle fails before any byte of the reply: then the request is sent once
     * more on a fresh connection (every {@link Body} can be written again).
     */
    @Override
    public Response exchange(String method, String path, Map<String, String> headers, Body body, Sink sink)
            throws IOException {
        try {
            return once(method, path, headers, body, sink);
        } catch (StaleConnectionException e) {
            close();
            return once(method, path, headers, body, sink);
        }
    }

    private Response once(String method, String path, Map<String, String> headers, Body body, Sink sink)
            throws IOException {
        boolean wasReused = connect();
        StringBuilder req = new StringBuilder(256)
                .append(method).append(' ').append(endpoint.basePath()).append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(endpoint.host()).append(':').append(endpoint.port()).append("\r\n");
        if (endpoint.token() != null) {
            req.append("X-Auth-Token: ").append(endpoint.token()).append("\r\n");
        }
        if (headers != null) {
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        }
        if (body != null) {
            req.append("Content-Length: ").append(body.length()).append("\r\n");
        }
        req.append("\r\n");
        try {
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                body.writeTo(out);
            }
            out.flush();
        } catch (IOException e) {
            close();
            if (wasReused) {
                throw new StaleConnectionException(e);
            }
            throw e;
        }
        try {
            return readResponse(method, wasReused, sink);
        } catch (StaleConnectionException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            close(); // the connection's state is unknown: the next request opens a new one
            throw e;
        }
    }

    private Response readResponse(String method, boolean wasReused, Sink sink) throws IOException {
        int n = readLine();
        if (n < 0) {
            close();
            if (wasReused) {
                throw new StaleConnectionException(new EOFException("connection closed before the status line"));
            }
            throw new EOFException("connection closed before the status line");
        }
        String statusLine = new String(line, 0, n, StandardCharsets.ISO_8859_1);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("bad status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> h = readHeaders();
        long got = readBody(method, status, h, sink);
        String conn = h.get("connection");
        if ((conn != null && conn.equalsIgnoreCase("close")) || statusLine.startsWith("HTTP/1.0")) {
            close();
        }
        return new Response(status, h, got);
    }

    private boolean connect() throws IOException {
        if (socket != null) {
            return true;
        }
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(endpoint.timeoutMillis());
        s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 10_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
        out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        return false;
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < MAX_HEADERS; i++) {
            int n = readLine();
            if (n < 0) {
                throw new EOFException("connection closed inside the headers");
            }
            if (n == 0) {
                return h;
            }
            String s = new String(line, 0, n, StandardCharsets.ISO_8859_1);
            int colon = s.indexOf(':');
            if (colon > 0) {
                h.put(s.substring(0, colon).trim().toLowerCase(Locale.ROOT), s.substring(colon + 1).trim());
            }
        }
        throw new IOException("more than " + MAX_HEADERS + " header lines");
    }

    private long readBody(String method, int status, Map<String, String> h, Sink sink) throws IOException {
        if (method.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304) {
            return 0;
        }
        String te = h.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked(sink);
        }
        String cl = h.get("content-length");
        if (cl != null) {
            return readExactly(Long.parseLong(cl.trim()), sink);
        }
        long got = readExactly(Long.MAX_VALUE, sink); // HTTP/1.0 style: the body ends when the server closes
        close();
        return got;
    }

    private long readExactly(long len, Sink sink) throws IOException {
        long left = len;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                if (len == Long.MAX_VALUE) {
                    return len - left;
                }
                close();
                throw new EOFException("body ended after " + (len - left) + " of " + len + " bytes");
            }
            sink.accept(buf, 0, r);
            left -= r;
        }
        return len;
    }

    private long readChunked(Sink sink) throws IOException {
        long total = 0;
        while (true) { // bounded by the stream: each pass consumes a chunk or fails
            int n = readLine();
            if (n < 0) {
                throw new EOFException("connection closed inside a chunked body");
            }
            String sizeField = new String(line, 0, n, StandardCharsets.ISO_8859_1);
            int semi = sizeField.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeField : sizeField.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (readLine() > 0) {
                    // trailers: ignored
                }
                return total;
            }
            total += readExactly(size, sink);
            if (readLine() != 0) {
                throw new IOException("missing CRLF after a chunk");
            }
        }
    }

    /** Reads one line without its CRLF into {@link #line}; -1 at end of stream. */
    private int readLine() throws IOException {
        int n = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            if (c == '\n') {
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
            if (n == line.length) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line[n++] = (byte) c;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
        socket = null;
        in = null;
        out = null;
    }

    /** The server closed an idle keep-alive connection: safe to send the same request again. */
    private static final class StaleConnectionException extends IOException {
        StaleConnectionException(Throwable cause) {
            super(cause);
        }
    }
}
