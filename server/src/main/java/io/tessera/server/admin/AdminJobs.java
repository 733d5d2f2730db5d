package io.tessera.server.admin;

import com.codahale.metrics.MetricRegistry;
import io.tessera.store.Store;
import io.tessera.store.check.CheckProgress;
import io.tessera.store.check.Fsck;
import io.tessera.store.check.Scrub;
import io.tessera.store.gc.Collector;
import io.tessera.store.gc.GcProgress;
import io.tessera.store.gc.GcReport;
import io.tessera.store.gc.GcSettings;
import io.tessera.store.gc.StoreStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the store's maintenance jobs, one at a time, on a background thread: the collector (on demand and
 * on its schedule), scrub, fsck and stats. The server exposes them at {@code /admin/v1} for
 * {@code bin/tessera gc|scrub|fsck|stats}; the CLI uses the same class in-process when no server holds
 * the store.
 */
public final class AdminJobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminJobs.class);
    public static final List<String> KINDS = List.of("gc", "scrub", "fsck", "stats");

    /** Exit status of {@code bin/tessera gc} when another node is collecting. */
    public static final int EXIT_BUSY = 4;

    private final Store store;
    private final MetricRegistry metrics;
    private final Collector collector;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r, "admin-job"));
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gc-schedule"));
    private final Map<String, Supplier<JobStatus>> jobs = new LinkedHashMap<>();

    public AdminJobs(Store store, GcSettings gc, String nodeId, MetricRegistry metrics) {
        this.store = store;
        this.metrics = metrics;
        GcProgress progress = new GcProgress();
        progress.register(metrics);
        this.collector = new Collector(store, gc, nodeId, progress);
    }

    /** Runs a collection every {@code interval} after the previous one ends (first one after one interval). */
    public void scheduleGc(Duration interval) {
        schedule.scheduleWithFixedDelay(() -> {
            try {
                worker.submit(this::runScheduledGc).get();
            } catch (Exception e) {
                log.warn("scheduled collection failed: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("garbage collection every {} minutes", interval.toMinutes());
    }

    private void runScheduledGc() {
        collector.runOnce();
    }

    /** For /healthcheck: the job worker and the collector's schedule still run (false once closed). */
    public boolean isAlive() {
        return !worker.isShutdown() && !schedule.isShutdown();
    }

    /** Starts a job; returns its id. Jobs queue behind each other. */
    public synchronized String start(String kind) {
        String id = kind + "-" + UUID.randomUUID().toString().substring(0, 8);
        Job job = switch (kind.toLowerCase(Locale.ROOT)) {
            case "gc" -> gcJob(id);
            case "scrub" -> scrubJob(id);
            case "fsck" -> fsckJob(id);
            case "stats" -> statsJob(id);
            default -> throw new IllegalArgumentException("no such job: " + kind + " (one of " + KINDS + ")");
        };
        jobs.put(id, job::status);
        while (jobs.size() > 50) {
            jobs.remove(jobs.keySet().iterator().next());
        }
        worker.submit(job::run);
        return id;
    }

    public synchronized Optional<JobStatus> status(String id) {
        Supplier<JobStatus> s = jobs.get(id);
        return s == null ? Optional.empty() : Optional.of(s.get());
    }

    private Job gcJob(String id) {
        return new Job(id, "gc") {
            @Override
            void work() {
                Optional<GcReport> report = collector.runOnce();
                if (report.isEmpty()) {
                    finish("another node is collecting (" + collector.leaseHolder().orElse("?")
                            + "); try again when it is done", 0, EXIT_BUSY);
                } else {
                    finish(report.get().summary(), 0, 0);
                }
            }

            @Override
            Progress progress() {
                GcProgress.Snapshot s = collector.progress().snapshot();
                return new Progress(s.phase().name().toLowerCase(Locale.ROOT), s.done(), s.total());
            }
        };
    }

    private Job scrubJob(String id) {
        Scrub scrub = new Scrub(store, metrics);
        return new CheckJob(id, "scrub", scrub.progress()) {
            @Override
            void work() {
                Scrub.Result r = scrub.run();
                finish(r.summary(), r.problems(), r.problems() > 0 ? 1 : 0);
            }
        };
    }

    private Job fsckJob(String id) {
        Fsck fsck = new Fsck(store);
        return new CheckJob(id, "fsck", fsck.progress()) {
            @Override
            void work() {
                Fsck.Result r = fsck.run();
                finish(r.summary(), r.problems(), r.problems() > 0 ? 1 : 0);
            }
        };
    }

    private Job statsJob(String id) {
        return new Job(id, "stats") {
            @Override
            void work() {
                finish(StoreStats.compute(store, true).summary(), 0, 0);
            }

            @Override
            Progress progress() {
                return new Progress("counting", 0, 0);
            }
        };
    }

    record Progress(String phase, long done, long total) {
    }

    private abstract static class Job {
        final String id;
        final String kind;
        private volatile String state = "running";
        private volatile String summary = "";
        private volatile long problems;
        private volatile int exitCode;

        Job(String id, String kind) {
            this.id = id;
            this.kind = kind;
        }

        abstract void work();

        abstract Progress progress();

        List<String> reported() {
            return List.of();
        }

        void run() {
            try {
                work();
            } catch (RuntimeException e) {
                log.error("{} failed", id, e);
                summary = kind + " failed: " + e;
                exitCode = 1;
                state = "failed";
            }
        }

        void finish(String text, long found, int exit) {
            summary = text;
            problems = found;
            exitCode = exit;
            state = "done";
        }

        JobStatus status() {
            Progress p = progress();
            return new JobStatus(id, kind, state, p.phase(), p.done(), p.total(), problems, summary, reported(), exitCode);
        }
    }

    private abstract static class CheckJob extends Job {
        private final CheckProgress check;

        CheckJob(String id, String kind, CheckProgress check) {
            super(id, kind);
            this.check = check;
        }

        @Override
        Progress progress() {
            return new Progress(kind, check.done(), check.total());
        }

        @Override
        List<String> reported() {
            return check.reported();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        worker.shutdownNow();
    }
}
