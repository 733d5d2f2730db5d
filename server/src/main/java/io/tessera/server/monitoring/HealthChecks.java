package io.tessera.server.monitoring;

import com.codahale.metrics.health.HealthCheck;
import io.tessera.store.Store;
import io.tessera.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** The checks behind {@code /healthcheck}. Each says in its message what it saw, healthy or not. */
public final class HealthChecks {
    private static final long MIB = 1024 * 1024;

    private HealthChecks() {
    }

    /** The store answers a cheap read through the SPI ({@link Store#checkReachable()}): RocksDB and the block folder, or a Cassandra query. */
    public static HealthCheck store(Store store) {
        return new HealthCheck() {
            @Override
            protected Result check() {
                long t0 = System.nanoTime();
                try {
                    store.checkReachable();
                } catch (StoreUnavailableException e) {
                    return Result.unhealthy("the store cannot be reached: " + e.getMessage());
                }
                return Result.healthy("reachable in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        };
    }

    /** The file system holding {@code dir} (the embedded store's data) has at least {@code minFreeMib} MiB usable. */
    public static HealthCheck diskSpace(Path dir, long minFreeMib) {
        return new HealthCheck() {
            @Override
            protected Result check() {
                long usable;
                long total;
                try {
                    FileStore fs = Files.getFileStore(dir);
                    usable = fs.getUsableSpace();
                    total = fs.getTotalSpace();
                } catch (IOException e) {
                    return Result.unhealthy("cannot read the free space of " + dir + ": " + e.getMessage());
                }
                String seen = usable / MIB + " MiB free of " + total / MIB + " MiB in " + dir + " (minimum " + minFreeMib + " MiB)";
                return usable >= minFreeMib * MIB ? Result.healthy(seen) : Result.unhealthy(seen);
            }
        };
    }

    /** A background job's thread is running (the snapshot hasher; the collector registers the same way). */
    public static HealthCheck backgroundJob(String what, BooleanSupplier alive) {
        return new HealthCheck() {
            @Override
            protected Result check() {
                return alive.getAsBoolean() ? Result.healthy(what + " is running") : Result.unhealthy(what + " is not running");
            }
        };
    }
}
