package io.tessera.volumes;

import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeStore.Lease;
import java.util.Optional;

/**
 * The write lease of one open volume (invariant 5): taken by compare-and-set, renewed in the
 * background, checked before a write or flush is acknowledged.
 *
 * <p>Fencing: {@link #check()} trusts its last confirmation for {@link #CHECK_CACHE_MILLIS}, so a holder
 * that lost the lease (a handover to another host) may still acknowledge writes for at most that long.
 * A handover therefore waits {@link #HANDOVER_WAIT_MILLIS} (twice that) before the new holder loads
 * the map and serves: every write the old holder acknowledges after the handover is refused. A write
 * the old holder had already started when its cache ran out may still reach the store, but it is
 * answered with an error, never acknowledged (as a disk write that fails mid-way).
 */
public final class VolumeLease {
    public static final long TTL_MILLIS = 30_000;
    public static final long CHECK_CACHE_MILLIS = 1_000;
    public static final long HANDOVER_WAIT_MILLIS = 2 * CHECK_CACHE_MILLIS;

    private final VolumeStore store;
    private final String volumeId;
    private final String holder;
    private volatile Lease lease;
    private volatile long confirmedAt;
    private volatile boolean lost;

    private VolumeLease(VolumeStore store, String volumeId, String holder, Lease lease) {
        this.store = store;
        this.volumeId = volumeId;
        this.holder = holder;
        this.lease = lease;
        this.confirmedAt = System.currentTimeMillis();
    }

    /**
     * Takes the lease for {@code holder}: free, expired, or already ours (a restart of this node) is
     * taken; held by another holder is refused unless {@code handover}, which moves it and bumps the
     * generation so the old holder's later writes are refused.
     */
    public static VolumeLease acquire(VolumeStore store, String volumeId, String volumeName, String holder,
                                      boolean handover) {
        for (int attempt = 0; attempt < 5; attempt++) {
            long now = System.currentTimeMillis();
            Optional<Lease> current = store.lease(volumeId);
            Lease next;
            boolean movedFromOther = false;
            if (current.isEmpty()) {
                next = new Lease(holder, now + TTL_MILLIS, 1);
            } else {
                Lease c = current.get();
                boolean otherHolds = !c.isFree(now) && !c.holder().equals(holder);
                if (otherHolds && !handover) {
                    throw VolumeException.conflict("volume " + volumeName + " is open for writing on " + c.holder()
                            + " (lease generation " + c.generation() + ", expires in "
                            + Math.max(0, (c.expiresAtMillis() - now) / 1000) + " s); open it with the handover flag"
                            + " to move it (live migration)");
                }
                movedFromOther = otherHolds;
                next = new Lease(holder, now + TTL_MILLIS, c.generation() + 1);
            }
            if (store.casLease(volumeId, current.orElse(null), next)) {
                if (movedFromOther) {
                    sleep(HANDOVER_WAIT_MILLIS);
                }
                return new VolumeLease(store, volumeId, holder, next);
            }
        }
        throw VolumeException.conflict("volume " + volumeName + ": its lease changed under us five times in a row");
    }

    public long generation() {
        return lease.generation();
    }

    /** Throws 409 if the lease is no longer ours; confirms it with the store at most once a {@link #CHECK_CACHE_MILLIS}. */
    public void check() {
        if (lost) {
            throw fenced();
        }
        long now = System.currentTimeMillis();
        if (now - confirmedAt < CHECK_CACHE_MILLIS) {
            return;
        }
        Optional<Lease> current = store.lease(volumeId);
        Lease mine = lease;
        if (current.isEmpty() || !current.get().holder().equals(holder) || current.get().generation() != mine.generation()
                || current.get().expiresAtMillis() <= now) {
            lost = true;
            throw fenced();
        }
        lease = current.get();
        confirmedAt = now;
    }

    /** Extends the lease; called every few seconds by the owner. False if it was lost. */
    public boolean renew() {
        if (lost) {
            return false;
        }
        Lease mine = lease;
        Lease next = new Lease(holder, System.currentTimeMillis() + TTL_MILLIS, mine.generation());
        if (store.casLease(volumeId, mine, next)) {
            lease = next;
            confirmedAt = System.currentTimeMillis();
            return true;
        }
        lost = true;
        return false;
    }

    /** Gives the lease up (same generation, no holder), unless it was lost meanwhile. */
    public void release() {
        if (!lost) {
            Lease mine = lease;
            store.casLease(volumeId, mine, new Lease("", 0, mine.generation()));
            lost = true;
        }
    }

    public boolean isLost() {
        return lost;
    }

    private VolumeException fenced() {
        return VolumeException.conflict("the write lease of this volume moved to another holder (handover)");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VolumeException(503, "interrupted");
        }
    }
}
