package io.tessera.store.cassandra;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.BlockStore;
import io.tessera.store.MapStore;
import io.tessera.store.MetadataStore;
import io.tessera.store.Store;
import io.tessera.store.StoreUnavailableException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cassandra backend: everything in one keyspace of an Apache Cassandra cluster, reached through the
 * Java driver 4.x. Frontends hold no state of their own, so any number of them can share a cluster.
 * SCHEMA.md describes the tables and why every partition stays bounded.
 */
public final class CassandraStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraStore.class);

    private final CqlSession session;
    private final Cql cql;
    private final BlockSize blockSize;
    private final CassandraBlockStore blocks;
    private final CassandraMapStore maps;
    private final CassandraMetadataStore metadata;
    private final PreparedStatement probe;
    private final CassandraOwnedBlockStore owned;
    private final CassandraVolumeStore volumes;
    private final CassandraGcStore gc;
    private final ObjectTable objects;
    private final ExpiryIndex expiries;
    private final ClockSkew clockSkew;
    private final ScheduledExecutorService clockChecks;

    private CassandraStore(CqlSession session, CassandraConfig config, CassandraSchema.StoreParameters params,
                           MetricRegistry metrics, LongSupplier clockMillis) {
        this.session = session;
        this.cql = new Cql(session, config.keyspace(), config.requestTimeout());
        // Writes are refused while this frontend's clock is too far from the cluster's: measured now, before
        // the first write, then periodically (SCHEMA.md, Clocks).
        this.clockSkew = new ClockSkew(cql, config.localDatacenter(), clockMillis, ClockSkew.BOUND);
        clockSkew.measure();
        cql.gateWrites(clockSkew::checkWrite);
        this.clockChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tessera-cassandra-clock");
            t.setDaemon(true);
            return t;
        });
        clockChecks.scheduleWithFixedDelay(this::measureClock, ClockSkew.PERIOD.toMillis(), ClockSkew.PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        metrics.remove("tessera.store.cassandra.clock.offset.ms");
        metrics.register("tessera.store.cassandra.clock.offset.ms", (Gauge<Long>) () -> {
            ClockSkew.Measurement m = clockSkew.last();
            return m == null ? 0L : m.offsetMillis();
        });
        this.blockSize = params.blockSize();
        UsageCounters usage = new UsageCounters(cql);
        this.blocks = new CassandraBlockStore(cql, blockSize.bytes(), usage, metrics);
        this.maps = new CassandraMapStore(cql, blockSize, metrics);
        this.expiries = new ExpiryIndex(cql);
        this.objects = new ObjectTable(cql, params.listingShards(), usage, expiries);
        this.metadata = new CassandraMetadataStore(cql, usage, objects, expiries);
        this.owned = new CassandraOwnedBlockStore(cql, blockSize.bytes());
        this.volumes = new CassandraVolumeStore(cql, owned);
        this.gc = new CassandraGcStore(cql, blocks, maps);
        this.probe = cql.prepare("SELECT value FROM {ks}.store_meta WHERE key = 'schema_version'");
    }

    /** Connects, creates or upgrades the schema, and returns the store; StoreUnavailableException if the cluster cannot be reached. */
    public static CassandraStore open(CassandraConfig config) {
        return open(config, new MetricRegistry());
    }

    public static CassandraStore open(CassandraConfig config, MetricRegistry metrics) {
        return open(config, metrics, System::currentTimeMillis);
    }

    /** @param clockMillis the clock measured against the cluster's (tests skew it; see {@link ClockSkew}) */
    static CassandraStore open(CassandraConfig config, MetricRegistry metrics, LongSupplier clockMillis) {
        long start = System.nanoTime();
        CqlSession session = connect(config);
        try {
            CassandraSchema.StoreParameters params = new CassandraSchema(session, config).createOrUpgrade();
            CassandraStore store = new CassandraStore(session, config, params, metrics, clockMillis);
            LOG.info("Cassandra store open: keyspace {}, block size {}, {} listing shards, {} ({} ms)",
                    config.keyspace(), params.blockSize().bytes(), params.listingShards(), config.consistency(),
                    (System.nanoTime() - start) / 1_000_000);
            return store;
        } catch (RuntimeException e) {
            session.close();
            throw CassandraErrors.translate(e, "opening keyspace " + config.keyspace());
        }
    }

    private static CqlSession connect(CassandraConfig config) {
        DriverConfigLoader loader = DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.SESSION_NAME, "tessera")
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, config.requestTimeout())
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, config.consistency().name())
                .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
                // Only statements we mark idempotent are retried or speculatively re-sent.
                .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, false)
                // A slow node answers its first queries slowly: the driver's 5 s defaults are too short.
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, config.requestTimeout())
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, config.requestTimeout())
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, config.requestTimeout())
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, config.schemaTimeout())
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, config.schemaTimeout())
                .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of(config.keyspace()))
                // Each DDL statement's answer waits for the schema refresh that follows it, debounced by a
                // window of 1 s by default: a keyspace's ~30 statements took 36 s. Statements here come one
                // at a time, so there is nothing to coalesce: a short window.
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
                // A node (or the whole cluster) that comes back is found within 10 s, not the default 60.
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofSeconds(1))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(10))
                // Fail at start rather than hang retrying an unreachable cluster.
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                .build();
        CqlSessionBuilder builder = CqlSession.builder()
                .withConfigLoader(loader)
                .withLocalDatacenter(config.localDatacenter());
        for (String point : config.contactPoints()) {
            int colon = point.lastIndexOf(':');
            builder.addContactPoint(new InetSocketAddress(point.substring(0, colon),
                    Integer.parseInt(point.substring(colon + 1))));
        }
        if (config.username() != null) {
            builder.withAuthCredentials(config.username(), config.password());
        }
        if (config.tls() != null) {
            builder.withSslEngineFactory(new ProgrammaticSslEngineFactory(TlsContexts.sslContext(config.tls()), null,
                    config.tls().hostnameValidation()));
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            throw CassandraErrors.translate(e, "connecting to " + config.contactPoints());
        }
    }

    @Override
    public BlockStore blocks() {
        return blocks;
    }

    @Override
    public MapStore maps() {
        return maps;
    }

    @Override
    public MetadataStore metadata() {
        return metadata;
    }

    @Override
    public io.tessera.store.OwnedBlockStore owned() {
        return owned;
    }

    @Override
    public io.tessera.store.VolumeStore volumes() {
        return volumes;
    }

    @Override
    public io.tessera.store.GcStore gc() {
        return gc;
    }

    @Override
    public BlockSize blockSize() {
        return blockSize;
    }

    /** One read at the store's consistency level: it fails when too few replicas are up, not only when all are down. */
    @Override
    public void checkReachable() {
        cql.execute(probe.bind().setIdempotent(true), "health probe");
    }

    private void measureClock() {
        try {
            clockSkew.measure();
        } catch (RuntimeException e) {
            LOG.debug("clock measurement failed", e);
        }
    }

    /** The clock check, for tests that measure again after skewing the clock. */
    ClockSkew clockSkew() {
        return clockSkew;
    }

    /** The expiry index, for tests that drain it right after they fill it (ExpiryIndex#lateWriteMargin). */
    ExpiryIndex expiryIndex() {
        return expiries;
    }

    /** The object table, for tests that pause a put part way (ObjectTable#beforeWrite). */
    ObjectTable objectTable() {
        return objects;
    }

    @Override
    public void close() {
        clockChecks.shutdownNow();
        session.close();
    }
}
