package io.tessera.store.gc;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a collection is doing right now, for the CLI's progress bar and the {@code gc.*} metrics:
 * the phase, how far into it (and how far there is to go, estimated), and the running totals.
 */
public final class GcProgress {
    public enum Phase { IDLE, MARK, SWEEP_MAPS, SWEEP_BLOCKS, SWEEP_OWNED }

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.IDLE);
    final AtomicLong done = new AtomicLong();
    final AtomicLong total = new AtomicLong();
    final AtomicLong objects = new AtomicLong();
    final AtomicLong volumes = new AtomicLong();
    final AtomicLong mapsScanned = new AtomicLong();
    final AtomicLong mapsFreed = new AtomicLong();
    final AtomicLong blocksScanned = new AtomicLong();
    final AtomicLong blocksKept = new AtomicLong();
    final AtomicLong blocksCondemned = new AtomicLong();
    final AtomicLong blocksFreed = new AtomicLong();
    final AtomicLong bytesFreed = new AtomicLong();
    final AtomicLong ownedFreed = new AtomicLong();
    /** Containers and accounts whose usage counters the mark corrected ({@link UsageReconciler}). */
    final AtomicLong usageCorrected = new AtomicLong();
    /** Containers and accounts written while they were counted, left for the next cycle. */
    final AtomicLong usageSkipped = new AtomicLong();
    final AtomicLong runs = new AtomicLong();
    final AtomicLong lastRunMillis = new AtomicLong();

    /** Registers the {@code gc.*} gauges (metrics README section): a registry holds one collector's. */
    public void register(MetricRegistry metrics) {
        gauge(metrics, "gc.phase", () -> (long) phase.get().ordinal());
        gauge(metrics, "gc.phase.done", done::get);
        gauge(metrics, "gc.phase.total", total::get);
        gauge(metrics, "gc.objects.scanned", objects::get);
        gauge(metrics, "gc.maps.scanned", mapsScanned::get);
        gauge(metrics, "gc.maps.freed", mapsFreed::get);
        gauge(metrics, "gc.blocks.scanned", blocksScanned::get);
        gauge(metrics, "gc.blocks.kept", blocksKept::get);
        gauge(metrics, "gc.blocks.condemned", blocksCondemned::get);
        gauge(metrics, "gc.blocks.freed", blocksFreed::get);
        gauge(metrics, "gc.bytes.freed", bytesFreed::get);
        gauge(metrics, "gc.owned.freed", ownedFreed::get);
        gauge(metrics, "gc.usage.corrected", usageCorrected::get);
        gauge(metrics, "gc.usage.skipped", usageSkipped::get);
        gauge(metrics, "gc.runs", runs::get);
        gauge(metrics, "gc.last.duration.ms", lastRunMillis::get);
    }

    private static void gauge(MetricRegistry metrics, String name, Gauge<Long> g) {
        metrics.remove(name);
        metrics.register(name, g);
    }

    public Phase phase() {
        return phase.get();
    }

    void enter(Phase p, long estimatedTotal) {
        phase.set(p);
        done.set(0);
        total.set(Math.max(0, estimatedTotal));
    }

    void reset() {
        for (AtomicLong a : new AtomicLong[] {done, total, objects, volumes, mapsScanned, mapsFreed, blocksScanned,
                blocksKept, blocksCondemned, blocksFreed, bytesFreed, ownedFreed, usageCorrected, usageSkipped}) {
            a.set(0);
        }
    }

    /** A point-in-time copy for display. */
    public Snapshot snapshot() {
        return new Snapshot(phase.get(), done.get(), total.get(), objects.get(), volumes.get(), mapsScanned.get(),
                mapsFreed.get(), blocksScanned.get(), blocksKept.get(), blocksCondemned.get(), blocksFreed.get(),
                bytesFreed.get(), ownedFreed.get());
    }

    public record Snapshot(Phase phase, long done, long total, long objects, long volumes, long mapsScanned,
                           long mapsFreed, long blocksScanned, long blocksKept, long blocksCondemned,
                           long blocksFreed, long bytesFreed, long ownedFreed) {
    }
}
