package io.tessera.server;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.server.config.ConfigException;
import io.tessera.server.config.ConfigLoader;
import io.tessera.server.config.TesseraConfig;
import io.tessera.server.admin.AdminEndpoint;
import io.tessera.server.admin.AdminJobs;
import io.tessera.server.admin.AdminResource;
import io.tessera.server.http.JettyServerFactory;
import io.tessera.server.http.PlainReadHandler;
import io.tessera.server.http.UiHandler;
import io.tessera.server.monitoring.AdminEndpoints;
import io.tessera.server.monitoring.HealthChecks;
import io.tessera.server.monitoring.RequestMetrics;
import io.tessera.store.Store;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.store.content.ContentWriter;
import io.tessera.swift.SwiftFeatures;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.AuthResource;
import io.tessera.swift.auth.KeyChecks;
import io.tessera.swift.auth.TokenSecrets;
import io.tessera.swift.auth.TokenService;
import io.tessera.swift.auth.UserDirectory;
import io.tessera.swift.cors.CorsReplyFilter;
import io.tessera.swift.formpost.FormPostInfo;
import io.tessera.swift.tempurl.TempUrlFilter;
import io.tessera.swift.tempurl.TempUrlInfo;
import io.tessera.swift.tempurl.TempUrlReplyFilter;
import io.tessera.swift.errors.SwiftExceptionMapper;
import io.tessera.swift.context.RequestContextFilter;
import io.tessera.swift.context.SwiftStore;
import io.tessera.swift.etag.EtagQuoter;
import io.tessera.swift.expiry.ObjectExpirer;
import io.tessera.swift.errors.UnexpectedExceptionMapper;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.http.SwiftHeadersFilter;
import io.tessera.swift.http.UnreadBodyDrain;
import io.tessera.swift.resources.InfoResource;
import io.tessera.swift.publiclinks.PublicResource;
import io.tessera.swift.pithos.IdentityResource;
import io.tessera.swift.pithos.Md5Backfill;
import io.tessera.swift.pithos.UserCatalogsResource;
import io.tessera.swift.resources.StorageResource;
import io.tessera.swift.bulk.BulkLimits;
import io.tessera.swift.slo.SloLimits;
import io.tessera.volumes.Attachments;
import io.tessera.volumes.Hasher;
import io.tessera.volumes.VolumeService;
import io.tessera.volumes.nbd.NbdLimits;
import io.tessera.volumes.nbd.NbdMetrics;
import io.tessera.volumes.nbd.NbdServer;
import io.tessera.volumes.nbd.NbdTls;
import io.tessera.volumes.rest.VolumeResource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One running Tessera: the store, the Swift API over it, and the HTTP server. Tests start it in
 * process on port 0; {@code bin/tessera run} starts it from the configuration.
 */
