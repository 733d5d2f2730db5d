package io.tessera.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tessera.swift.auth.KeyHasher;
import io.tessera.swift.auth.User;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration: the file named by {@code TESSERA_CONFIG} (default
 * {@code $TESSERA_HOME/conf/tessera.yaml}), then the environment overrides {@code TESSERA_PORT},
 * {@code TESSERA_DATA_DIR}, {@code TESSERA_STORE} (the backend) and, for the cassandra backend,
 * {@code TESSERA_CASSANDRA_CONTACT_POINTS} (host:port,host:port), {@code TESSERA_CASSANDRA_DC} and
 * {@code TESSERA_CASSANDRA_KEYSPACE}, and {@code TESSERA_NBD_PORT}. Relative paths in the file are relative to {@code TESSERA_HOME}
 * (data), to the data folder (the NBD socket) or to the config file's folder (users file, truststore, NBD TLS folder).
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, String> env;
    private final Path home;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
        this.home = Path.of(env.getOrDefault("TESSERA_HOME", ".")).toAbsolutePath().normalize();
    }

    public record Loaded(TesseraConfig config, Path configFile, Path dataDir, List<User> users) {
    }

    public Loaded load() throws IOException {
        Path file = env.containsKey("TESSERA_CONFIG")
                ? Path.of(env.get("TESSERA_CONFIG")).toAbsolutePath()
                : home.resolve("conf/tessera.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IOException("configuration file " + file + " does not exist (set TESSERA_CONFIG)");
        }
        TesseraConfig config = read(file, TesseraConfig.class);
        if (env.containsKey("TESSERA_PORT")) {
            config = config.withServer(config.server().withPort(parsePort(env.get("TESSERA_PORT"))));
        }
        if (env.containsKey("TESSERA_PLAIN_READS")) {
            String on = env.get("TESSERA_PLAIN_READS").strip().toLowerCase(java.util.Locale.ROOT);
            config = config.withServer(config.server().withPlainReads(!java.util.Set.of("false", "0", "no", "off").contains(on)));
        }
        if (env.containsKey("TESSERA_NBD_PORT")) {
            config = config.withVolumes(config.volumes().withNbdPort(parsePort(env.get("TESSERA_NBD_PORT"))));
        }
        if (env.containsKey("TESSERA_DATA_DIR")) {
            config = config.withStore(config.store().withDataDir(env.get("TESSERA_DATA_DIR")));
        }
        if (env.containsKey("TESSERA_STORE")) {
            config = config.withStore(config.store().withBackend(env.get("TESSERA_STORE").strip()));
        }
        config = config.withStore(config.store().withCassandra(cassandraOverrides(config.store().cassandra(), file)));
        TesseraConfig.Nbd nbd = config.volumes().nbd();
        if (nbd.tlsDir() != null) {
            config = config.withVolumes(config.volumes().withNbd(nbd.withTlsDir(
                    file.getParent().resolve(nbd.tlsDir()).normalize().toString())));
        }
        Path dataDir = home.resolve(config.store().dataDir()).normalize();
        Path usersPath = file.getParent().resolve(config.auth().usersFile()).normalize();
        return new Loaded(config, file, dataDir, readUsers(usersPath));
    }

    /** The TESSERA_CASSANDRA_* overrides, and a relative truststore path made relative to the config file. */
    private TesseraConfig.CassandraSettings cassandraOverrides(TesseraConfig.CassandraSettings c, Path file)
            throws IOException {
        if (env.containsKey("TESSERA_CASSANDRA_CONTACT_POINTS")) {
            List<String> points = Arrays.stream(env.get("TESSERA_CASSANDRA_CONTACT_POINTS").split(","))
                    .map(String::strip).filter(p -> !p.isEmpty()).toList();
            if (points.isEmpty()) {
                throw new IOException("TESSERA_CASSANDRA_CONTACT_POINTS must list host:port pairs, separated by commas");
            }
            c = c.withContactPoints(points);
        }
        if (env.containsKey("TESSERA_CASSANDRA_DC")) {
            c = c.withDatacenter(env.get("TESSERA_CASSANDRA_DC").strip());
        }
        if (env.containsKey("TESSERA_CASSANDRA_KEYSPACE")) {
            c = c.withKeyspace(env.get("TESSERA_CASSANDRA_KEYSPACE").strip());
        }
        TesseraConfig.Tls tls = c.tls();
        if (tls.truststore() != null) {
            String resolved = file.getParent().resolve(tls.truststore()).normalize().toString();
            c = c.withTls(new TesseraConfig.Tls(tls.enabled(), resolved, tls.truststorePassword(), tls.hostnameValidation()));
        }
        return c;
    }

    private static List<User> readUsers(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("users file " + path + " does not exist");
        }
        UsersFile file = read(path, UsersFile.class);
        try {
            List<User> users = file.users().stream()
                    .map(e -> new User(e.user(), e.keyHash(), e.account(), new HashSet<>(e.roles())))
                    .toList();
            java.util.Map<String, String> accountsByCase = new java.util.HashMap<>();
            for (User u : users) {
                try {
                    KeyHasher.checkStrength(u.keyHash());
                } catch (IllegalArgumentException weak) {
                    throw new IOException("user " + u.name() + " in " + path + ": " + weak.getMessage(), weak);
                }
                // Pithos sharing names accounts without regard to case (its accounts are lower-case UUIDs):
                // two accounts that differ only in case would be one to it, so a share with one would reach both.
                String other = accountsByCase.putIfAbsent(u.account().toLowerCase(java.util.Locale.ROOT), u.account());
                if (other != null && !other.equals(u.account())) {
                    throw new IOException("accounts " + other + " and " + u.account() + " in " + path
                            + " differ only in case: sharing could not tell them apart; rename one");
                }
            }
            return users;
        } catch (IllegalArgumentException e) {
            throw new IOException("bad entry in " + path + ": " + e.getMessage(), e);
        }
    }

    private static <T> T read(Path path, Class<T> type) throws IOException {
        try {
            T value = YAML.readValue(path.toFile(), type);
            if (value == null) {
                throw new IOException(path + " is empty");
            }
            return value;
        } catch (ValueInstantiationException e) {
            // A value's own check refused it (e.g. store.cassandra.replication): its message says why.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot read " + path + ": " + cause.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("cannot read " + path + ": " + e.getOriginalMessage(), e);
        }
    }

    private static int parsePort(String value) throws IOException {
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IOException("TESSERA_PORT and TESSERA_NBD_PORT must be port numbers, not '" + value + "'");
        }
    }
}
