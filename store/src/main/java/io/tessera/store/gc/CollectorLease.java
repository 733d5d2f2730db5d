package io.tessera.store.gc;

import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeStore.Lease;
import java.time.Duration;
import java.util.Optional;

/**
 * One collector at a time across every frontend of a store: a lease row taken and renewed by
 * compare-and-set, with an expiry so that a node that dies mid-cycle hands over within one TTL. It uses
 * the store's one CAS lease primitive, the volume lease table, under the reserved id {@value #ID}
 * (volume ids are UUIDs, so it names no volume).
 *
 * <p>Correctness does not depend on the lease: every delete is conditional (store/GC.md), so two
 * collectors at once would only duplicate work. The lease keeps them from doing so.
 */
final class CollectorLease {
    static final String ID = "tessera:gc";

    private final VolumeStore volumes;
    private final String holder;
    private final long ttlMillis;
    private Lease mine;

    CollectorLease(VolumeStore volumes, String holder, Duration ttl) {
        this.volumes = volumes;
        this.holder = holder;
        this.ttlMillis = ttl.toMillis();
    }

    /** Takes the lease if it is free, expired or already ours; false if another holder has it. */
    boolean acquire() {
        long now = System.currentTimeMillis();
        Optional<Lease> current = volumes.lease(ID);
        if (current.isPresent() && !current.get().isFree(now) && !current.get().holder().equals(holder)) {
            return false;
        }
        Lease next = new Lease(holder, now + ttlMillis, current.map(l -> l.generation() + 1).orElse(1L));
        if (!volumes.casLease(ID, current.orElse(null), next)) {
            return false;
        }
        mine = next;
        return true;
    }

    /** Renews when half the TTL is gone; throws if another node took the lease meanwhile. */
    void renewIfDue() {
        long now = System.currentTimeMillis();
        if (mine == null || now < mine.expiresAtMillis() - ttlMillis / 2) {
            return;
        }
        Lease next = new Lease(holder, now + ttlMillis, mine.generation());
        if (!volumes.casLease(ID, mine, next)) {
            mine = null;
            throw new LostLease("the collector's lease was taken by another node; stopping this cycle");
        }
        mine = next;
    }

    void release() {
        if (mine != null) {
            volumes.casLease(ID, mine, new Lease("", 0, mine.generation()));
            mine = null;
        }
    }

    /** Who holds the lease now, if anyone. */
    Optional<String> holder() {
        return volumes.lease(ID).filter(l -> !l.isFree(System.currentTimeMillis())).map(Lease::holder);
    }

    static final class LostLease extends RuntimeException {
        LostLease(String message) {
            super(message);
        }
    }
}
