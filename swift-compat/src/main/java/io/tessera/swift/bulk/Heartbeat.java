package io.tessera.swift.bulk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a long bulk reply alive: while the work goes on, {@link #beat} sends whitespace (an XML
 * declaration first for an XML reply) when {@code period} has passed since the last bytes went out, so
 * neither the client nor a proxy times out. The final body is then preceded by a blank line
 * ({@link #separator}), as Swift does, once anything was sent.
 */
public final class Heartbeat {
    private final OutputStream out;
    private final long periodNanos;
    private long last = System.nanoTime();
    private byte[] next;
    private boolean sent;

    public Heartbeat(OutputStream out, long periodSeconds, boolean xml) {
        this.out = out;
        this.periodNanos = periodSeconds * 1_000_000_000L;
        this.next = (xml ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : " ").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Jersey holds back the first 8 KiB of a reply (jersey.config.contentLength.buffer, default 8192) to
     * compute its Content-Length, and a flush does not push them out: the first beat is padded past
     * that so that it really reaches the client, and the reply goes out chunked.
     */
    static final int JERSEY_BUFFER = 8192;

    /** Sends whitespace now, whatever the time (a reply that must start at once). */
    public void beatNow() throws IOException {
        out.write(next);
        if (!sent) {
            byte[] padding = new byte[JERSEY_BUFFER];
            java.util.Arrays.fill(padding, (byte) ' ');
            out.write(padding);
        }
        out.flush();
        next = new byte[] {' '};
        sent = true;
        last = System.nanoTime();
    }

    /** Sends whitespace if the period has passed since the last bytes went out. */
    public void beat() throws IOException {
        if (System.nanoTime() - last > periodNanos) {
            beatNow();
        }
    }

    /** What goes before the final body: a blank line once whitespace was sent. */
    public byte[] separator() {
        return sent ? "\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : new byte[0];
    }
}
