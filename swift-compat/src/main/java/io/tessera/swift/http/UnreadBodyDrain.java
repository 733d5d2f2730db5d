package io.tessera.swift.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and discards what is left of a request body when the reply does not need it (a 4xx or 5xx
 * before the body was read: no such container, bad token, store unavailable), up to a bound.
 *
 * <p>Why: a client such as java.net.http or python-swiftclient sends the whole body before it reads
 * the reply. If the server replies and closes with body bytes still unread, the kernel answers them
 * with a TCP reset, which can destroy the reply before the client reads it: the client sees "no
 * bytes" or "connection reset" instead of our 404 or 503. Reading the rest keeps the connection
 * orderly and persistent. Bodies declared larger than the bound are not read; Jetty closes those
 * connections, which is the best a server can do for a client that will not wait for
 * {@code Expect: 100-continue}.
 */
@Provider
public final class UnreadBodyDrain implements ContainerResponseFilter {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadBodyDrain.class);
    /** Beyond this a rejected body costs more to read than a new connection costs the client. */
    static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() < 400 || !worthDraining(request.getHeaderString("Content-Length"))) {
            return;
        }
        byte[] sink = new byte[64 * 1024];
        long drained = 0;
        try {
            if (!request.hasEntity()) {
                return; // none, or a reader already consumed and closed it (hasEntity then throws)
            }
            InputStream body = request.getEntityStream();
            int n;
            while (drained < MAX_DRAIN_BYTES && (n = body.read(sink, 0, (int) Math.min(sink.length, MAX_DRAIN_BYTES - drained))) >= 0) {
                drained += n;
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or the body was already broken (that may be why we reply 4xx).
            LOG.debug("not draining the rest of a rejected request body: {}", e.toString());
        }
    }

    /** Chunked bodies (no length) are drained up to the bound; declared lengths must be within it. */
    private static boolean worthDraining(String contentLength) {
        if (contentLength == null) {
            return true;
        }
        try {
            return Long.parseLong(contentLength.trim()) <= MAX_DRAIN_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
