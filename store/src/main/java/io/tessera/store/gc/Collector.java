package io.tessera.store.gc;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.AccountInfo;
import io.tessera.store.Store;
import io.tessera.store.gc.GcProgress.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector (store/GC.md): one cycle is
 * <ol>
 *   <li><b>mark</b> ({@link MarkPass}): walk the roots ({@link Roots}) into two Bloom filters, map ids
 *       and directly named blocks;</li>
 *   <li><b>sweep maps</b>: decide every stored map, and mark the blocks of every map still stored;</li>
 *   <li><b>sweep blocks</b> and <b>sweep owned blocks</b>: decide every block ({@link Sweep}).</li>
 * </ol>
 * It runs on one node at a time ({@link CollectorLease}), works through the {@link io.tessera.store.GcStore}
 * SPI only (so on every backend), and saves its progress ({@link CycleState}) so a crash in the block or
 * owned sweep resumes where it stopped, on this node (which kept the mark set on disk) or, elsewhere, by
 * starting a new cycle.
 */
public final class Collector {
    private static final Logger log = LoggerFactory.getLogger(Collector.class);
    static final Duration LEASE_TTL = Duration.ofSeconds(60);

    private final Store store;
    private final GcSettings settings;
    private final GcProgress progress;
    private final CollectorLease lease;
    /** Called after each persisted page of a sweep; tests use it to simulate a crash. */
    volatile Runnable afterPage = () -> { };
    /** Called once a sweep phase's state is saved, before it decides anything; tests use it to crash there. */
    volatile java.util.function.Consumer<Phase> phaseSaved = p -> { };
    /** Called with (account, container) once its counters are read, before its objects are counted (tests). */
    volatile java.util.function.BiConsumer<String, String> beforeUsageCount = (a, c) -> { };
    /** Called with (account, container) once its counters are read again, before a correction (tests). */
    volatile java.util.function.BiConsumer<String, String> afterUsageCount = (a, c) -> { };

    public Collector(Store store, GcSettings settings, String nodeId, GcProgress progress) {
        this.store = store;
        this.settings = settings;
        this.progress = progress;
        this.lease = new CollectorLease(store.volumes(), nodeId + "/" + UUID.randomUUID(), LEASE_TTL);
    }

    public GcProgress progress() {
        return progress;
    }

    /** Who holds the collector's lease, if anyone (this process or another node). */
    public Optional<String> leaseHolder() {
        return lease.holder();
    }

    /**
     * Runs one cycle (or finishes an interrupted one) to its end.
     *
     * @return the cycle's report, or empty if another node holds the collector's lease
     */
    public synchronized Optional<GcReport> runOnce() {
        if (!lease.acquire()) {
            log.info("another node is collecting ({}); not starting", lease.holder().orElse("?"));
            return Optional.empty();
        }
        long started = System.nanoTime();
        progress.reset();
        try {
            GcReport report = runCycle(started);
            progress.runs.incrementAndGet();
            progress.lastRunMillis.set(report.millis());
            store.gc().putState("last-report", report.summary());
            log.info("collection {} done:\n{}", report.cycle(), report.summary());
            return Optional.of(report);
        } finally {
            progress.enter(Phase.IDLE, 0);
            lease.release();
        }
    }

    /** The saved progress, or null if there is none or it cannot be read (then a new cycle starts). */
    private CycleState savedState() {
        Optional<String> saved = store.gc().state(CycleState.KEY);
        try {
            return saved.map(CycleState::decode).orElse(null);
        } catch (RuntimeException e) {
            log.warn("unreadable collection state ({}); starting a new cycle", e.toString());
            return null;
        }
    }

    private GcReport runCycle(long startedNanos) {
        CycleState state = savedState();
        BloomFilter blocks = null;
        boolean resumed = false;
        if (state != null && (state.phase() == Phase.SWEEP_BLOCKS || state.phase() == Phase.SWEEP_OWNED)) {
            // Resumable only with this cycle's own mark set, whole (BloomFilter.load checks it).
            blocks = BloomFilter.load(filterFile(state.id()), state.id()).orElse(null);
        }
        if (blocks != null) {
            resumed = true;
            progress.blocksFreed.set(state.blocksFreed());
            progress.bytesFreed.set(state.bytesFreed());
            progress.mapsFreed.set(state.mapsFreed());
            progress.ownedFreed.set(state.ownedFreed());
            progress.blocksCondemned.set(state.blocksCondemned());
            log.info("resuming collection {} at {} after {}", state.id(), state.phase(), state.cursor());
        } else {
            if (state != null) {
                log.info("collection {} was interrupted in {} and cannot be resumed here; starting a new one",
                        state.id(), state.phase());
                deleteFilter(state.id());
            }
            state = new CycleState(UUID.randomUUID().toString(), Phase.MARK, System.currentTimeMillis(), null,
                    0, 0, 0, 0, 0);
            save(state);
            blocks = markAndSweepMaps(state);
            // The mark set is synced before the state that lets a resumed sweep depend on it; if it could
            // not be saved, there is no file and a crash in the sweep starts a new cycle.
            saveFilter(blocks, state.id());
            state = state.at(Phase.SWEEP_BLOCKS, null, progress.snapshot());
            save(state);
            phaseSaved.accept(Phase.SWEEP_BLOCKS);
        }
        Sweep sweep = new Sweep(store, progress, state.markStart(), settings.grace().toMillis(), settings.pageSize());
        if (state.phase() == Phase.SWEEP_BLOCKS) {
            progress.enter(Phase.SWEEP_BLOCKS, store.blocks().stats().blocks());
            CycleState[] current = {state};
            sweep.blocks(state.cursor(), blocks, cursor -> current[0] = checkpoint(current[0], Phase.SWEEP_BLOCKS, cursor));
            state = current[0].at(Phase.SWEEP_OWNED, null, progress.snapshot());
            save(state);
        }
        progress.enter(Phase.SWEEP_OWNED, 0);
        CycleState[] current = {state};
        sweep.owned(state.cursor(), blocks, cursor -> current[0] = checkpoint(current[0], Phase.SWEEP_OWNED, cursor));
        store.gc().deleteState(CycleState.KEY);
        deleteFilter(state.id());
        return GcReport.of(state.id(), resumed, progress.snapshot(), (System.nanoTime() - startedNanos) / 1_000_000);
    }

