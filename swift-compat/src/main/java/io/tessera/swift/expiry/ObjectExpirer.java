package io.tessera.swift.expiry;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.store.ExpiringObject;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swift's object-expirer: deletes objects whose X-Delete-At has come. Reads see them as absent from
 * that second on (ObjectHeaders.isExpired); this job removes them for real, so that listings, counts
 * and bytes are right again and their blocks become garbage for the collector.
 *
 * <p>It works from the store's expiry index, never by scanning containers: each pass takes the due
 * entries, deletes an object only if its current version is the entry's (a newer write or a POST that
 * changed X-Delete-At has its own entry, or none), then drops the entry. Like Swift's expirer it
 * deletes directly, below the API: no versioning archive, no delete marker. Several frontends may run
 * it on one cluster; deleting twice is harmless.
 */
public final class ObjectExpirer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ObjectExpirer.class);
    static final int BATCH = 500;

    private final MetadataStore metadata;
    private final Clock clock;
    private final Meter expired;
    private ScheduledExecutorService timer;

    public ObjectExpirer(MetadataStore metadata, Clock clock, MetricRegistry metrics) {
        this.metadata = metadata;
        this.clock = clock;
        this.expired = metrics.meter("swift.expirer.deleted");
    }

    /** Runs a pass every {@code interval} in the background until closed. */
    public ObjectExpirer start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "object-expirer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::passSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void passSafely() {
        try {
            runPass();
        } catch (RuntimeException e) {
            log.warn("object expirer pass failed (retried at the next pass): {}", e.toString());
        }
    }

    /** One pass: handles every entry due now, a batch at a time. Returns how many objects it deleted. */
    public int runPass() {
        long now = clock.millis() / 1000;
        int deleted = 0;
        while (true) {
            List<ExpiringObject> due = metadata.dueExpiries(now, BATCH);
            for (ExpiringObject entry : due) {
                if (expire(entry, now)) {
                    deleted++;
                }
                metadata.removeExpiry(entry);
            }
            if (due.size() < BATCH) {
                break;
            }
        }
        if (deleted > 0) {
            expired.mark(deleted);
            log.debug("object expirer deleted {} objects", deleted);
        }
        return deleted;
    }

    private boolean expire(ExpiringObject entry, long now) {
        Optional<ObjectVersion> current = metadata.getObject(entry.account(), entry.container(), entry.name());
        if (current.isEmpty() || !current.get().timestamp().equals(entry.version())) {
            return false; // deleted already, or replaced by a version this entry is not about
        }
        long deleteAt = MetadataStore.deleteAtOf(current.get());
        if (deleteAt < 0 || deleteAt > now) {
            return false;
        }
        // Deletes exactly this version: a write racing us with a later timestamp wins.
        return metadata.deleteObject(entry.account(), entry.container(), entry.name(), entry.version()).isPresent();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
