package io.tessera.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file and its environment overrides, the store section in particular. */
class ConfigLoaderTest {
    @TempDir
    Path home;

    private ConfigLoader.Loaded load(String yaml, String... env) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("tessera.yaml"), yaml);
        Files.writeString(conf.resolve("users.yaml"), "users: []\n");
        Map<String, String> vars = new HashMap<>();
        vars.put("TESSERA_HOME", home.toString());
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        return new ConfigLoader(vars).load();
    }

    @Test
    void theShippedConfigurationLoadsWithTheEmbeddedBackendAndACassandraSectionForOneLocalNode() throws IOException {
        Path shipped = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
        ConfigLoader.Loaded loaded = new ConfigLoader(Map.of("TESSERA_HOME", shipped.getParent().toString())).load();
        TesseraConfig.StoreSettings store = loaded.config().store();
        assertThat(store.backend()).isEqualTo("embedded");
        TesseraConfig.CassandraSettings c = store.cassandra();
        assertThat(c.contactPoints()).containsExactly("127.0.0.1:9042");
        assertThat(c.datacenter()).isEqualTo("datacenter1");
        assertThat(c.keyspace()).isEqualTo("tessera");
        assertThat(c.replication().toCql(c.datacenter()))
                .isEqualTo("{'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
        assertThat(c.consistency()).isEqualTo("LOCAL_QUORUM");
        assertThat(c.tls().enabled()).isFalse();
    }

    /** Pithos sharing names accounts without regard to case: two accounts that differ only in case are refused. */
    @Test
    void accountsThatDifferOnlyInCaseAreRefused() throws IOException {
        String hash = io.tessera.swift.auth.KeyHasher.hash("k");
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("tessera.yaml"), "store:\n  backend: embedded\n");
        Files.writeString(conf.resolve("users.yaml"), "users:\n"
                + "  - {user: 'bob:a', key_hash: '" + hash + "', account: AUTH_bob, roles: [admin]}\n"
                + "  - {user: 'Bob:b', key_hash: '" + hash + "', account: AUTH_Bob, roles: [admin]}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigLoader(Map.of("TESSERA_HOME", home.toString())).load())
                .hasMessageContaining("differ only in case");
        Files.writeString(conf.resolve("users.yaml"), "users:\n"
                + "  - {user: 'bob:a', key_hash: '" + hash + "', account: AUTH_bob, roles: [admin]}\n"
                + "  - {user: 'bob:b', key_hash: '" + hash + "', account: AUTH_bob}\n");
        assertThat(new ConfigLoader(Map.of("TESSERA_HOME", home.toString())).load().users()).hasSize(2);
    }

    @Test
    void theNbdSectionIsReadAndCheckedAndDefaultsToTheUnixSocketOnly() throws IOException {
        TesseraConfig.Nbd defaults = load("volumes:\n  nbd_port: 0\n").config().volumes().nbd();
        assertThat(defaults).isEqualTo(new TesseraConfig.Nbd("nbd.sock", "0600", null, "off", 64, 64, 10, 60));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(defaults.socketPermissions())).isEqualTo("rw-------");
        TesseraConfig.Nbd set = load("""
                volumes:
                  nbd:
                    socket: /run/tessera/nbd.sock
                    socket_mode: "0600"
                    tls_dir: pki/nbd
                    payload_budget_mib: 128
                    max_connections: 300
                    handshake_timeout_seconds: 5
                    send_timeout_seconds: 30
                """).config().volumes().nbd();
        assertThat(set).isEqualTo(new TesseraConfig.Nbd("/run/tessera/nbd.sock", "0600",
                home.resolve("conf/pki/nbd").toString(), "off", 128, 300, 5, 30));
        assertThat(load("volumes:\n  nbd_port: 0\n", "TESSERA_NBD_PORT", "7000").config().volumes().nbdPort()).isEqualTo(7000);
        assertThatThrownBy(() -> load("volumes:\n  nbd:\n    payload_budget_mib: 16\n"))
                .hasMessageContaining("payload_budget_mib must be at least 32");
        assertThatThrownBy(() -> load("volumes:\n  nbd:\n    plain_tcp: any\n"))
                .hasMessageContaining("plain_tcp must be off or loopback");
        assertThatThrownBy(() -> load("volumes:\n  nbd:\n    plain_tcp: loopback\n    tls_dir: x\n"))
                .hasMessageContaining("choose one");
    }

    @Test
    void aMissingCassandraSectionMeansTheDefaults() throws IOException {
        TesseraConfig.CassandraSettings c = load("store:\n  backend: cassandra\n").config().store().cassandra();
        assertThat(c.contactPoints()).containsExactly("127.0.0.1:9042");
        assertThat(c.replication().toCql("dc1")).isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3}");
        assertThat(c.requestTimeoutSeconds()).isEqualTo(10);
        assertThat(c.tls().hostnameValidation()).isTrue();
    }

    @Test
    void everyCassandraSettingIsRead() throws IOException {
        TesseraConfig.CassandraSettings c = load("""
                store:
                  backend: cassandra
                  cassandra:
                    contact_points: [10.0.0.1:9042, "cass2.example:9142"]
                    datacenter: dc-east
                    keyspace: objects
                    replication: {class: SimpleStrategy, factor: 2}
                    consistency: quorum
                    request_timeout_seconds: 30
                    username: tessera
                    password: s3cret
                    tls:
                      enabled: true
                      truststore: certs/trust.p12
                      truststore_password: changeit
                      hostname_validation: false
                """).config().store().cassandra();
        assertThat(c.contactPoints()).containsExactly("10.0.0.1:9042", "cass2.example:9142");
        assertThat(c.datacenter()).isEqualTo("dc-east");
        assertThat(c.keyspace()).isEqualTo("objects");
        assertThat(c.replication().toCql("dc-east")).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 2}");
        assertThat(c.consistency()).isEqualTo("quorum");
        assertThat(c.requestTimeoutSeconds()).isEqualTo(30);
        assertThat(c.username()).isEqualTo("tessera");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.tls().enabled()).isTrue();
        assertThat(c.tls().truststore()).as("relative to the config file's folder")
                .isEqualTo(home.resolve("conf/certs/trust.p12").toString());
        assertThat(c.tls().truststorePassword()).isEqualTo("changeit");
        assertThat(c.tls().hostnameValidation()).isFalse();
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("changeit");
    }

    @Test
    void replicationMayBeACqlMapAsWritten() throws IOException {
        Replication r = load("""
                store:
                  cassandra:
                    replication: "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}"
                """).config().store().cassandra().replication();
        assertThat(r.toCql("dc1")).isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
    }

    @Test
    void badReplicationIsRefusedWithTheReason() {
        assertThatThrownBy(() -> load("store:\n  cassandra:\n    replication: {class: EverywhereStrategy, factor: 3}\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("replication.class must be one of");
        assertThatThrownBy(() -> load("store:\n  cassandra:\n    replication: {class: SimpleStrategy, factor: three}\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("replication.factor must be a whole number");
        assertThatThrownBy(() -> load("store:\n  cassandra:\n    replication: {class: SimpleStrategy, factor: 3, dc1: 2}\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("unknown key 'dc1'");
        assertThatThrownBy(() -> load("store:\n  cassandra:\n    replication: three\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("CQL replication map");
    }

    @Test
    void unknownKeysStayErrors() {
        assertThatThrownBy(() -> load("store:\n  cassandra:\n    contactpoints: [a:1]\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("contactpoints");
        assertThatThrownBy(() -> load("store:\n  cassandra:\n    tls:\n      trust_store: x\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("trust_store");
    }

    @Test
    void theEnvironmentChoosesTheBackendAndTheCluster() throws IOException {
        TesseraConfig.StoreSettings store = load("""
                store:
                  backend: embedded
                  cassandra:
                    contact_points: [10.0.0.1:9042]
                    datacenter: dc1
                    keyspace: fromfile
                    consistency: ONE
                """,
                "TESSERA_STORE", "cassandra",
                "TESSERA_CASSANDRA_CONTACT_POINTS", " 127.0.1.1:9042, 127.0.1.2:9042 ,",
                "TESSERA_CASSANDRA_DC", "dc2",
                "TESSERA_CASSANDRA_KEYSPACE", "fromenv").config().store();
        assertThat(store.backend()).isEqualTo("cassandra");
        assertThat(store.cassandra().contactPoints()).containsExactly("127.0.1.1:9042", "127.0.1.2:9042");
        assertThat(store.cassandra().datacenter()).isEqualTo("dc2");
        assertThat(store.cassandra().keyspace()).isEqualTo("fromenv");
        assertThat(store.cassandra().consistency()).as("not overridden").isEqualTo("ONE");
        assertThatThrownBy(() -> load("server:\n  port: 1\n", "TESSERA_CASSANDRA_CONTACT_POINTS", " , "))
                .isInstanceOf(IOException.class).hasMessageContaining("TESSERA_CASSANDRA_CONTACT_POINTS");
    }

    @Test
    void theOtherOverridesKeepTheCassandraSection() throws IOException {
        TesseraConfig config = load("store:\n  cassandra:\n    keyspace: kept\n",
                "TESSERA_PORT", "9000", "TESSERA_DATA_DIR", "/tmp/elsewhere").config();
        assertThat(config.server().port()).isEqualTo(9000);
        assertThat(config.store().dataDir()).isEqualTo("/tmp/elsewhere");
        assertThat(config.store().cassandra().keyspace()).isEqualTo("kept");
        assertThat(config.store().cassandra().contactPoints()).isEqualTo(List.of("127.0.0.1:9042"));
    }
}