    /** Mark, then sweep maps (which adds the blocks of surviving maps to the block filter). */
    private BloomFilter markAndSweepMaps(CycleState state) {
        // Rows a container delete left unreachable (a put that raced it) are removed first: the mark below
        // does not walk them, so their blocks become garbage and the rows must not outlive them.
        long unreachable = store.metadata().removeUnreachableObjects();
        if (unreachable > 0) {
            log.info("collection {}: removed {} object versions under deleted containers", state.id(), unreachable);
        }
        long blockCount = store.blocks().stats().blocks();
        long objects = countObjects();
        // Owned blocks and overlay entries share the block filter; sized with a margin for them and for growth.
        BloomFilter blocks = BloomFilter.forEntries(blockCount + blockCount / 4 + 10_000, settings.bloomFpp());
        BloomFilter maps = BloomFilter.forEntries(objects + 10_000, settings.bloomFpp());
        log.info("collection {}: marking ({} blocks, about {} objects; mark sets of {} + {} KiB)", state.id(),
                blockCount, objects, blocks.sizeBytes() >> 10, maps.sizeBytes() >> 10);
        progress.enter(Phase.MARK, objects);
        // The same walk counts every container's objects to correct its usage counters (UsageReconciler).
        Roots.walk(store, settings.pageSize(), new LeaseRenewing(Roots.all(
                new MarkPass(store, maps, blocks, progress, settings.accounting(), settings.bloomFpp()),
                new UsageReconciler(store.metadata(), progress, beforeUsageCount, afterUsageCount)), lease));
        if (progress.usageCorrected.get() > 0 || progress.usageSkipped.get() > 0) {
            log.info("collection {}: usage counters of {} containers and accounts corrected, {} written while counted"
                    + " (left for the next cycle)", state.id(), progress.usageCorrected.get(), progress.usageSkipped.get());
        }
        save(state.at(Phase.SWEEP_MAPS, null, progress.snapshot()));
        progress.enter(Phase.SWEEP_MAPS, 0);
        new Sweep(store, progress, state.markStart(), settings.grace().toMillis(), settings.pageSize()).maps(maps, blocks, lease::renewIfDue);
        return blocks;
    }

    private long countObjects() {
        long n = 0;
        String after = null;
        while (true) {
            var accounts = store.gc().accounts(after, settings.pageSize());
            for (String a : accounts) {
                n += store.metadata().getAccount(a).map(AccountInfo::objectCount).orElse(0L);
            }
            if (accounts.size() < settings.pageSize()) {
                return n;
            }
            after = accounts.get(accounts.size() - 1);
        }
    }

    private CycleState checkpoint(CycleState state, Phase phase, BlockHash cursor) {
        lease.renewIfDue();
        CycleState next = state.at(phase, cursor, progress.snapshot());
        save(next);
        afterPage.run();
        return next;
    }

    private void save(CycleState state) {
        store.gc().putState(CycleState.KEY, state.encode());
    }

    private Path filterFile(String cycle) {
        return settings.workDir().resolve("gc-" + cycle + ".bloom");
    }

    /** Saves the mark set durably; if it cannot, leaves none (a crash in the sweep then starts a new cycle). */
    private void saveFilter(BloomFilter filter, String cycle) {
        try {
            Files.createDirectories(settings.workDir());
            filter.save(filterFile(cycle), cycle);
        } catch (IOException e) {
            log.warn("cannot save the mark set to {}: {}", filterFile(cycle), e.getMessage());
            deleteFilter(cycle);
        }
    }

    private void deleteFilter(String cycle) {
        try {
            Files.deleteIfExists(filterFile(cycle));
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", filterFile(cycle), e.getMessage());
        }
    }

    /** Renews the lease between accounts of the mark, and every thousand objects inside a large one. */
    private record LeaseRenewing(Roots.Visitor inner, CollectorLease lease, long[] seen) implements Roots.Visitor {
        LeaseRenewing(Roots.Visitor inner, CollectorLease lease) {
            this(inner, lease, new long[1]);
        }

        @Override
        public void account(String account) {
            lease.renewIfDue();
            inner.account(account);
        }

        @Override
        public void container(String account, String container) {
            inner.container(account, container);
        }

        @Override
        public void containerDone(String account, String container) {
            inner.containerDone(account, container);
        }

        @Override
        public void object(io.tessera.store.ObjectVersion version) {
            if (++seen[0] % 1000 == 0) {
                lease.renewIfDue();
            }
            inner.object(version);
        }

        @Override
        public void volume(io.tessera.store.VolumeStore.VolumeRecord volume,
                           java.util.Map<Long, io.tessera.store.VolumeStore.Entry> overlay) {
            inner.volume(volume, overlay);
        }

        @Override
        public void hashJob(io.tessera.store.VolumeStore.HashJob job) {
            inner.hashJob(job);
        }

        @Override
        public void accountDone(String account) {
            inner.accountDone(account);
        }
    }
}
