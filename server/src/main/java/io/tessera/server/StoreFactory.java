package io.tessera.server;

import com.codahale.metrics.MetricRegistry;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.tessera.hashmap.BlockSize;
import io.tessera.server.config.ConfigException;
import io.tessera.server.config.TesseraConfig;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.cassandra.CassandraConfig;
import io.tessera.store.cassandra.CassandraStore;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the backend the configuration names. A setting it cannot use is a {@link ConfigException}; a
 * cluster it cannot reach is a {@link io.tessera.store.StoreUnavailableException}.
 */
final class StoreFactory {
    private static final Logger log = LoggerFactory.getLogger(StoreFactory.class);

    private StoreFactory() {
    }

    static Store open(TesseraConfig.StoreSettings settings, Path dataDir, MetricRegistry metrics) throws Exception {
        try {
            return openBackend(settings, dataDir, metrics);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The store refused what it was given: a truststore it cannot read, a keyspace or data folder
            // created with another block size, a schema newer than this Tessera.
            throw new ConfigException("cannot open the " + settings.backend() + " store: " + e.getMessage(), e);
        }
    }

    private static Store openBackend(TesseraConfig.StoreSettings settings, Path dataDir, MetricRegistry metrics)
            throws Exception {
        Durability durability = durability(settings);
        BlockSize blockSize = blockSize(settings);
        return switch (settings.backend().toLowerCase(Locale.ROOT)) {
            case "embedded" -> {
                log.info("embedded store in {}", dataDir);
                yield EmbeddedStore.open(dataDir, blockSize, durability, metrics);
            }
            case "cassandra" -> {
                CassandraConfig config = cassandraConfig(settings.cassandra(), blockSize, durability);
                log.info("cassandra store: keyspace {} in datacenter {} via {}, {}", config.keyspace(),
                        config.localDatacenter(), config.contactPoints(), config.consistency());
                yield CassandraStore.open(config, metrics);
            }
            default -> throw new ConfigException(
                    "store.backend (TESSERA_STORE) must be 'embedded' or 'cassandra', not '" + settings.backend() + "'");
        };
    }

    static CassandraConfig cassandraConfig(TesseraConfig.CassandraSettings c, BlockSize blockSize, Durability durability) {
        DefaultConsistencyLevel consistency;
        try {
            consistency = DefaultConsistencyLevel.valueOf(c.consistency().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("store.cassandra.consistency must be one of "
                    + Arrays.toString(DefaultConsistencyLevel.values()) + ", not '" + c.consistency() + "'");
        }
        if (c.requestTimeoutSeconds() < 1) {
            throw new ConfigException("store.cassandra.request_timeout_seconds must be at least 1, not "
                    + c.requestTimeoutSeconds());
        }
        TesseraConfig.Tls tls = c.tls();
        if (!tls.enabled() && tls.truststore() != null) {
            throw new ConfigException("store.cassandra.tls.truststore is set but tls.enabled is not true");
        }
        if (c.replication().factor() != null && c.replication().factor() < 3) {
            log.warn("store.cassandra.replication {}: right for one local node, but on a cluster the loss of a node"
                    + " then loses data. Applies only when the keyspace is created.", c.replication());
        }
        try {
            return CassandraConfig.builder()
                    .contactPoints(c.contactPoints())
                    .localDatacenter(c.datacenter())
                    .keyspace(c.keyspace())
                    .replication(c.replication().toCql(c.datacenter()))
                    .consistency(consistency)
                    .requestTimeout(Duration.ofSeconds(c.requestTimeoutSeconds()))
                    .credentials(c.username(), c.password())
                    .tls(tls.enabled() ? new CassandraConfig.Tls(tls.truststore() == null ? null : Path.of(tls.truststore()),
                            tls.truststorePassword(), tls.hostnameValidation()) : null)
                    .blockSize(blockSize)
                    .durability(durability)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("store.cassandra: " + e.getMessage(), e);
        }
    }

    private static Durability durability(TesseraConfig.StoreSettings settings) {
        return switch (settings.durability().toLowerCase(Locale.ROOT)) {
            case "durable" -> Durability.DURABLE;
            case "relaxed" -> Durability.RELAXED;
            default -> throw new ConfigException(
                    "store.durability must be 'durable' or 'relaxed', not '" + settings.durability() + "'");
        };
    }

    private static BlockSize blockSize(TesseraConfig.StoreSettings settings) {
        try {
            return new BlockSize(settings.blockSize());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("store.block_size: " + e.getMessage(), e);
        }
    }
}
