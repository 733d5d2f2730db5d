package io.tessera.volumes;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.FencedException;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeStore.Entry;
import io.tessera.store.VolumeStore.Lease;
import io.tessera.store.VolumeWriter;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The write lease of one open volume (invariant 5): taken by compare-and-set, renewed in the
 * background, and the holder of the volume's fenced {@link VolumeWriter}.
 *
 * <p>Fencing lives in the store: every take (a handover, or a take after expiry) moves the volume to a
 * new generation by compare-and-set before the new holder serves, and from that moment the store refuses
 * the old generation's writes ({@link VolumeWriter}); the old holder's calls fail with 409 (NBD EIO).
 *
 * <p>Expiry: a holder that cannot renew (cut off from the store, paused) stops acknowledging writes
 * {@link Timing#marginMillis} before its lease's expiry, by its own clock ({@link #check}); another
 * server takes the lease only once it has expired by that server's clock. So as long as two servers'
 * clocks differ by less than the margin, the old holder has stopped before the new one starts. If they
 * differ by more, the store's fencing still refuses every write of the old generation after the take.
 *
 * <p>Reads: a holder serves reads from its map in memory, which a new holder's writes make stale, so it
 * refuses reads too ({@link #check}) once it knows it is fenced or should: a write or sync of its
 * generation was refused by the store, a renewal found the lease taken, or its own clock passed the
 * self-fence time above. What this state costs per read is a volatile read and a clock read; the store
 * is not asked. The window that remains: a holder that only reads while another takes its volume over
 * (a handover) serves its old map until its next renewal (at most {@link Timing#renewEveryMillis}) or its
 * next write, whichever comes first; after a take by expiry there is no window (it stopped before).
 */
public final class VolumeLease {
    /**
     * @param ttlMillis        how long a take or renewal holds the lease (30 s)
     * @param marginMillis     how long before its expiry a holder that could not renew stops acknowledging
     *                         writes (5 s): the clock skew between servers this tolerates
     * @param renewEveryMillis how often the holder renews (10 s)
     */
    public record Timing(long ttlMillis, long marginMillis, long renewEveryMillis) {
        public static final Timing DEFAULT = new Timing(30_000, 5_000, 10_000);

        public Timing {
            if (marginMillis <= 0 || renewEveryMillis <= 0 || renewEveryMillis >= ttlMillis - marginMillis) {
                throw new IllegalArgumentException("a lease needs 0 < margin, 0 < renewal period < ttl - margin");
            }
        }
    }

    /**
     * A server process's identity in leases ({@link #name}, unique to the process instance: VolumeService)
     * and the leases it holds, by volume id: a lease is held from its take until it is released or found
     * lost. {@link #acquire} refuses to take again a live lease this holder holds, so no caller can fence
     * a volume open in its own process by taking its lease again.
     */
    public static final class Holder {
        private final String name;
        private final Map<String, VolumeLease> held = new ConcurrentHashMap<>();

        public Holder(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        boolean holds(String volumeId) {
            return held.containsKey(volumeId);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final VolumeStore store;
    private final String volumeId;
    private final Holder holder;
    private final Timing timing;
    private final LongSupplier clock;
    private final VolumeWriter writer;
    private volatile Lease lease;
    private volatile boolean lost;

    private VolumeLease(VolumeStore store, String volumeId, Holder holder, Timing timing, LongSupplier clock,
                        Lease lease) {
        this.store = store;
        this.volumeId = volumeId;
        this.holder = holder;
        this.timing = timing;
        this.clock = clock;
        this.lease = lease;
        this.writer = new Refusing(store.writer(volumeId, lease.generation()));
    }

    /**
     * Takes the lease for {@code holder}: free or expired is taken; held by another holder is refused
     * unless {@code handover}; held by this holder is refused (409, in use) while a lease of this holder
     * holds it, and taken otherwise (a release that failed left it behind). Every take is a new
     * generation, so whoever wrote under the old one is fenced by the store before this returns. Callers
     * serialize takes of one volume by one holder (VolumeService: its per-volume locks).
     */
    public static VolumeLease acquire(VolumeStore store, String volumeId, String volumeName, Holder holder,
                                      boolean handover, Timing timing, LongSupplier clock) {
        for (int attempt = 0; attempt < 5; attempt++) {
            long now = clock.getAsLong();
            Optional<Lease> current = store.lease(volumeId);
            Lease next;
            if (current.isEmpty()) {
                next = new Lease(holder.name(), now + timing.ttlMillis(), 1);
            } else {
                Lease c = current.get();
                if (!c.isFree(now) && c.holder().equals(holder.name()) && holder.holds(volumeId)) {
                    throw VolumeException.conflict("volume " + volumeName + " is in use on this server (open, or"
                            + " being closed or deleted); a take of its lease here would fence its own users");
                }
                if (!c.isFree(now) && !c.holder().equals(holder.name()) && !handover) {
                    throw VolumeException.conflict("volume " + volumeName + " is open for writing on " + c.holder()
                            + " (lease generation " + c.generation() + ", expires in "
                            + Math.max(0, (c.expiresAtMillis() - now + 999) / 1000) + " s); open it with the handover"
                            + " flag to move it (live migration)");
                }
                // One TTL from now, whatever came before: N takes in a row must not keep the volume from a
                // take by expiry for N TTLs. The store orders the generations' writes on its own (Cassandra:
                // a stamp floor above every stamp the old generation could use), not by this expiry.
                next = new Lease(holder.name(), now + timing.ttlMillis(), c.generation() + 1);
            }
            if (store.casLease(volumeId, current.orElse(null), next)) {
                VolumeLease taken;
                try {
                    taken = new VolumeLease(store, volumeId, holder, timing, clock, next);
                } catch (FencedException e) {
                    continue; // taken again between our take and our writer: try again
                }
                holder.held.put(volumeId, taken);
                return taken;
            }
        }
        throw VolumeException.conflict("volume " + volumeName + ": its lease changed under us five times in a row");
    }

    public long generation() {
        return lease.generation();
    }

    /**
     * The store's writer for this volume under this lease; its refusals (the lease was taken) become 409s
     * and mark the lease lost.
     */
    public VolumeWriter writer() {
        return writer;
    }

    /**
     * Throws 409 if this holder may no longer acknowledge writes nor serve reads: the lease was lost (a
     * write, sync or renewal found it taken), or it could not be renewed and is within the margin of its
     * expiry. Costs no store round trip (the store fences the writes themselves); see the class comment
     * for the window a read may still be served in.
     */
    public void check() {
        if (lost) {
            throw fenced();
        }
        Lease mine = lease;
        if (clock.getAsLong() >= mine.expiresAtMillis() - timing.marginMillis()) {
            throw VolumeException.conflict("the write lease of this volume could not be renewed and is about to"
                    + " expire (at " + mine.expiresAtMillis() + " ms); writes are refused until it is renewed");
        }
    }

    /** Extends the lease; called every {@link Timing#renewEveryMillis} by the owner. False if it was lost. */
    public boolean renew() {
        if (lost) {
            return false;
        }
        Lease mine = lease;
        Lease next = new Lease(holder.name(), Math.max(clock.getAsLong() + timing.ttlMillis(), mine.expiresAtMillis()),
                mine.generation());
        if (store.casLease(volumeId, mine, next)) {
            lease = next;
            return true;
        }
        markLost();
        return false;
    }

    /** Gives the lease up (same generation and expiry, no holder), unless it was lost meanwhile. */
    public void release() {
        if (!lost) {
            Lease mine = lease;
            markLost();
            store.casLease(volumeId, mine, new Lease("", mine.expiresAtMillis(), mine.generation()));
        }
    }

    public boolean isLost() {
        return lost;
    }

    /** From now on this lease refuses everything, and its holder no longer holds the volume through it. */
    private void markLost() {
        lost = true;
        holder.held.remove(volumeId, this);
    }

    private VolumeException fenced() {
        return VolumeException.conflict("the write lease of this volume moved to another holder (handover or expiry)");
    }

    /** The store's writer, its refusals turned into 409s that also mark this lease lost. */
    private final class Refusing implements VolumeWriter {
        private final VolumeWriter store;

        Refusing(VolumeWriter store) {
            this.store = store;
        }

        @Override
        public String volumeId() {
            return store.volumeId();
        }

        @Override
        public long generation() {
            return store.generation();
        }

        @Override
        public void putEntries(Map<Long, Entry> entries) {
            fenced(() -> store.putEntries(entries));
        }

        @Override
        public void deleteOverlay(long blocks) {
            fenced(() -> store.deleteOverlay(blocks));
        }

        @Override
        public void write(BlockHash id, int offset, byte[] src, int srcOff, int len) {
            fenced(() -> store.write(id, offset, src, srcOff, len));
        }

        @Override
        public void sync(Collection<BlockHash> ids) {
            fenced(() -> store.sync(ids));
        }

        private void fenced(Runnable call) {
            if (lost) {
                throw VolumeLease.this.fenced();
            }
            try {
                call.run();
            } catch (FencedException e) {
                markLost();
                throw VolumeLease.this.fenced();
            }
        }
    }
}
