package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a real Cassandra and a keyspace of its own (RF 1), dropped after the class.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final CassandraExtension CASSANDRA = new CassandraExtension();
 *   ... CassandraStore.open(CASSANDRA.config().build()) ...
 * </pre>
 *
 * <p>Where the Cassandra comes from, first match wins (once per JVM, shared by every test class):
 * <ol>
 *   <li>{@code TESSERA_TEST_CASSANDRA=host:port} (environment or system property; data center from
 *       {@code TESSERA_TEST_CASSANDRA_DC}, default datacenter1): a cluster someone already runs. An explicit
 *       choice beats anything detected.</li>
 *   <li>a Docker engine: a Testcontainers {@code cassandra:5.0.6} container;</li>
 *   <li>otherwise {@code bin/cassandra-local start} from the project root (found by walking up from the
 *       working directory): a node that is already up is reused and left running; one this extension
 *       started is stopped when the test run ends ({@code TESSERA_TEST_CASSANDRA_KEEP=1} keeps it).</li>
 * </ol>
 * If none works the tests fail with the reason. They are never skipped: a green build must mean the
 * Cassandra tests ran.
 */
public final class CassandraExtension implements BeforeAllCallback, AfterAllCallback {
    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

    private Class<?> owner;
    private String keyspace;
    private CqlSession session;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (owner != null) {
            return; // a @Nested class of the class that registered us: same keyspace
        }
        owner = context.getRequiredTestClass();
        CassandraNode.get(context); // fails the class with the reason if there is no Cassandra
        String name = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        keyspace = "t_" + name.substring(0, Math.min(name.length(), 30)) + "_"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        owner = null;
        if (keyspace == null) {
            return; // beforeAll found no Cassandra and said why
        }
        try {
            session().execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(DDL_TIMEOUT));
        } finally {
            keyspace = null;
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }

    /** {@code host:port} of the node. */
    public String contactPoint() {
        return CassandraNode.current().contactPoint();
    }

    public String localDatacenter() {
        return CassandraNode.current().datacenter();
    }

    /** This test class's keyspace; it does not exist until a store (or the test) creates it. */
    public String keyspace() {
        return keyspace;
    }

    /**
     * A store configuration for this class's keyspace: RF 1, and timeouts for a node that shares two cores
     * with other builds.
     */
    public CassandraConfig.Builder config() {
        return CassandraConfig.builder()
                .contactPoints(contactPoint())
                .localDatacenter(localDatacenter())
                .keyspace(keyspace)
                .replication(CassandraConfig.simpleStrategy(1))
                .requestTimeout(Duration.ofSeconds(20))
                .schemaTimeout(DDL_TIMEOUT);
    }

    /** A plain driver session on the node (no keyspace), for tests that look at the tables themselves. */
    public synchronized CqlSession session() {
        if (session == null) {
            String[] hp = contactPoint().split(":");
            session = CqlSession.builder()
                    .addContactPoint(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))
                    .withLocalDatacenter(localDatacenter())
                    .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
                            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, DDL_TIMEOUT)
                            .build())
                    .build();
        }
        return session;
    }
}
