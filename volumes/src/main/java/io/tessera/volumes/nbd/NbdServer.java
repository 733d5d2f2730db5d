package io.tessera.volumes.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD server: fixed newstyle, on any of three listeners ({@link Listener}):
 * <ul>
 *   <li>a Unix-domain socket ({@code nbd+unix:///{export}?socket=...}), whose file mode says who may
 *       connect: the default for a hypervisor on this host;</li>
 *   <li>TCP with TLS required (NBD_OPT_STARTTLS before anything else; the client's certificate must be
 *       signed by the configured CA, and its CN is the client's name);</li>
 *   <li>plain TCP, only on a loopback address (tests, tools on this host).</li>
 * </ul>
 * An export is served only to a client the {@link ExportAccess} allows (the REST API's attachments).
 *
 * <p>Each connection has a reader and (once attached) a sender thread; a shared pool of workers runs
 * the requests, at most a few of one device at once ({@link NbdWorkers}; see {@link NbdConnection}). What
 * bounds it, process-wide ({@link NbdLimits}): a payload budget taken before a payload is read or a reply
 * built, of which one connection holds at most its cap ({@link PayloadBudget}), a connection limit over all
 * listeners (one more is closed at once), a handshake timeout and a send timeout (which also bounds how
 * long a WRITE's payload may take to arrive), both enforced by a watchdog thread. A misbehaving client
 * costs only its own connection, a blocked volume only its own requests.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NbdServer.class);
    public static final int DEFAULT_PORT = 10809;
    private static final long WATCHDOG_PERIOD_MILLIS = 100;

    /** Where the server listens. */
    public sealed interface Listener permits Tcp, Unix {
    }

    /**
     * TCP on {@code host:port} (0: a free port) for clients from {@code allowedHosts}; {@code tls} null means
     * plain TCP, which is refused unless {@code host} is a loopback address.
     */
    public record Tcp(String host, int port, Set<InetAddress> allowedHosts, SSLContext tls) implements Listener {
        public Tcp {
            allowedHosts = Set.copyOf(allowedHosts);
        }
    }

    /** A Unix-domain socket at {@code path}, given {@code permissions} (e.g. rw-rw----) once bound. */
    public record Unix(Path path, Set<PosixFilePermission> permissions) implements Listener {
        public Unix {
            permissions = Set.copyOf(permissions);
        }
    }

    private final ExportResolver exports;
    private final ExportAccess access;
    private final NbdMetrics metrics;
    private final NbdLimits limits;
    private final PayloadBudget budget;
    private final List<Closeable> sockets = new ArrayList<>();
    private ServerSocket tcp;
    private Path unixPath;
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    /** Connections accepted and not yet ended (counted before their thread starts, so the limit is exact). */
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean closed;
    private long lastRefusalLog = System.nanoTime() - TimeUnit.SECONDS.toNanos(60);
    private final NbdWorkers workers = new NbdWorkers();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nbd-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Plain TCP on a loopback address, every export open to every client: for tests and tools. */
    public NbdServer(ExportResolver exports, String host, int port, Set<InetAddress> allowedHosts) throws IOException {
        this(exports, host, port, allowedHosts, NbdLimits.DEFAULTS, NbdMetrics.none());
    }

    /** Plain TCP on a loopback address, every export open to every client: for tests and tools. */
    public NbdServer(ExportResolver exports, String host, int port, Set<InetAddress> allowedHosts, NbdLimits limits,
                     NbdMetrics metrics) throws IOException {
        this(exports, ExportAccess.UNCHECKED, List.of(new Tcp(host, port, allowedHosts, null)), limits, metrics);
    }

    public NbdServer(ExportResolver exports, ExportAccess access, List<Listener> listeners, NbdLimits limits,
                     NbdMetrics metrics) throws IOException {
        this.exports = exports;
        this.access = access;
        this.metrics = metrics;
        this.limits = limits;
        this.budget = new PayloadBudget(limits);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("the NBD server needs a listener");
        }
        metrics.payloadBudget(budget::inUseBytes);
        try {
            for (Listener l : listeners) {
                if (l instanceof Tcp t) {
                    listenTcp(t);
                } else {
                    listenUnix((Unix) l);
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        watchdog.scheduleWithFixedDelay(this::dropStalled, WATCHDOG_PERIOD_MILLIS, WATCHDOG_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void listenTcp(Tcp t) throws IOException {
        if (tcp != null) {
            throw new IllegalArgumentException("one TCP listener at most");
        }
        InetAddress address = InetAddress.getByName(t.host());
        if (t.tls() == null && !address.isLoopbackAddress()) {
            throw new IllegalArgumentException("plain TCP NBD (no TLS) listens only on a loopback address, not "
                    + t.host() + ": configure TLS (volumes.nbd.tls_dir) to serve other hosts");
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(address, t.port()), 64);
        tcp = s;
        sockets.add(s);
        start("nbd-accept-" + s.getLocalPort(), () -> acceptTcp(s, t));
        log.info("NBD server on {}:{} ({}; clients allowed from {}; {})", t.host(), s.getLocalPort(),
                t.tls() != null ? "TLS required, client certificates verified" : "plain TCP, loopback", t.allowedHosts(), limits);
    }

    private void listenUnix(Unix u) throws IOException {
        if (unixPath != null) {
            throw new IllegalArgumentException("one Unix socket at most");
        }
        Path path = u.path().toAbsolutePath();
        secureFolder(path.getParent(), u.permissions());
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                // a socket is neither a file, a folder nor a link: anything else is not ours to remove
                throw new IOException(path + " exists and is not a socket: not replacing it");
            }
            boolean live;
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                live = true;
            } catch (IOException e) {
                live = false;
            }
            if (live) {
                throw new IOException("another NBD server listens on " + path);
            }
            Files.delete(path); // left by a server that did not close (kill -9): nobody listens on it
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path), 64);
            Files.setPosixFilePermissions(path, u.permissions());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        unixPath = path;
        sockets.add(ch);
        start("nbd-accept-unix", () -> acceptUnix(ch, path));
        log.info("NBD server on Unix socket {} (mode {}; {})", path,
                java.nio.file.attribute.PosixFilePermissions.toString(u.permissions()), limits);
    }

    /**
     * Makes the socket's folder one that only this user, and the socket's group if its mode gives the group
     * access, may enter, before the bind: the socket is created with the process's umask and its mode is
     * set just after, and in between nobody else must be able to connect. The folder must be a folder of
     * this user (not a link: whoever owns the folder or the link can swap the socket for theirs). A mode
     * with bits for other users is refused: every local user could then read and write every volume.
     */
    private static void secureFolder(Path folder, Set<PosixFilePermission> socketMode) throws IOException {
        if (socketMode.contains(PosixFilePermission.OTHERS_READ) || socketMode.contains(PosixFilePermission.OTHERS_WRITE)
                || socketMode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            throw new IOException("the NBD socket's mode " + PosixFilePermissions.toString(socketMode)
                    + " lets other users connect (to every volume): use 0660 (owner and group) or 0600");
        }
        boolean group = socketMode.contains(PosixFilePermission.GROUP_READ) || socketMode.contains(PosixFilePermission.GROUP_WRITE);
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString(group ? "rwxr-x---" : "rwx------");
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(folder.getParent());
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(mode));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile by someone else: checked below like any existing folder
            }
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(folder + " (the NBD socket's folder) is not a folder (a link or a file): not binding there");
        }
        java.nio.file.attribute.UserPrincipal owner = Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS);
        String me = System.getProperty("user.name");
        if (!owner.getName().equals(me)) {
            throw new IOException(folder + " (the NBD socket's folder) is owned by " + owner.getName() + ", not by "
                    + me + ": its owner could replace the socket; use a folder of this user");
        }
        Files.setPosixFilePermissions(folder, mode); // umask-independent, and closes an existing wide-open folder
    }

    private static void start(String name, Runnable loop) {
        Thread t = new Thread(loop, name);
        t.setDaemon(true);
        t.start();
    }

    /** The TCP port, or -1 without a TCP listener. */
    public int port() {
        return tcp == null ? -1 : tcp.getLocalPort();
    }

    /** The Unix socket's path, or null without one. */
    public Path socketPath() {
        return unixPath;
    }

    private void acceptTcp(ServerSocket server, Tcp t) {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("NBD accept failed: {}", e.toString());
                }
                continue;
            }
            if (!t.allowedHosts().contains(s.getInetAddress())) {
                log.warn("NBD connection from {} refused: not an allowed host", s.getInetAddress());
                NbdConnection.closeQuietly(s);
                continue;
            }
            try {
                serve(new NbdLink.Tcp(s, t.tls()), s);
            } catch (IOException e) {
                NbdConnection.closeQuietly(s);
            }
        }
    }

    private void acceptUnix(ServerSocketChannel server, Path path) {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("NBD accept on {} failed: {}", path, e.toString());
                }
                continue;
            }
            serve(new NbdLink.Unix(ch, "unix socket " + path + " #" + (ids.get() + 1)), ch);
        }
    }

    private void serve(NbdLink link, Closeable raw) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            metrics.refused();
            long now = System.nanoTime();
            if (now - lastRefusalLog > TimeUnit.SECONDS.toNanos(10)) { // a flood logs once per 10 s
                lastRefusalLog = now;
                log.warn("NBD connection from {} refused: {} connections are open (volumes.nbd.max_connections;"
                        + " see the nbd.connections_refused metric)", link.peer(), limits.maxConnections());
            }
            NbdConnection.closeQuietly(raw);
            return;
        }
        String name = "nbd-conn-" + ids.incrementAndGet();
        NbdConnection c = new NbdConnection(link, name, exports, access, this::forget, workers, budget, limits, metrics);
        connections.add(c);
        start(name, c);
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

    /** Closes every connection (waiting up to 5 s for their requests in flight) and stops listening. */
    @Override
    public void close() {
        closed = true;
        for (Closeable s : sockets) {
            NbdConnection.closeQuietly(s);
        }
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                log.warn("could not remove the NBD socket {}: {}", unixPath, e.toString());
            }
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
