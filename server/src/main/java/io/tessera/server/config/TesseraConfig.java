package io.tessera.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Everything a user can set, as read from {@code conf/tessera.yaml} (snake_case keys; an unknown
 * key is an error, so a typo never silently falls back to a default). Environment variables
 * override the file: see {@link ConfigLoader}.
 */
public record TesseraConfig(@JsonProperty("server") Server server,
                            @JsonProperty("store") StoreSettings store,
                            @JsonProperty("auth") Auth auth,
                            @JsonProperty("volumes") Volumes volumes,
                            @JsonProperty("gc") Gc gc,
                            @JsonProperty("admin") Admin admin) {

    public TesseraConfig {
        server = server != null ? server : new Server(null, null, null, null, null, null);
        store = store != null ? store : new StoreSettings(null, null, null, null, null);
        auth = auth != null ? auth : new Auth(null, null);
        volumes = volumes != null ? volumes : new Volumes(null, null, null, null, null, null, null);
        gc = gc != null ? gc : new Gc(null, null, null, null, null);
        admin = admin != null ? admin : new Admin(null, null);
    }

    public TesseraConfig(Server server, StoreSettings store, Auth auth, Volumes volumes) {
        this(server, store, auth, volumes, null, null);
    }

    /**
     * The garbage collector (README, "Garbage collection"; store/GC.md).
     *
     * @param enabled         run on a schedule in the server (bin/tessera gc runs one on demand either way)
     * @param intervalMinutes time between the end of one scheduled cycle and the start of the next
     * @param graceMinutes    nothing younger than this is deleted: must exceed the longest upload and the
     *                        clock skew between frontends; garbage is freed one to two cycles after it
     *                        has been unreferenced this long
     * @param bloomFpp        false-positive rate of the mark set (~12 bits per stored block at 0.01); a false
     *                        positive keeps a garbage block one more cycle, never loses data
     * @param accounting      count each account's physical bytes during the mark (one map read per object)
     */
    public record Gc(@JsonProperty("enabled") Boolean enabled,
                     @JsonProperty("interval_minutes") Integer intervalMinutes,
                     @JsonProperty("grace_minutes") Integer graceMinutes,
                     @JsonProperty("bloom_fpp") Double bloomFpp,
                     @JsonProperty("accounting") Boolean accounting) {
        public Gc {
            enabled = enabled == null || enabled;
            intervalMinutes = intervalMinutes != null ? intervalMinutes : 360;
            graceMinutes = graceMinutes != null ? graceMinutes : 1440;
            bloomFpp = bloomFpp != null ? bloomFpp : 0.01;
            accounting = accounting == null || accounting;
        }
    }

    /**
     * {@code /metrics} and {@code /healthcheck} (see io.tessera.server.monitoring.AdminEndpoints).
     *
     * @param allowedHosts client addresses that may read them, when not forwarded by a proxy: [127.0.0.1, ::1]
     * @param minFreeDiskMib the embedded store's data folder is unhealthy below this much free space (1024)
     */
    public record Admin(@JsonProperty("allowed_hosts") List<String> allowedHosts,
                        @JsonProperty("min_free_disk_mib") Long minFreeDiskMib) {
        public Admin {
            allowedHosts = allowedHosts != null ? List.copyOf(allowedHosts) : List.of("127.0.0.1", "::1");
            minFreeDiskMib = minFreeDiskMib != null ? minFreeDiskMib : 1024L;
        }
    }

    /**
     * The volume service and its NBD server.
     *
     * @param nbdHost         the interface the NBD server listens on (127.0.0.1)
     * @param nbdPort         10809 (TESSERA_NBD_PORT overrides; 0 picks a free port)
     * @param nbdAllowedHosts client addresses that may connect (NBD has no authentication): [127.0.0.1, ::1]
     * @param nbdPublicHost   the host put in nbd:// URIs (default: nbdHost)
     * @param nodeId          this server's name in volume write leases (default: host name + NBD port); each
     *                        process adds a unique suffix (VolumeService#holder)
     * @param hasherIdleSeconds how often the snapshot hasher looks for work it was not told about (60)
     * @param nbd             the NBD server's limits and access ({@code volumes.nbd})
     */
    public record Volumes(@JsonProperty("nbd_host") String nbdHost,
                          @JsonProperty("nbd_port") Integer nbdPort,
                          @JsonProperty("nbd_allowed_hosts") java.util.List<String> nbdAllowedHosts,
                          @JsonProperty("nbd_public_host") String nbdPublicHost,
                          @JsonProperty("node_id") String nodeId,
                          @JsonProperty("hasher_idle_seconds") Integer hasherIdleSeconds,
                          @JsonProperty("nbd") Nbd nbd) {
        public Volumes {
            nbdHost = nbdHost != null ? nbdHost : "127.0.0.1";
            nbdPort = nbdPort != null ? nbdPort : 10809;
            nbdAllowedHosts = nbdAllowedHosts != null ? java.util.List.copyOf(nbdAllowedHosts)
                    : java.util.List.of("127.0.0.1", "::1");
            nbdPublicHost = nbdPublicHost != null ? nbdPublicHost : nbdHost;
            hasherIdleSeconds = hasherIdleSeconds != null ? hasherIdleSeconds : 60;
            nbd = nbd != null ? nbd : new Nbd(null, null, null, null, null, null, null, null);
        }

        Volumes withNbdPort(int port) {
            return new Volumes(nbdHost, port, nbdAllowedHosts, nbdPublicHost, nodeId, hasherIdleSeconds, nbd);
        }

        Volumes withNbd(Nbd n) {
            return new Volumes(nbdHost, nbdPort, nbdAllowedHosts, nbdPublicHost, nodeId, hasherIdleSeconds, n);
        }
    }

    /**
     * {@code volumes.nbd}: where the NBD server listens, who may connect, and what bounds it (defaults
     * sized for the default 384 MiB heap).
     *
     * @param socket                  the Unix-domain socket for hypervisors on this host ("" : none); relative
     *                                to the data folder (nbd.sock)
     * @param socketMode              its file mode, which says who may connect ("0600": the server's user;
     *                                "0660" lets its group in too, for a socket outside the data folder)
     * @param tlsDir                  a folder with ca-cert.pem, server-cert.pem, server-key.pem (as QEMU's
     *                                tls-creds-x509): serve TCP on nbd_host:nbd_port with TLS required and client
     *                                certificates verified (null: no TLS listener)
     * @param plainTcp                "off" (default) or "loopback": plain TCP on nbd_host:nbd_port, which must then
     *                                be a loopback address; not together with tls_dir
     * @param payloadBudgetMib        READ replies and WRITE payloads held at once by all connections together,
     *                                taken before a payload is read or a reply built (64; at least 32)
     * @param maxConnections          NBD connections open at once; one more is closed at once (64)
     * @param handshakeTimeoutSeconds a client that has not chosen an export by then is dropped (10)
     * @param sendTimeoutSeconds      a client that takes no reply bytes (or sends no WRITE payload bytes) for
     *                                this long is dropped, freeing what it holds (60)
     */
    public record Nbd(@JsonProperty("socket") String socket,
                      @JsonProperty("socket_mode") String socketMode,
                      @JsonProperty("tls_dir") String tlsDir,
                      @JsonProperty("plain_tcp") String plainTcp,
                      @JsonProperty("payload_budget_mib") Integer payloadBudgetMib,
                      @JsonProperty("max_connections") Integer maxConnections,
                      @JsonProperty("handshake_timeout_seconds") Integer handshakeTimeoutSeconds,
                      @JsonProperty("send_timeout_seconds") Integer sendTimeoutSeconds) {
        public Nbd {
            socket = socket != null ? socket : "nbd.sock";
            socketMode = socketMode != null ? socketMode : "0600";
            plainTcp = plainTcp != null ? plainTcp : "off";
            payloadBudgetMib = payloadBudgetMib != null ? payloadBudgetMib : 64;
            maxConnections = maxConnections != null ? maxConnections : 64;
            handshakeTimeoutSeconds = handshakeTimeoutSeconds != null ? handshakeTimeoutSeconds : 10;
            sendTimeoutSeconds = sendTimeoutSeconds != null ? sendTimeoutSeconds : 60;
            if (!socketMode.matches("0?[0-7]{3}")) {
                throw new IllegalArgumentException("volumes.nbd.socket_mode must be an octal mode such as 0660 or 0600");
            }
            if (!plainTcp.equals("off") && !plainTcp.equals("loopback")) {
                throw new IllegalArgumentException("volumes.nbd.plain_tcp must be off or loopback (plain TCP NBD has no"
                        + " authentication: use tls_dir to serve other hosts)");
            }
            if (plainTcp.equals("loopback") && tlsDir != null) {
                throw new IllegalArgumentException("volumes.nbd: plain_tcp and tls_dir both configure the TCP listener; choose one");
            }
            if (payloadBudgetMib < 32) {
                throw new IllegalArgumentException("volumes.nbd.payload_budget_mib must be at least 32 (the largest NBD request)");
            }
            if (maxConnections < 1 || handshakeTimeoutSeconds < 1 || sendTimeoutSeconds < 1) {
                throw new IllegalArgumentException("volumes.nbd.max_connections and the timeouts must be at least 1");
            }
        }

        /** The socket_mode as permissions. */
        public java.util.Set<java.nio.file.attribute.PosixFilePermission> socketPermissions() {
            int mode = Integer.parseInt(socketMode, 8);
            StringBuilder rwx = new StringBuilder();
            for (int shift = 6; shift >= 0; shift -= 3) {
                int bits = mode >> shift;
                rwx.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
            }
            return java.nio.file.attribute.PosixFilePermissions.fromString(rwx.toString());
        }

        Nbd withTlsDir(String dir) {
            return new Nbd(socket, socketMode, dir, plainTcp, payloadBudgetMib, maxConnections, handshakeTimeoutSeconds,
                    sendTimeoutSeconds);
        }
    }

    public record Server(@JsonProperty("host") String host,
                         @JsonProperty("port") Integer port,
                         @JsonProperty("public_url") String publicUrl,
                         @JsonProperty("idle_timeout_seconds") Integer idleTimeoutSeconds,
                         @JsonProperty("access_log") Boolean accessLog,
                         @JsonProperty("plain_reads") Boolean plainReads) {
        public Server {
            host = host != null ? host : "127.0.0.1";
            port = port != null ? port : 8080;
            idleTimeoutSeconds = idleTimeoutSeconds != null ? idleTimeoutSeconds : 60;
            accessLog = accessLog != null && accessLog;
            plainReads = plainReads == null || plainReads;
        }

        Server withPort(int newPort) {
            return new Server(host, newPort, publicUrl, idleTimeoutSeconds, accessLog, plainReads);
        }

        Server withPlainReads(boolean on) {
            return new Server(host, port, publicUrl, idleTimeoutSeconds, accessLog, on);
        }
    }

    public record StoreSettings(@JsonProperty("backend") String backend,
                                @JsonProperty("data_dir") String dataDir,
                                @JsonProperty("block_size") Integer blockSize,
                                @JsonProperty("durability") String durability,
                                @JsonProperty("cassandra") CassandraSettings cassandra) {
        public StoreSettings {
            backend = backend != null ? backend : "embedded";
            dataDir = dataDir != null ? dataDir : "data";
            blockSize = blockSize != null ? blockSize : 4 * 1024 * 1024;
            durability = durability != null ? durability : "durable";
            cassandra = cassandra != null ? cassandra : new CassandraSettings(null, null, null, null, null, null, null, null, null);
        }

        StoreSettings withBackend(String b) {
            return new StoreSettings(b, dataDir, blockSize, durability, cassandra);
        }

        StoreSettings withDataDir(String d) {
            return new StoreSettings(backend, d, blockSize, durability, cassandra);
        }

        StoreSettings withCassandra(CassandraSettings c) {
            return new StoreSettings(backend, dataDir, blockSize, durability, c);
        }
    }

    /**
     * {@code store.cassandra}: how to reach the cluster when {@code store.backend} is {@code cassandra}.
     * Validated when the store opens (see {@code StoreFactory}); nulls mean the defaults below.
     */
    public record CassandraSettings(@JsonProperty("contact_points") List<String> contactPoints,
                                    @JsonProperty("datacenter") String datacenter,
                                    @JsonProperty("keyspace") String keyspace,
                                    @JsonProperty("replication") Replication replication,
                                    @JsonProperty("consistency") String consistency,
                                    @JsonProperty("request_timeout_seconds") Integer requestTimeoutSeconds,
                                    @JsonProperty("username") String username,
                                    @JsonProperty("password") String password,
                                    @JsonProperty("tls") Tls tls) {
        public CassandraSettings {
            contactPoints = contactPoints != null ? List.copyOf(contactPoints) : List.of("127.0.0.1:9042");
            datacenter = datacenter != null ? datacenter : "datacenter1";
            keyspace = keyspace != null ? keyspace : "tessera";
            replication = replication != null ? replication : new Replication(null, "NetworkTopologyStrategy", 3);
            consistency = consistency != null ? consistency : "LOCAL_QUORUM";
            requestTimeoutSeconds = requestTimeoutSeconds != null ? requestTimeoutSeconds : 10;
            tls = tls != null ? tls : new Tls(null, null, null, null);
        }

        CassandraSettings withContactPoints(List<String> points) {
            return new CassandraSettings(points, datacenter, keyspace, replication, consistency, requestTimeoutSeconds,
                    username, password, tls);
        }

        CassandraSettings withDatacenter(String dc) {
            return new CassandraSettings(contactPoints, dc, keyspace, replication, consistency, requestTimeoutSeconds,
                    username, password, tls);
        }

        CassandraSettings withKeyspace(String ks) {
            return new CassandraSettings(contactPoints, datacenter, ks, replication, consistency, requestTimeoutSeconds,
                    username, password, tls);
        }

        CassandraSettings withTls(Tls t) {
            return new CassandraSettings(contactPoints, datacenter, keyspace, replication, consistency,
                    requestTimeoutSeconds, username, password, t);
        }

        /** Everything but the password. */
        @Override
        public String toString() {
            return "CassandraSettings[contactPoints=" + contactPoints + ", datacenter=" + datacenter + ", keyspace="
                    + keyspace + ", replication=" + replication + ", consistency=" + consistency
                    + ", requestTimeoutSeconds=" + requestTimeoutSeconds + ", username=" + username + ", tls=" + tls + "]";
        }
    }

    /**
     * {@code store.cassandra.tls}: client-to-node encryption. Without a truststore the JVM's default trust
     * store decides which certificates are trusted.
     */
    public record Tls(@JsonProperty("enabled") Boolean enabled,
                      @JsonProperty("truststore") String truststore,
                      @JsonProperty("truststore_password") String truststorePassword,
                      @JsonProperty("hostname_validation") Boolean hostnameValidation) {
        public Tls {
            enabled = enabled != null && enabled;
            hostnameValidation = hostnameValidation == null || hostnameValidation;
        }

        /** Everything but the password. */
        @Override
        public String toString() {
            return "Tls[enabled=" + enabled + ", truststore=" + truststore + ", hostnameValidation=" + hostnameValidation + "]";
        }
    }

    public record Auth(@JsonProperty("users_file") String usersFile,
                       @JsonProperty("token_ttl_seconds") Integer tokenTtlSeconds) {
        public Auth {
            usersFile = usersFile != null ? usersFile : "users.yaml";
            tokenTtlSeconds = tokenTtlSeconds != null ? tokenTtlSeconds : 86_400;
        }
    }

    TesseraConfig withServer(Server s) {
        return new TesseraConfig(s, store, auth, volumes, gc, admin);
    }

    TesseraConfig withStore(StoreSettings s) {
        return new TesseraConfig(server, s, auth, volumes, gc, admin);
    }

    TesseraConfig withVolumes(Volumes v) {
        return new TesseraConfig(server, store, auth, v, gc, admin);
    }
}
