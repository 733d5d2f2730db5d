package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How to reach a Cassandra cluster and lay a store out in it.
 *
 * @param contactPoints   {@code host:port} of a few nodes; the driver discovers the rest
 * @param localDatacenter the datacenter whose nodes serve this frontend (LOCAL_* consistency levels)
 * @param keyspace        created at start if missing; lower case, as CQL folds unquoted names
 * @param replication     the keyspace's replication map, used only when the keyspace is created,
 *                        e.g. {@code {'class': 'NetworkTopologyStrategy', 'dc1': 3}}
 * @param consistency     for every read and write (LWTs use LOCAL_SERIAL); LOCAL_QUORUM by default; only
 *                        {@link #QUORUM_CLASS} levels are accepted
 * @param requestTimeout  per data request, retries included; generous, for a slow node under load
 * @param schemaTimeout   per DDL statement and for schema agreement
 * @param username        null for no authentication
 * @param password        with {@code username}
 * @param tls             null for plain connections; otherwise how to verify the nodes' certificates
 * @param blockSize       the store's block size, fixed at creation; at most 4 MiB here (one block is one
 *                        mutation, and Cassandra refuses mutations over half a commit log segment, 16 MiB)
 * @param durability      {@link Durability#DURABLE} warns at start if the cluster acknowledges writes before
 *                        fsync ({@code commitlog_sync: periodic}); see SCHEMA.md
 * @param listingShards   how many partitions a container's object listing is spread over; fixed when the
 *                        store (keyspace) is created, later values are ignored. See SCHEMA.md
 */
public record CassandraConfig(List<String> contactPoints, String localDatacenter, String keyspace, String replication,
                              DefaultConsistencyLevel consistency, Duration requestTimeout, Duration schemaTimeout,
                              String username, String password, Tls tls, BlockSize blockSize,
                              Durability durability, int listingShards) {

    /** One block must fit in one mutation with room to spare (Cassandra's limit is 16 MiB by default). */
    public static final int MAX_BLOCK_SIZE = 4 * 1024 * 1024;
    public static final int DEFAULT_LISTING_SHARDS = 256;
    /**
     * The consistency levels whose reads see every acknowledged write (ARCHITECTURE invariants 2 and 3):
     * quorum-class ones. ONE, TWO, THREE, LOCAL_ONE and ANY are refused at start.
     */
    public static final java.util.Set<DefaultConsistencyLevel> QUORUM_CLASS = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.of(DefaultConsistencyLevel.LOCAL_QUORUM, DefaultConsistencyLevel.QUORUM,
                    DefaultConsistencyLevel.EACH_QUORUM, DefaultConsistencyLevel.ALL));
    private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final Pattern HOST_PORT = Pattern.compile("[^:\\s]+:\\d{1,5}");

    public CassandraConfig {
        contactPoints = List.copyOf(contactPoints);
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one Cassandra contact point (host:port) is needed");
        }
        for (String point : contactPoints) {
            if (!HOST_PORT.matcher(point).matches()) {
                throw new IllegalArgumentException("contact point must be host:port, not '" + point + "'");
            }
        }
        require(localDatacenter, "local datacenter");
        if (keyspace == null || !KEYSPACE.matcher(keyspace).matches()) {
            throw new IllegalArgumentException("keyspace must match " + KEYSPACE + ", not '" + keyspace + "'");
        }
        if (replication == null || !replication.strip().startsWith("{") || !replication.contains("class")) {
            throw new IllegalArgumentException("replication must be a CQL map with a 'class', not '" + replication + "'");
        }
        require(consistency, "consistency");
        if (consistency.isSerial()) {
            throw new IllegalArgumentException("consistency " + consistency + " is for lightweight transactions only");
        }
        if (!QUORUM_CLASS.contains(consistency)) {
            throw new IllegalArgumentException("consistency " + consistency + " cannot keep the store's promises: a"
                    + " read must see every acknowledged write (a published version names blocks and a map that are"
                    + " there; the collector must see every reference), which takes reads and writes that overlap"
                    + " in a majority of replicas. Use one of " + QUORUM_CLASS + " (LOCAL_QUORUM is the default)");
        }
        requirePositive(requestTimeout, "request timeout");
        requirePositive(schemaTimeout, "schema timeout");
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("username and password go together");
        }
        require(blockSize, "block size");
        if (blockSize.bytes() > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("the cassandra backend stores blocks of at most " + MAX_BLOCK_SIZE
                    + " bytes (one block is one mutation), not " + blockSize.bytes());
        }
        require(durability, "durability");
        if (listingShards < 1 || listingShards > 1024) {
            throw new IllegalArgumentException("listing shards must be between 1 and 1024, not " + listingShards);
        }
    }

    /**
     * Client-to-node encryption.
     *
     * @param truststore         a JKS or PKCS12 file with the certificates (or their CA) to trust; null for the
     *                           JVM's default trust store
     * @param truststorePassword the truststore's password; null when it has none
     * @param hostnameValidation check that a node's certificate names the address it was reached at
     */
    public record Tls(Path truststore, String truststorePassword, boolean hostnameValidation) {
        /** Everything but the password, for logs. */
        @Override
        public String toString() {
            return "Tls[truststore=" + (truststore == null ? "JVM default" : truststore)
                    + ", hostnameValidation=" + hostnameValidation + "]";
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The replication map for a keyspace on one datacenter with {@code factor} replicas. */
    public static String networkTopology(String datacenter, int factor) {
        return "{'class': 'NetworkTopologyStrategy', '" + datacenter.replace("'", "''") + "': " + factor + "}";
    }

    public static String simpleStrategy(int factor) {
        return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
    }

    /** Everything but the password, for logs. */
    @Override
    public String toString() {
        return "CassandraConfig[contactPoints=" + contactPoints + ", localDatacenter=" + localDatacenter
                + ", keyspace=" + keyspace + ", replication=" + replication + ", consistency=" + consistency
                + ", requestTimeout=" + requestTimeout + ", schemaTimeout=" + schemaTimeout
                + ", username=" + username + ", tls=" + tls + ", blockSize=" + blockSize.bytes()
                + ", durability=" + durability + ", listingShards=" + listingShards + "]";
    }

    private static void require(Object value, String what) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }

    /** Defaults: LOCAL_QUORUM, 10 s per request, 30 s per DDL, 4 MiB blocks, DURABLE, RF 3 in the local DC, 256 listing shards. */
    public static final class Builder {
        private List<String> contactPoints = List.of("127.0.0.1:9042");
        private String localDatacenter = "datacenter1";
        private String keyspace = "tessera";
        private String replication;
        private DefaultConsistencyLevel consistency = DefaultConsistencyLevel.LOCAL_QUORUM;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration schemaTimeout = Duration.ofSeconds(30);
        private String username;
        private String password;
        private Tls tls;
        private BlockSize blockSize = BlockSize.DEFAULT;
        private Durability durability = Durability.DURABLE;
        private int listingShards = DEFAULT_LISTING_SHARDS;

        private Builder() {
        }

        public Builder contactPoints(List<String> hostPorts) {
            this.contactPoints = hostPorts;
            return this;
        }

        public Builder contactPoints(String commaSeparated) {
            return contactPoints(List.of(commaSeparated.strip().split("\\s*,\\s*")));
        }

        public Builder localDatacenter(String dc) {
            this.localDatacenter = dc;
            return this;
        }

        public Builder keyspace(String keyspace) {
            this.keyspace = keyspace;
            return this;
        }

        public Builder replication(String replication) {
            this.replication = replication;
            return this;
        }

        public Builder consistency(DefaultConsistencyLevel consistency) {
            this.consistency = consistency;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder schemaTimeout(Duration timeout) {
            this.schemaTimeout = timeout;
            return this;
        }

        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /** Null for plain connections. */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        public Builder blockSize(BlockSize blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        public Builder durability(Durability durability) {
            this.durability = durability;
            return this;
        }

        public Builder listingShards(int shards) {
            this.listingShards = shards;
            return this;
        }

        public CassandraConfig build() {
            String repl = replication != null ? replication : networkTopology(localDatacenter, 3);
            return new CassandraConfig(contactPoints, localDatacenter, keyspace, repl, consistency, requestTimeout,
                    schemaTimeout, username, password, tls, blockSize, durability, listingShards);
        }
    }
}
