package io.tessera.server;

import io.tessera.server.config.ConfigException;
import io.tessera.server.config.ConfigLoader;
import io.tessera.server.transfer.TransferCli;
import io.tessera.store.StoreUnavailableException;
import io.tessera.swift.auth.KeyHasher;
import io.tessera.swift.auth.TokenSecrets;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code bin/tessera}: the server and the admin commands. {@code -h}/{@code --help} and
 * {@code -V}/{@code --version} are inherited by every subcommand (scope INHERIT), so each command's usage is
 * one {@code --help} away and exits 0; picocli answers an unknown option with exit status 2, the reason and
 * the usage on stderr. CliTest walks the whole tree.
 */
@Command(name = "tessera", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "tessera 0.1.0",
        description = "A deduplicated block store behind the OpenStack Swift API.",
        subcommands = {Main.Run.class, Main.HashKey.class, Main.Auth.class, VolumeCli.class, AdminCli.Gc.class, AdminCli.Scrub.class,
                AdminCli.Fsck.class, AdminCli.Stats.class,
                TransferCli.Put.class, TransferCli.Get.class, TransferCli.Sync.class})
public final class Main implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree {@code main} executes. */
    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Spec
    CommandSpec spec;

    /** {@code bin/tessera} alone: usage error (exit 2), the commands listed on stderr. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** Exit status of {@code run} when a setting cannot be used (also: the configuration file is unreadable). */
    static final int EXIT_CONFIG = 2;
    /** Exit status of {@code run} when the store cannot be reached at start (e.g. no Cassandra node answers). */
    static final int EXIT_STORE_UNAVAILABLE = 3;

    @Command(name = "run", description = "Start Tessera in the foreground (configuration: TESSERA_CONFIG, "
            + "default conf/tessera.yaml; TESSERA_PORT, TESSERA_DATA_DIR, TESSERA_STORE and TESSERA_CASSANDRA_* "
            + "override it). Exit status 2: a setting cannot be used; 3: the store cannot be reached.")
    static final class Run implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            ConfigLoader.Loaded loaded;
            try {
                loaded = new ConfigLoader(System.getenv()).load();
            } catch (IOException e) {
                System.err.println("tessera: " + e.getMessage());
                return EXIT_CONFIG;
            }
            log.info("configuration {}", loaded.configFile());
            TesseraServer server;
            try {
                server = TesseraServer.start(loaded);
            } catch (ConfigException e) {
                log.debug("configuration refused", e);
                System.err.println("tessera: " + e.getMessage());
                return EXIT_CONFIG;
            } catch (StoreUnavailableException e) {
                log.debug("store unavailable at start", e);
                System.err.println("tessera: the " + loaded.config().store().backend() + " store cannot be reached: "
                        + e.getMessage());
                return EXIT_STORE_UNAVAILABLE;
            } catch (Exception e) {
                if (!isPortInUse(e)) {
                    throw e;
                }
                log.debug("cannot listen", e);
                System.err.println("tessera: a port is already in use (HTTP " + loaded.config().server().host() + ":"
                        + loaded.config().server().port() + ", NBD port " + loaded.config().volumes().nbdPort()
                        + "); set TESSERA_PORT or TESSERA_NBD_PORT, or stop what listens there");
                return EXIT_CONFIG;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping");
                server.close();
                stopped.countDown();
            }, "shutdown"));
            server.join();
            stopped.await();
            return 0;
        }
    }

    /** Whether starting failed because a listening port was taken (Jetty or the NBD server). */
    static boolean isPortInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    @Command(name = "hash-key", description = "Read a key from standard input and print the key_hash for conf/users.yaml.")
    static final class HashKey implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            Console console = System.console();
            String key;
            if (console != null) {
                char[] chars = console.readPassword("key: ");
                key = chars == null ? null : new String(chars);
            } else {
                key = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (key == null || key.isEmpty()) {
                System.err.println("tessera: no key given");
                return 2;
            }
            System.out.println(KeyHasher.hash(key));
            return 0;
        }
    }

    @Command(name = "auth", description = "Manage the secrets that sign auth tokens.",
            subcommands = {Auth.RotateSecret.class})
    static final class Auth implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "Missing required subcommand");
        }

        @Command(name = "rotate-secret", description = "Make a new token-signing secret (data folder, file "
                + "token-secrets); tokens signed by the old one stay valid for the overlap (default: the token TTL, "
                + "so none ends early), then end. A running server picks the change up within a second; copy the "
                + "file to the other frontends of the same store.")
        static final class RotateSecret implements Callable<Integer> {
            @Option(names = "--overlap", paramLabel = "SECONDS",
                    description = "how long the old secret still verifies tokens, in seconds (default: auth.token_ttl_seconds)")
            Long overlapSeconds;

            @Override
            public Integer call() {
                try {
                    ConfigLoader.Loaded loaded = new ConfigLoader(System.getenv()).load();
                    long overlap = overlapSeconds != null ? overlapSeconds : loaded.config().auth().tokenTtlSeconds();
                    if (overlap < 0) {
                        System.err.println("tessera: --overlap must not be negative");
                        return EXIT_CONFIG;
                    }
                    Path file = TesseraServer.tokenSecretsFile(DataFolder.prepare(loaded.dataDir()));
                    if (!Files.exists(file)) {
                        TokenSecrets.openOrCreate(file, Clock.systemUTC());
                    }
                    int id = TokenSecrets.rotate(file, Duration.ofSeconds(overlap),
                            Clock.systemUTC());
                    System.out.println("token secret " + id + " now signs new tokens; tokens of the previous one are "
                            + "valid for " + overlap + " s more (" + file + ")");
                    return 0;
                } catch (IOException e) {
                    System.err.println("tessera: " + e.getMessage());
                    return EXIT_CONFIG;
                }
            }
        }
    }
}
