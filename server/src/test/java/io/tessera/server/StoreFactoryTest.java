package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.tessera.hashmap.BlockSize;
import io.tessera.server.config.ConfigException;
import io.tessera.server.config.ConfigLoader;
import io.tessera.server.config.TesseraConfig;
import io.tessera.store.Durability;
import io.tessera.store.cassandra.CassandraConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store section becomes a backend, or a ConfigException that names the setting. No cluster needed. */
class StoreFactoryTest {
    @TempDir
    Path home;

    private TesseraConfig.StoreSettings store(String cassandraYaml) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("tessera.yaml"), "store:\n  backend: cassandra\n  cassandra:\n"
                + cassandraYaml.indent(4));
        Files.writeString(conf.resolve("users.yaml"), "users: []\n");
        return new ConfigLoader(Map.of("TESSERA_HOME", home.toString())).load().config().store();
    }

    private static CassandraConfig cassandraConfig(TesseraConfig.StoreSettings s) {
        return StoreFactory.cassandraConfig(s.cassandra(), new BlockSize(s.blockSize()), Durability.DURABLE);
    }

    @Test
    void settingsBecomeTheDriversConfiguration() throws IOException {
        CassandraConfig c = cassandraConfig(store("""
                contact_points: [10.0.0.1:9042, 10.0.0.2:9042]
                datacenter: east
                keyspace: objects
                replication: {class: NetworkTopologyStrategy, factor: 3}
                consistency: each_quorum
                request_timeout_seconds: 25
                username: u
                password: p
                """));
        assertThat(c.contactPoints()).containsExactly("10.0.0.1:9042", "10.0.0.2:9042");
        assertThat(c.localDatacenter()).isEqualTo("east");
        assertThat(c.keyspace()).isEqualTo("objects");
        assertThat(c.replication()).isEqualTo("{'class': 'NetworkTopologyStrategy', 'east': 3}");
        assertThat(c.consistency()).isEqualTo(DefaultConsistencyLevel.EACH_QUORUM);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(c.username()).isEqualTo("u");
        assertThat(c.password()).isEqualTo("p");
        assertThat(c.tls()).isNull();
        assertThat(c.blockSize()).isEqualTo(BlockSize.DEFAULT);
    }

    @Test
    void unusableSettingsAreConfigExceptionsNamingTheSetting() {
        assertThatThrownBy(() -> cassandraConfig(store("consistency: MOST")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.cassandra.consistency");
        assertThatThrownBy(() -> cassandraConfig(store("consistency: local_one")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.cassandra")
                .hasMessageContaining("LOCAL_QUORUM");
        assertThatThrownBy(() -> cassandraConfig(store("consistency: LOCAL_SERIAL")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lightweight transactions only");
        assertThatThrownBy(() -> cassandraConfig(store("keyspace: Has-Dashes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.cassandra: keyspace must match");
        assertThatThrownBy(() -> cassandraConfig(store("contact_points: [cass1]")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> cassandraConfig(store("username: only")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("username and password go together");
        assertThatThrownBy(() -> cassandraConfig(store("request_timeout_seconds: 0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("request_timeout_seconds");
        assertThatThrownBy(() -> cassandraConfig(store("tls:\n  truststore: t.p12")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tls.enabled");
    }

    @Test
    void anUnknownBackendOrABlockTooBigForCassandraIsRefused() throws IOException {
        TesseraConfig.StoreSettings s = store("keyspace: ks");
        assertThatThrownBy(() -> StoreFactory.open(new TesseraConfig.StoreSettings("s3", null, null, null, null), home,
                new MetricRegistry())).isInstanceOf(ConfigException.class).hasMessageContaining("'embedded' or 'cassandra'");
        assertThatThrownBy(() -> StoreFactory.open(new TesseraConfig.StoreSettings("cassandra", null, 8 * 1024 * 1024,
                null, s.cassandra()), home, new MetricRegistry()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at most 4194304");
    }

    @Test
    void aTruststoreThatCannotBeUsedIsRefusedBeforeConnecting() throws Exception {
        Path empty = home.resolve("empty.p12");
        writeKeyStore(empty, "pw");
        for (String[] c : new String[][] {
                {"missing.p12", "pw", "does not exist"},
                {"../empty.p12", "wrong", "wrong password"},
                {"../empty.p12", "pw", "holds no certificate"}}) {
            TesseraConfig.StoreSettings s = store("""
                    contact_points: [127.0.0.1:1]
                    tls:
                      enabled: true
                      truststore: %s
                      truststore_password: %s
                    """.formatted(c[0], c[1]));
            assertThatThrownBy(() -> StoreFactory.open(s, home, new MetricRegistry())).as(c[0] + " " + c[1])
                    .isInstanceOf(ConfigException.class).hasMessageContaining(c[2]);
        }
    }

    private static void writeKeyStore(Path file, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
    }
}
