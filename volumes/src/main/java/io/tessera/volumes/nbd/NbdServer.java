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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD server: fixed newstyle, no TLS. Each connection has a reader and (once attached) a sender
 * thread; a shared pool of 16 workers runs the requests (see {@link NbdConnection}). What bounds it,
 * process-wide ({@link NbdLimits}): a payload budget taken before a payload is read or a reply built,
 * a connection limit (one more is closed at once), a handshake timeout and a send timeout, both
 * enforced by a watchdog thread. Connections from hosts not in {@code allowedHosts} are closed at once.
 * A misbehaving client costs only its own connection.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NbdServer.class);
    public static final int DEFAULT_PORT = 10809;
    private static final long WATCHDOG_PERIOD_MILLIS = 100;

    private final ExportResolver exports;
    private final NbdMetrics metrics;
    private final NbdLimits limits;
    private final PayloadBudget budget;
    private final ServerSocket socket;
    private final Set<InetAddress> allowed;
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    /** Connections accepted and not yet ended (counted before their thread starts, so the limit is exact). */
    private final AtomicInteger open = new AtomicInteger();
    private final Thread acceptor;
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean closed;
    private long lastRefusalLog = System.nanoTime() - TimeUnit.SECONDS.toNanos(60);
    private final ExecutorService workers = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "nbd-worker");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nbd-watchdog");
        t.setDaemon(true);
        return t;
    });

    public NbdServer(ExportResolver exports, String host, int port, Set<InetAddress> allowedHosts) throws IOException {
        this(exports, host, port, allowedHosts, NbdLimits.DEFAULTS, NbdMetrics.none());
    }

    public NbdServer(ExportResolver exports, String host, int port, Set<InetAddress> allowedHosts, NbdLimits limits,
                     NbdMetrics metrics) throws IOException {
        this.exports = exports;
        this.metrics = metrics;
        this.limits = limits;
        this.budget = new PayloadBudget(limits.payloadBudgetBytes());
        metrics.payloadBudget(budget::inUseBytes);
        this.allowed = Set.copyOf(allowedHosts);
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(host, port), 64);
        this.acceptor = new Thread(this::acceptLoop, "nbd-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
        watchdog.scheduleWithFixedDelay(this::dropStalled, WATCHDOG_PERIOD_MILLIS, WATCHDOG_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
        log.info("NBD server on {}:{} (clients allowed from {}; {})", host, port(), allowed, limits);
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
            if (open.incrementAndGet() > limits.maxConnections()) {
                open.decrementAndGet();
                metrics.refused();
                long now = System.nanoTime();
                if (now - lastRefusalLog > TimeUnit.SECONDS.toNanos(10)) { // a flood logs once per 10 s
                    lastRefusalLog = now;
                    log.warn("NBD connection from {} refused: {} connections are open (volumes.nbd.max_connections;"
                            + " see the nbd.connections_refused metric)", s.getRemoteSocketAddress(), limits.maxConnections());
                }
                closeQuietly(s);
                continue;
            }
            String name = "nbd-conn-" + ids.incrementAndGet();
            NbdConnection c = new NbdConnection(s, name, exports, this::forget, workers, budget, limits, metrics);
            connections.add(c);
            Thread t = new Thread(c, name);
            t.setDaemon(true);
            t.start();
        }
    }

    private void forget(NbdConnection c) {
        if (connections.remove(c)) {
            open.decrementAndGet();
        }
    }

    private void dropStalled() {
        long now = System.nanoTime();
        for (NbdConnection c : connections) {
            if (c.dropIfStalled(now)) {
                metrics.timedOut();
            }
        }
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Closes every connection (waiting up to 5 s for their requests in flight) and stops listening. */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        watchdog.shutdownNow();
        for (NbdConnection c : connections) {
            c.close();
        }
        try {
            for (NbdConnection c : connections) {
                c.awaitEnd(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
    }
}
