package io.tessera.server;

import io.tessera.server.config.ConfigLoader;
import io.tessera.swift.auth.KeyHasher;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/tessera}: the server and the admin commands. */
@Command(name = "tessera", mixinStandardHelpOptions = true, version = "tessera 0.1.0",
        description = "A deduplicated block store behind the OpenStack Swift API.",
        subcommands = {Main.Run.class, Main.HashKey.class, VolumeCli.class})
public final class Main implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "run", description = "Start Tessera in the foreground (configuration: TESSERA_CONFIG, "
            + "default conf/tessera.yaml; TESSERA_PORT and TESSERA_DATA_DIR override it).")
    static final class Run implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            ConfigLoader.Loaded loaded;
            try {
                loaded = new ConfigLoader(System.getenv()).load();
            } catch (IOException e) {
                System.err.println("tessera: " + e.getMessage());
                return 2;
            }
            log.info("configuration {}, data in {}", loaded.configFile(), loaded.dataDir());
            TesseraServer server = TesseraServer.start(loaded);
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
}
