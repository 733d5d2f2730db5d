package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.StoreUnavailableException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the keyspace and tables at start and upgrades them: each migration is a list of idempotent
 * DDL statements ({@code IF NOT EXISTS}), and the {@code schema_version} row records the last one applied.
 * SCHEMA.md explains every table.
 *
 * <p>Several frontends may start at once. All their DDL goes to one coordinator (the live node with the
 * smallest host id), where schema changes are applied one at a time, so two concurrent
 * {@code CREATE TABLE IF NOT EXISTS} cannot create the same table twice with different ids.
 */
final class CassandraSchema {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraSchema.class);

    /** Migration i+1 is {@code MIGRATIONS.get(i)}. Append new ones; never edit an applied one. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            // Store-wide facts fixed at creation (block size, listing shards) and the schema version.
            "CREATE TABLE IF NOT EXISTS {ks}.store_meta (key text PRIMARY KEY, value text)",
            // Blocks: one partition each. The index row is written after the content and says "this
            // block is durable"; existence checks read it and never touch the (up to 4 MiB) content.
            "CREATE TABLE IF NOT EXISTS {ks}.blocks (hash blob PRIMARY KEY, content blob)",
            "CREATE TABLE IF NOT EXISTS {ks}.block_index (hash blob PRIMARY KEY, size int)",
            "CREATE TABLE IF NOT EXISTS {ks}.block_usage (shard int PRIMARY KEY, blocks counter, bytes counter)",
            // Maps: the header row is written last (a map without it does not exist); hashes live in
            // pages of 4096, sixteen pages per partition.
            "CREATE TABLE IF NOT EXISTS {ks}.maps (map_id text PRIMARY KEY, block_size int, length bigint,"
                    + " hash_count bigint)",
            "CREATE TABLE IF NOT EXISTS {ks}.map_pages (map_id text, page_group int, page int, hashes blob,"
                    + " PRIMARY KEY ((map_id, page_group), page))",
            // Accounts and containers.
            "CREATE TABLE IF NOT EXISTS {ks}.accounts (account text PRIMARY KEY, created bigint,"
                    + " metadata map<text, text>)",
            "CREATE TABLE IF NOT EXISTS {ks}.account_usage (account text PRIMARY KEY, containers counter,"
                    + " objects counter, bytes counter)",
            "CREATE TABLE IF NOT EXISTS {ks}.containers (account text, container text, created bigint,"
                    + " metadata map<text, text>, PRIMARY KEY (account, container))",
            "CREATE TABLE IF NOT EXISTS {ks}.container_usage (account text, container text, objects counter,"
                    + " bytes counter, PRIMARY KEY (account, container))",
            // Objects: the whole published version is one cell (a frozen UDT), so two versions can never
            // mix, not even when their timestamps tie. A delete is a version with deleted = true.
            "CREATE TYPE IF NOT EXISTS {ks}.object_version (ts bigint, deleted boolean, map_root blob,"
                    + " map_length bigint, etag text, content_type text, metadata frozen<map<text, text>>)",
            "CREATE TABLE IF NOT EXISTS {ks}.objects (account text, container text, shard int, name text,"
                    + " version frozen<object_version>, claim frozen<tuple<bigint, bigint>>,"
                    + " PRIMARY KEY ((account, container, shard), name))",
            "CREATE TABLE IF NOT EXISTS {ks}.settings (key text PRIMARY KEY, value text)"),
            // 2: volumes (SCHEMA.md, Volumes).
            java.util.stream.Stream.concat(CassandraOwnedBlockStore.ddl().stream(), CassandraVolumeStore.ddl().stream())
                    .toList(),
            // 3: the collector (store/GC.md): the condemned mark on blocks and maps, and its own state.
            CassandraGcStore.ddl(),
            // 4: the expiry index (SCHEMA.md, Expiring objects).
            ExpiryIndex.ddl(),
            // 5: container incarnations (SCHEMA.md, Container incarnations): rows are keyed by ContainerKey.
            List.of("ALTER TABLE {ks}.containers ADD IF NOT EXISTS incarnation text"),
            // 6: bounded queues (SCHEMA.md): the expiry index in minute-and-shard partitions, and short
            // tombstone lifetimes for the queue tables.
            java.util.stream.Stream.concat(ExpiryIndex.bucketedDdl().stream(), java.util.stream.Stream.of(
                    "ALTER TABLE {ks}.hash_jobs WITH gc_grace_seconds = " + CassandraSchema.QUEUE_GC_GRACE_SECONDS))
                    .toList(),
            // 7: fencing of volume writes by the lease generation (SCHEMA.md, Volumes).
            CassandraVolumeStore.fencingDdl(),
            // 8: no list partition grows with the backlog or the horizon: hash jobs in shards 1-16 of hash_jobs
            // (SCHEMA.md, Volumes: hash jobs; no DDL, the rows move), and the expiry index's minutes listed
            // per shard and day (SCHEMA.md, Expiring objects). The version keeps older frontends, which
            // would write the old layouts, from starting.
            ExpiryIndex.dailyListDdl(),
            // 9: NBD attachments, which clients may open which export (SCHEMA.md, Volumes).
            CassandraVolumeStore.attachmentsDdl(),
            // 10: Pithos public links, token -> object path (SCHEMA.md, Public links).
            List.of("CREATE TABLE IF NOT EXISTS {ks}.public_links (id text PRIMARY KEY, account text,"
                    + " container text, object text)"),
            // 11: path indexes (SCHEMA.md, Path indexes): hints derived from object rows (Pithos sharing).
            List.of("CREATE TABLE IF NOT EXISTS {ks}.path_index (part text, entry text, value text,"
                    + " PRIMARY KEY (part, entry))"));

    static final int VERSION = MIGRATIONS.size();
    /**
     * gc_grace_seconds of the queue tables (hash jobs, expiry entries and their bucket lists): 3 hours
     * instead of Cassandra's 10 days. A deleted queue row that a replica missed may come back if no
     * repair ran within this time; every reader of these queues re-checks what a row names (the hasher
     * the object's current version, the expirer the object), so a row that comes back costs one look.
     */
    static final int QUEUE_GC_GRACE_SECONDS = 3 * 3600;
    /** Tries of one DDL statement that times out (each waits up to the schema timeout). */
    static final int DDL_ATTEMPTS = 3;

    /** What the store was created with; later configuration cannot change it. */
    record StoreParameters(BlockSize blockSize, int listingShards) {
    }

    private final CqlSession session;
    private final CassandraConfig config;
    private final String ks;
    private final Cql ddlWaits;

    CassandraSchema(CqlSession session, CassandraConfig config) {
        this.session = session;
        this.config = config;
        this.ks = config.keyspace();
        // DDL waits use the schema timeout, not the (shorter) data request timeout.
        this.ddlWaits = new Cql(session, ks, config.schemaTimeout());
    }

    /** Creates or upgrades the schema, waits for agreement, and returns the store's fixed parameters. */
    StoreParameters createOrUpgrade() {
        long start = System.nanoTime();
        ddl("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + config.replication()
                + " AND durable_writes = true");
        ddl(MIGRATIONS.get(0).get(0)); // store_meta, to read the version from
        int version = readMeta("schema_version", ConsistencyLevel.LOCAL_QUORUM).map(Integer::parseInt).orElse(0);
        if (version > VERSION) {
            throw new IllegalStateException("keyspace " + ks + " has schema version " + version
                    + ", newer than this Tessera knows (" + VERSION + "): upgrade Tessera");
        }
        for (int v = version + 1; v <= VERSION; v++) {
            LOG.info("Applying Cassandra schema migration {} to keyspace {}", v, ks);
            MIGRATIONS.get(v - 1).forEach(this::ddl);
            awaitAgreement();
            ddlWaits.execute(SimpleStatement.newInstance(
                            "UPDATE " + ks + ".store_meta SET value = ? WHERE key = 'schema_version'", String.valueOf(v))
                    .setIdempotent(true), "recording schema version");
        }
        awaitAgreement();
        StoreParameters params = new StoreParameters(
                new BlockSize(Integer.parseInt(fixAtCreation("block_size", config.blockSize().bytes()))),
                Integer.parseInt(fixAtCreation("listing_shards", config.listingShards())));
        if (!params.blockSize().equals(config.blockSize())) {
            throw new IllegalStateException("keyspace " + ks + " was created with block size "
                    + params.blockSize().bytes() + ", the configuration says " + config.blockSize().bytes()
                    + ": a store's block size cannot change");
        }
        if (params.listingShards() != config.listingShards()) {
            LOG.info("Keyspace {} keeps the {} listing shards it was created with (configuration: {})",
                    ks, params.listingShards(), config.listingShards());
        }
        logReplication();
        checkDurability();
        LOG.info("Cassandra schema of keyspace {} is at version {} ({} ms)", ks, VERSION,
                (System.nanoTime() - start) / 1_000_000);
        return params;
    }

    /** Stores {@code value} under {@code key} unless the key has one (first creator wins); returns what is stored. */
    private String fixAtCreation(String key, int value) {
        Row row = ddlWaits.execute(SimpleStatement.newInstance(
                        "INSERT INTO " + ks + ".store_meta (key, value) VALUES (?, ?) IF NOT EXISTS", key, String.valueOf(value))
                .setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL), "fixing " + key).one();
        if (row == null || row.getBoolean("[applied]")) {
            return String.valueOf(value);
        }
        return row.getString("value");
    }

    private Optional<String> readMeta(String key, ConsistencyLevel cl) {
        AsyncResultSet rs = ddlWaits.execute(SimpleStatement.newInstance(
                "SELECT value FROM " + ks + ".store_meta WHERE key = ?", key).setConsistencyLevel(cl), "reading " + key);
        Row row = rs.one();
        return row == null ? Optional.empty() : Optional.ofNullable(row.getString("value"));
    }

    /**
     * Runs one DDL statement. Every statement is idempotent ({@code IF NOT EXISTS}), so one that times out
     * (a busy cluster may take longer than the schema timeout to apply it everywhere; it usually still
     * does) is sent again, up to {@link #DDL_ATTEMPTS} times in all.
     */
    private void ddl(String cql) {
        String text = cql.replace("{ks}", ks);
        for (int attempt = 1; ; attempt++) {
            SimpleStatement statement = SimpleStatement.newInstance(text).setTimeout(config.schemaTimeout())
                    .setIdempotent(true);
            ddlNode().ifPresent(statement::setNode);
            try {
                ddlWaits.execute(statement, text);
                // Asked here, of every node, even when the answer says the nodes agree: that answer came
                // before a three-node cluster agreed (NodeLossIT), and the next statement may go to any node.
                awaitAgreement();
                return;
            } catch (StoreUnavailableException e) {
                boolean timedOut = e.getCause() instanceof DriverTimeoutException || e.getCause() instanceof TimeoutException;
                if (attempt >= DDL_ATTEMPTS || !timedOut) {
                    throw e;
                }
                LOG.warn("Schema change timed out after {} s (attempt {} of {}), sending it again: {}",
                        config.schemaTimeout().toSeconds(), attempt, DDL_ATTEMPTS, text);
            }
        }
    }

    /** The live node with the smallest host id: every frontend picks the same one. */
    private Optional<Node> ddlNode() {
        return session.getMetadata().getNodes().values().stream()
                .filter(n -> n.getState() == NodeState.UP && n.getHostId() != null)
                .min(Comparator.comparing(Node::getHostId));
    }

    private void awaitAgreement() {
        long deadline = System.nanoTime() + config.schemaTimeout().toNanos();
        while (!schemaAgreed()) {
            if (System.nanoTime() > deadline) {
                throw new StoreUnavailableException("Cassandra nodes did not agree on the schema of keyspace " + ks
                        + " within " + config.schemaTimeout().toSeconds() + " s (a node down or partitioned?)");
            }
            sleep(Duration.ofMillis(500));
        }
    }

    /**
     * Whether every live node reports the same schema version, each asked itself ({@code system.local} on
     * that node). The driver's own check reads the other nodes' versions from one node's {@code
     * system.peers}, which gossip updates late: right after a DDL statement it can agree while a node
     * still lacks the table (NodeLossIT on three nodes: "table store_meta does not exist").
     */
    private boolean schemaAgreed() {
        List<Node> live = session.getMetadata().getNodes().values().stream()
                .filter(n -> n.getState() == NodeState.UP).toList();
        java.util.Set<Object> versions = new java.util.HashSet<>();
        for (Node node : live) {
            Row row = ddlWaits.execute(SimpleStatement.newInstance("SELECT schema_version FROM system.local")
                    .setNode(node).setIdempotent(true), "reading the schema version of " + node.getEndPoint()).one();
            versions.add(row == null ? null : row.getUuid("schema_version"));
        }
        return versions.size() <= 1 && !versions.contains(null);
    }

    private void logReplication() {
        Row row = ddlWaits.execute(SimpleStatement.newInstance(
                "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", ks), "reading replication").one();
        if (row != null) {
            // An existing keyspace keeps its replication: changing it is an ALTER KEYSPACE plus a repair,
            // an operator's decision, never a side effect of a frontend's configuration.
            LOG.info("Keyspace {} replication: {}", ks, row.getMap("replication", String.class, String.class));
        }
    }

    /**
     * DURABLE promises an fsync before a write returns. Cassandra acknowledges after its commit log is
     * fsynced only with {@code commitlog_sync: batch} or {@code group}; with {@code periodic} (its default)
     * durability rests on the replicas: say so rather than pretend.
     */
    private void checkDurability() {
        if (config.durability() != Durability.DURABLE) {
            return;
        }
        try {
            Row row = ddlWaits.execute(SimpleStatement.newInstance(
                    "SELECT value FROM system_views.settings WHERE name = 'commitlog_sync'"), "reading commitlog_sync").one();
            String mode = row == null ? null : row.getString("value");
            if ("periodic".equalsIgnoreCase(mode)) {
                LOG.warn("Durability DURABLE, but Cassandra runs with commitlog_sync: periodic: a write is acknowledged"
                        + " by {} replicas before it is fsynced, so a power loss of those replicas at once may lose"
                        + " it. Set commitlog_sync: batch (or group) on every node for fsync-before-ack.",
                        config.consistency());
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not read commitlog_sync from system_views.settings", e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for schema agreement", e);
        }
    }
}
