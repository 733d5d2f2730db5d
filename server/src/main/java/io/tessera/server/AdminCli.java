package io.tessera.server;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.server.admin.AdminEndpoint;
import io.tessera.server.admin.AdminJobs;
import io.tessera.server.admin.JobStatus;
import io.tessera.server.config.ConfigException;
import io.tessera.server.config.ConfigLoader;
import io.tessera.server.config.TesseraConfig;
import io.tessera.store.Store;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.gc.GcSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/tessera gc|scrub|fsck|stats}. Each finds the store as the server does (TESSERA_CONFIG and
 * friends); if a server is running on it (its {@code <data dir>/admin-endpoint} file names a server that
 * answers), the job runs there, through the loopback admin API, because an embedded store cannot be
 * opened by two processes; otherwise the command opens the store itself and runs the job in-process.
 * Either way it shows a progress bar on a terminal and prints a summary.
 *
 * <p>Exit status: 0 done and clean; 1 problems found (scrub, fsck) or the job failed; 2 a setting
 * cannot be used; 3 the store cannot be reached; 4 (gc) another node is collecting.
 */
final class AdminCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminCli() {
    }

    /** The collector's settings from the {@code gc:} section; work files under the data folder. */
    static GcSettings gcSettings(TesseraConfig.Gc gc, Path dataDir) {
        Path work = dataDir != null ? dataDir.resolve("gc")
                : Path.of(System.getProperty("java.io.tmpdir"), "tessera-gc-" + ProcessHandle.current().pid());
        try {
            return new GcSettings(Duration.ofMinutes(gc.graceMinutes()), gc.bloomFpp(), work, gc.accounting());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("gc: " + e.getMessage(), e);
        }
    }

    abstract static class JobCommand implements Callable<Integer> {
        @Option(names = "--local", description = "Open the store in this process even if a server answers "
                + "(fails for an embedded store a server holds).")
        boolean local;

        @Option(names = "--quiet", description = "No progress bar; the summary only.")
        boolean quiet;

        abstract String kind();

        @Override
        public Integer call() throws Exception {
            ConfigLoader.Loaded loaded;
            try {
                loaded = new ConfigLoader(System.getenv()).load();
            } catch (IOException e) {
                System.err.println("tessera: " + e.getMessage());
                return Main.EXIT_CONFIG;
            }
            Optional<AdminEndpoint> endpoint = local ? Optional.empty() : AdminEndpoint.read(loaded.dataDir());
            if (endpoint.isPresent()) {
                try {
                    return remote(endpoint.get());
                } catch (ConnectException e) {
                    // a file left by a server that is gone: the store is free
                }
            }
            return inProcess(loaded);
        }

        private int remote(AdminEndpoint endpoint) throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/admin/v1/jobs/" + kind()))
                    .header(AdminEndpoint.TOKEN_HEADER, endpoint.token())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (started.statusCode() != 202) {
                System.err.println("tessera: the server refused the job (" + started.statusCode() + "): " + started.body().strip());
                return 1;
            }
            String id = JSON.readValue(started.body(), JobStatus.class).id();
            System.err.println("running " + kind() + " in the server at " + endpoint.url());
            return follow(() -> {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/admin/v1/jobs/" + id))
                            .header(AdminEndpoint.TOKEN_HEADER, endpoint.token()).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("the server answered " + r.statusCode() + ": " + r.body().strip());
                    }
                    return JSON.readValue(r.body(), JobStatus.class);
                } catch (IOException e) {
                    throw new StoreUnavailableException("lost the server: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        }

        private int inProcess(ConfigLoader.Loaded loaded) throws Exception {
            TesseraConfig config = loaded.config();
            Store store;
            try {
                store = StoreFactory.open(config.store(), DataFolder.prepareOrRefuse(loaded.dataDir()), new MetricRegistry());
            } catch (ConfigException e) {
                System.err.println("tessera: " + e.getMessage());
                return Main.EXIT_CONFIG;
            } catch (StoreUnavailableException e) {
                System.err.println("tessera: the " + config.store().backend() + " store cannot be opened: " + e.getMessage()
                        + (config.store().backend().equals("embedded") ? " (is a server running on it without its"
                        + " admin-endpoint file? stop it or run the command where it can reach it)" : ""));
                return Main.EXIT_STORE_UNAVAILABLE;
            }
            String node = config.volumes().nodeId() != null ? config.volumes().nodeId() : "cli";
            try (store; AdminJobs jobs = new AdminJobs(store, gcSettings(config.gc(), loaded.dataDir()), node,
                    new MetricRegistry())) {
                String id = jobs.start(kind());
                return follow(() -> jobs.status(id).orElseThrow());
            }
        }

        /** Polls the job, drawing its progress, until it ends; prints the summary; returns the exit status. */
        private int follow(Supplier<JobStatus> poll) throws InterruptedException {
            ProgressBar bar = new ProgressBar(System.err, !quiet && System.console() != null);
            JobStatus s = poll.get();
            while (!s.finished()) {
                bar.show(s);
                Thread.sleep(250);
                s = poll.get();
            }
            bar.done();
            for (String problem : s.reported()) {
                System.out.println(problem);
            }
            if (s.problems() > s.reported().size()) {
                System.out.println("... and " + (s.problems() - s.reported().size()) + " more (see the log)");
            }
            System.out.println(s.summary());
            return s.exitCode();
        }
    }

    /** A one-line bar redrawn in place on a terminal; phase changes only otherwise. */
    static final class ProgressBar {
        private final PrintStream out;
        private final boolean terminal;
        private String lastPhase = "";

        ProgressBar(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        void show(JobStatus s) {
            if (!terminal) {
                if (!s.phase().equals(lastPhase)) {
                    out.println(s.kind() + ": " + s.phase());
                    lastPhase = s.phase();
                }
                return;
            }
            int width = 30;
            String bar;
            String pct;
            if (s.total() > 0) {
                int filled = (int) Math.min(width, s.done() * width / s.total());
                bar = "#".repeat(filled) + ".".repeat(width - filled);
                pct = String.format("%3d%%", Math.min(100, s.done() * 100 / s.total()));
            } else {
                bar = ".".repeat(width);
                pct = "    ";
            }
            out.printf("\r%-13s [%s] %s %,d%s   ", s.phase(), bar, pct, s.done(),
                    s.total() > 0 ? String.format(" of ~%,d", s.total()) : "");
            out.flush();
        }

        void done() {
            if (terminal) {
                out.print("\r" + " ".repeat(79) + "\r");
                out.flush();
            }
        }
    }

    @Command(name = "gc", description = "Collect garbage now: delete blocks and maps nothing references "
            + "(two-phase: garbage found now is condemned and freed by a later cycle). Exit 4 if another node is collecting.")
    static final class Gc extends JobCommand {
        @Override
        String kind() {
            return "gc";
        }
    }

    @Command(name = "scrub", description = "Re-hash every stored block and report any whose content no longer "
            + "matches its address. Exit 1 if any is found.")
    static final class Scrub extends JobCommand {
        @Override
        String kind() {
            return "scrub";
        }
    }

    @Command(name = "fsck", description = "Find objects and volumes whose maps name missing maps or blocks. "
            + "Exit 1 if any is found.")
    static final class Fsck extends JobCommand {
        @Override
        String kind() {
            return "fsck";
        }
    }

    @Command(name = "stats", description = "The store's space: objects, logical bytes, unique blocks, physical "
            + "bytes, dedup ratio, and per account.")
    static final class Stats extends JobCommand {
        @Override
        String kind() {
            return "stats";
        }
    }
}
