package io.tessera.volumes.nbd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD server: fixed newstyle, no TLS, one reader thread per connection and a shared pool of 16
 * workers that run the requests (clients pipeline them; replies may come out of order). Connections from hosts not in {@code allowedHosts} are closed
 * at once. A misbehaving client costs only its own connection.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NbdServer.class);
    public static final int DEFAULT_PORT = 10809;

    private final ExportResolver exports;
    private final NbdMetrics metrics;
    private final ServerSocket socket;
    private final Set<InetAddress> allowed;
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean closed;
    private final ExecutorService workers = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "nbd-worker");
        t.setDaemon(true);
        return t;
    });

    public NbdServer(ExportResolver exports, String host, int port, Set<InetAddress> allowedHosts) throws IOException {
        this(exports, host, port, allowedHosts, NbdMetrics.none());
    }

    public NbdServer(ExportResolver exports, String host, int port, Set<InetAddress> allowedHosts, NbdMetrics metrics)
            throws IOException {
        this.exports = exports;
        this.metrics = metrics;
        this.allowed = Set.copyOf(allowedHosts);
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(host, port), 64);
        this.acceptor = new Thread(this::acceptLoop, "nbd-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("NBD server on {}:{} (clients allowed from {})", host, port(), allowed);
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("NBD accept failed: {}", e.toString());
                }
                continue;
            }
            if (!allowed.contains(s.getInetAddress())) {
                log.warn("NBD connection from {} refused: not an allowed host", s.getInetAddress());
                closeQuietly(s);
                continue;
            }
            NbdConnection c = new NbdConnection(s, exports, this::forget, workers, metrics);
            connections.add(c);
            Thread t = new Thread(c, "nbd-conn-" + ids.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    private void forget(NbdConnection c) {
        connections.remove(c);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        for (NbdConnection c : connections) {
            c.close();
        }
        workers.shutdown();
    }
}
