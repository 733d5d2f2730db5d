package io.tessera.server;

import com.codahale.metrics.MetricRegistry;
import io.tessera.store.cassandra.CassandraExtension;
import java.nio.file.Path;

/**
 * {@link TestServer} for the web page's tests in {@code io.tessera.server.ui} (TestServer and
 * TestBackend are package-private): the same configuration, users and backends, nothing more.
 */
public final class UiTestServer implements AutoCloseable {
    public static final String USER = TestServer.USER;
    public static final String KEY = TestServer.KEY;
    public static final String ACCOUNT = TestServer.ACCOUNT;
    public static final String USER2 = "test2:tester2";
    public static final String KEY2 = "testing2";
    public static final String ACCOUNT2 = "AUTH_test2";

    private final TestServer server;

    private UiTestServer(TestServer server) {
        this.server = server;
    }

    /** On the embedded store (cassandra null) or on the extension's node, in a keyspace of the test class. */
    public static UiTestServer start(Path home, CassandraExtension cassandra) throws Exception {
        return new UiTestServer(TestServer.start(home, cassandra == null ? TestBackend.embedded()
                : TestBackend.cassandra(cassandra)));
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public MetricRegistry metrics() {
        return server.server.metrics();
    }

    /** The data folder (its token-secrets file is what a rotation changes). */
    public Path dataDir() {
        return server.home.resolve("data");
    }

    @Override
    public void close() {
        server.close();
    }
}