public final class TesseraServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TesseraServer.class);
    /** How often expired objects are removed for real (reads treat them as gone from their second on). */
    private static final Duration EXPIRER_INTERVAL = Duration.ofSeconds(2);

    private final Store store;
    private final Server jetty;
    private final ExecutorService blockIo;
    private final MetricRegistry metrics;
    private final HealthCheckRegistry health;
    private final VolumeService volumes;
    private final Hasher hasher;
    private final NbdServer nbd;
    private final ObjectExpirer expirer;
    private AdminJobs admin;
    private Md5Backfill md5s;
    private AdminEndpoint adminEndpoint;
    private Path dataDir;

    private TesseraServer(Store store, Server jetty, ExecutorService blockIo, MetricRegistry metrics,
                          HealthCheckRegistry health, VolumeService volumes, Hasher hasher, NbdServer nbd,
                          ObjectExpirer expirer) {
        this.expirer = expirer;
        this.store = store;
        this.jetty = jetty;
        this.blockIo = blockIo;
        this.metrics = metrics;
        this.health = health;
        this.volumes = volumes;
        this.hasher = hasher;
        this.nbd = nbd;
    }

    /** Opens the store the configuration names and starts serving. */
    public static TesseraServer start(ConfigLoader.Loaded loaded) throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        TesseraConfig config = loaded.config();
        Store store = StoreFactory.open(config.store(), DataFolder.prepareOrRefuse(loaded.dataDir()), metrics);
        try {
            return start(store, config, new UserDirectory(loaded.users()), metrics, loaded.dataDir());
        } catch (Exception e) {
            store.close();
            throw e;
        }
    }

    static TesseraServer start(Store store, TesseraConfig config, UserDirectory users, MetricRegistry metrics)
            throws Exception {
        return start(store, config, users, metrics, null);
    }

    /** @param dataDir where the admin endpoint file and the collector's work files go; null: a temp folder, no file */
    static TesseraServer start(Store store, TesseraConfig config, UserDirectory users, MetricRegistry metrics,
                               Path dataDir) throws Exception {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        if (store.blockSize().bytes() != new BlockSize(config.store().blockSize()).bytes()) {
            throw new IllegalStateException("the store's block size differs from the configuration's");
        }
        ExecutorService blockIo = Executors.newFixedThreadPool(16, named("block-io"));
        TokenSecrets secrets;
        try {
            secrets = dataDir != null ? TokenSecrets.openOrCreate(tokenSecretsFile(dataDir), Clock.systemUTC())
                    : TokenSecrets.random(Clock.systemUTC());
        } catch (IOException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        TokenService tokens = new TokenService(secrets, Duration.ofSeconds(config.auth().tokenTtlSeconds()), users,
                Clock.systemUTC());
        SwiftConstraints limits = SwiftConstraints.DEFAULTS;
        SwiftStore swiftStore = new SwiftStore(store); // its writes keep the middlewares' infocache true
        ContentReader contentReader = new ContentReader(swiftStore, blockIo, metrics);
        Md5Backfill md5s = new Md5Backfill(swiftStore.metadata(), new ContentMaps(swiftStore), contentReader, metrics);
        SwiftServices services = new SwiftServices(swiftStore, new ContentWriter(swiftStore, blockIo, metrics),
                contentReader, new ContentMaps(swiftStore), limits, users, tokens, metrics, md5s, config.server().publicUrl());

        TesseraConfig.Volumes vc = config.volumes();
        Hasher hasher = new Hasher(store, vc.hasherIdleSeconds() * 1000L, metrics);
        String nodeId = vc.nodeId() != null ? vc.nodeId() : hostName() + ":" + vc.nbdPort();
        VolumeService volumes = new VolumeService(store, nodeId, hasher, metrics);
        Set<InetAddress> allowed = addresses(vc.nbdAllowedHosts());
        Set<InetAddress> adminAllowed = addresses(config.admin().allowedHosts());
        Attachments attachments = volumes.attachments();
        NbdServer nbd;
        try {
            nbd = startNbd(vc, volumes, attachments, allowed, dataDir, metrics);
        } catch (Exception e) {
            volumes.close();
            blockIo.shutdownNow();
            throw new ConfigException("cannot start the NBD server: " + e.getMessage()
                    + " (volumes.nbd in the configuration; TESSERA_NBD_PORT for the TCP port)", e);
        }
        hasher.start();
        VolumeResource.AccessCheck access = (token, account) -> tokens.verify(token)
                .map(u -> u.isAdmin() && u.account().equals(account)).orElse(false);

        // Maintenance (bin/tessera gc|scrub|fsck|stats): jobs, the collector's schedule, the admin API.
        AdminJobs admin = new AdminJobs(store, AdminCli.gcSettings(config.gc(), dataDir), nodeId, metrics);
        String adminToken = AdminEndpoint.create(0).token();
        ResourceConfig app = new ResourceConfig()
                .register(new AdminResource(admin, adminToken))
                .register(new VolumeResource(volumes, access, export -> nbdUri(nbd, vc, export)))
                .register(new AuthResource(new KeyChecks(users), tokens, config.server().publicUrl()))
                .register(new IdentityResource(tokens, config.server().publicUrl()))
                .register(new UserCatalogsResource(tokens, users))
                .register(new InfoResource(limits, swiftFeatures()))
                .register(new StorageResource(services))
                .register(new PublicResource(services))
                .register(new RequestContextFilter(swiftStore.info(), limits))
                .register(new SwiftHeadersFilter(limits))
                .register(new TempUrlFilter(Clock.systemUTC(), metrics))
                .register(new TempUrlReplyFilter())
                .register(new CorsReplyFilter())
                .register(new EtagQuoter())
                .register(new UnreadBodyDrain())
                .register(SwiftExceptionMapper.class)
                .register(UnexpectedExceptionMapper.class)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                // No resource reads or writes jakarta.activation.DataSource bodies: without this Jersey looks
                // for that class at start and warns that its provider is missing (CleanStartTest).
                .property(CommonProperties.PROVIDER_DEFAULT_DISABLE, "DATASOURCE")
                .property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true)
                // Swift sends Location as the path it names (a symlink's 307), never made absolute.
                .property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        Server jetty = JettyServerFactory.create(config.server().host(), config.server().port(),
                config.server().idleTimeoutSeconds(), config.server().accessLog(), new ServletContainer(app),
                servlets -> config.server().plainReads() ? new PlainReadHandler(servlets, services, metrics) : servlets);
        HealthCheckRegistry health = healthChecks(store, config, dataDir, hasher, admin);
        // The web page (/ui/, and / redirected there) before the Swift layers: none of them sees its requests.
        jetty.setHandler(new RequestMetrics(new AdminEndpoints(new UiHandler(jetty.getHandler()), metrics, health,
                adminAllowed), metrics));
        try {
            jetty.start();
        } catch (Exception e) {
            admin.close();
            blockIo.shutdownNow();
            nbd.close();
            hasher.close();
            volumes.close();
            jetty.stop();
            throw e;
        }
        ObjectExpirer expirer = new ObjectExpirer(store.metadata(), Clock.systemUTC(), metrics).start(EXPIRER_INTERVAL);
        TesseraServer server = new TesseraServer(store, jetty, blockIo, metrics, health, volumes, hasher, nbd, expirer);
        server.admin = admin;
        server.md5s = md5s;
        server.dataDir = dataDir;
        if (dataDir != null) {
            String host = config.server().host();
            boolean wildcard = host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
            String reach = wildcard ? "127.0.0.1" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            server.adminEndpoint = new AdminEndpoint("http://" + reach + ":" + server.port(), adminToken);
            server.adminEndpoint.write(dataDir);
        }
        if (config.gc().enabled()) {
            admin.scheduleGc(Duration.ofMinutes(config.gc().intervalMinutes()));
        }
        log.info("Tessera serving the Swift API on http://{}:{}/ (auth: /auth/v1.0), the web page at /ui/, volumes at /volumes/v1,"
                + " NBD at {}", config.server().host(), server.port(), nbdUri(nbd, vc, "{export}"));
        return server;
    }

    /**
     * The NBD listeners volumes.nbd asks for: the Unix socket (default, in the data folder), and TCP either
     * with TLS required (tls_dir) or plain on loopback (plain_tcp: loopback).
     */
    private static NbdServer startNbd(TesseraConfig.Volumes vc, VolumeService volumes, Attachments attachments,
                                      Set<InetAddress> allowed, Path dataDir, MetricRegistry metrics) throws Exception {
        TesseraConfig.Nbd nc = vc.nbd();
        List<NbdServer.Listener> listeners = new ArrayList<>();
        if (!nc.socket().isEmpty()) {
            Path base = dataDir != null ? dataDir : Files.createTempDirectory("tessera-nbd");
            Path socket = base.resolve(nc.socket());
            boolean group = nc.socketPermissions().stream().anyMatch(p -> p.name().startsWith("GROUP"));
            if (group && dataDir != null && socket.toAbsolutePath().getParent().equals(dataDir.toAbsolutePath())) {
                // The socket's folder must then let the group in, and the data folder must not.
                throw new IllegalArgumentException("volumes.nbd.socket_mode lets a group connect: put the socket in a "
                        + "folder of its own (volumes.nbd.socket: e.g. /run/tessera/nbd.sock or nbd/nbd.sock), not in the "
                        + "data folder, which only Tessera's user may enter");
            }
            listeners.add(new NbdServer.Unix(socket, nc.socketPermissions()));
        }
        if (nc.tlsDir() != null) {
            listeners.add(new NbdServer.Tcp(vc.nbdHost(), vc.nbdPort(), allowed, NbdTls.fromDirectory(Path.of(nc.tlsDir()))));
        } else if (nc.plainTcp().equals("loopback")) {
            listeners.add(new NbdServer.Tcp(vc.nbdHost(), vc.nbdPort(), allowed, null));
        }
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("volumes.nbd configures no listener (socket is empty, no tls_dir, plain_tcp off)");
        }
        NbdLimits limits = new NbdLimits((long) nc.payloadBudgetMib() << 20, nc.maxConnections(),
                Duration.ofSeconds(nc.handshakeTimeoutSeconds()), Duration.ofSeconds(nc.sendTimeoutSeconds()));
        return new NbdServer(volumes, attachments, listeners, limits, new NbdMetrics(metrics));
    }

    /** The URI clients open an export by: the TCP listener's when there is one, else the Unix socket's. */
    private static String nbdUri(NbdServer nbd, TesseraConfig.Volumes vc, String export) {
        String path = java.util.Arrays.stream(export.split("/", -1))
                .map(p -> p.equals("{export}") ? p : java.net.URLEncoder.encode(p, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("+", "%20"))
                .collect(java.util.stream.Collectors.joining("/"));
        if (nbd.port() > 0) {
            return (vc.nbd().tlsDir() != null ? "nbds://" : "nbd://") + vc.nbdPublicHost() + ":" + nbd.port() + "/" + path;
        }
        return "nbd+unix:///" + path + "?socket=" + nbd.socketPath();
    }

    /** The middleware sections of /info for the features Tessera serves, with Swift's names and fields. */
    private static java.util.Map<String, java.util.Map<String, Object>> swiftFeatures() {
        java.util.Map<String, java.util.Map<String, Object>> features = new java.util.LinkedHashMap<>(java.util.Map.of(
                "tempurl", TempUrlInfo.section(),
                "formpost", FormPostInfo.section(),
                "staticweb", java.util.Map.of(),
                "tempauth", java.util.Map.of("account_acls", true),
                "slo", SloLimits.DEFAULTS.asInfo(),
                "bulk_delete", BulkLimits.DEFAULTS.deleteInfo(),
                "bulk_upload", BulkLimits.DEFAULTS.uploadInfo()));
        features.putAll(SwiftFeatures.info()); // symlink, versioning, quotas, etag_quoter
        return features;
    }

    /** /healthcheck: the store answers, the embedded store's disk has room, the background jobs run. */
    private static HealthCheckRegistry healthChecks(Store store, TesseraConfig config, Path dataDir, Hasher hasher,
                                                    AdminJobs jobs) {
        HealthCheckRegistry health = new HealthCheckRegistry();
        health.register("store", HealthChecks.store(store));
        if ("embedded".equalsIgnoreCase(config.store().backend()) && dataDir != null) {
            health.register("disk", HealthChecks.diskSpace(dataDir, config.admin().minFreeDiskMib()));
        }
        health.register("snapshot-hasher", HealthChecks.backgroundJob("the snapshot hasher", hasher::isAlive));
        health.register("maintenance-jobs", HealthChecks.backgroundJob("the collector's schedule and job worker", jobs::isAlive));
        return health;
    }

    private static Set<InetAddress> addresses(List<String> hosts) throws java.net.UnknownHostException {
        Set<InetAddress> all = new HashSet<>();
        for (String h : hosts) {
            all.addAll(List.of(InetAddress.getAllByName(h)));
        }
        return all;
    }

    /** The keyring that signs tokens: a 0600 file in the data folder ({@link TokenSecrets}). */
    static Path tokenSecretsFile(Path dataDir) {
        return dataDir.resolve("token-secrets");
    }

    /** The NBD TCP port, or -1 without a TCP listener. */
    public int nbdPort() {
        return nbd.port();
    }

    /** The NBD Unix socket, or null without one. */
    public Path nbdSocket() {
        return nbd.socketPath();
    }

    public VolumeService volumes() {
        return volumes;
    }

    public ObjectExpirer expirer() {
        return expirer;
    }

    public Hasher hasher() {
        return hasher;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    public Store store() {
        return store;
    }

    public MetricRegistry metrics() {
        return metrics;
    }

    /** The checks of /healthcheck; background jobs started later (e.g. the collector) register theirs here. */
    public HealthCheckRegistry healthChecks() {
        return health;
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    public AdminJobs admin() {
        return admin;
    }

    @Override
    public void close() {
        if (adminEndpoint != null) {
            adminEndpoint.remove(dataDir);
        }
        admin.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server failed", e);
        }
        expirer.close();
        if (md5s != null) {
            md5s.close(); // it reads blocks: before the store closes
        }
        nbd.close();
        hasher.close();
        volumes.close();
        blockIo.shutdown();
        store.close();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
