package io.tessera.server;

import io.tessera.server.config.ConfigLoader;
import io.tessera.swift.auth.KeyHasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Tessera for tests: the production configuration path (a YAML file, a users file, the
 * environment overrides), a store ({@link TestBackend}: the embedded one in a temporary folder unless
 * told otherwise), the HTTP server on a free port.
 */
final class TestServer implements AutoCloseable {
    static final String USER = "test:tester";
    static final String KEY = "testing";
    static final String ACCOUNT = "AUTH_test";

    final Path home;
    final TesseraServer server;

    private TestServer(Path home, TesseraServer server) {
        this.home = home;
        this.server = server;
    }

    static TestServer start(Path home) throws Exception {
        return start(home, TestBackend.embedded());
    }

    static TestServer start(Path home, TestBackend backend) throws Exception {
        return new TestServer(home, TesseraServer.start(new ConfigLoader(writeConfig(home, 0, backend)).load()));
    }

    /** Starts again on the configuration already under {@code home} (which the test may have edited). */
    static TestServer restart(Path home) throws Exception {
        return new TestServer(home, TesseraServer.start(new ConfigLoader(environment(home, 0)).load()));
    }

    /** The key hashes of KEY, testing2, testing3 and reseller, at the server's minimum strength. */
    static final java.util.List<String> HASHES = java.util.stream.Stream.of(KEY, "testing2", "testing3", "reseller")
            .parallel().map(KeyHasher::hash).toList();

    static Map<String, String> writeConfig(Path home, int port) throws IOException {
        return writeConfig(home, port, TestBackend.embedded());
    }

    /** Writes conf/ under {@code home} and returns the environment that points Tessera at it. */
    static Map<String, String> writeConfig(Path home, int port, TestBackend backend) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("tessera.yaml"), """
                server:
                  host: 127.0.0.1
                  port: 8080
                  idle_timeout_seconds: 5
                %s\
                auth:
                  users_file: users.yaml
                volumes:
                  nbd:
                    plain_tcp: loopback   # tests open nbd://127.0.0.1:port (the Unix socket is there too)
                """.formatted(backend.storeYaml()));
        // Real-strength hashes (the server refuses weaker ones), made once per test JVM; the server's
        // cache of recent successes keeps the swift CLI's authentication on every call cheap.
        Files.writeString(conf.resolve("users.yaml"), """
                users:
                  - user: "test:tester"
                    key_hash: "%s"
                    roles: [admin]
                  - user: "test2:tester2"
                    key_hash: "%s"
                    roles: [admin]
                  - user: "test:tester3"
                    key_hash: "%s"
                    roles: []
                  - user: "reseller:admin"
                    key_hash: "%s"
                    roles: [reseller_admin]
                """.formatted(HASHES.get(0), HASHES.get(1), HASHES.get(2), HASHES.get(3)));
        return environment(home, port);
    }

    /** The environment that points Tessera at the configuration under {@code home}. */
    static Map<String, String> environment(Path home, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("TESSERA_HOME", home.toString());
        env.put("TESSERA_PORT", String.valueOf(port));
        env.put("TESSERA_NBD_PORT", "0"); // a free port: tests run side by side (and 10809 may be taken)
        env.put("TESSERA_DATA_DIR", home.resolve("data").toString());
        return env;
    }

    int port() {
        return server.port();
    }

    int nbdPort() {
        return server.nbdPort();
    }

    String authUrl() {
        return "http://127.0.0.1:" + port() + "/auth/v1.0";
    }

    String storageUrl() {
        return "http://127.0.0.1:" + port() + "/v1/" + ACCOUNT;
    }

    @Override
    public void close() {
        server.close();
    }
}
