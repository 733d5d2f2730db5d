package io.tessera.volumes.nbd;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The process-wide allowance for NBD payloads (WRITE payloads and READ replies), counted in KiB, and each
 * connection's part of it ({@link Share}).
 *
 * <p>A connection takes its request's bytes before it allocates anything for it, and gives them back when
 * the reply is sent (READ) or the write applied (WRITE). It takes them in two steps:
 * <ol>
 *   <li>from its own cap ({@link NbdLimits#connectionPayloadBytes()}, a quarter of the budget by default):
 *       only its own requests free it, so a connection at its cap (a client that stopped reading its
 *       replies, or one that pipelines more than its share) waits for itself and stops reading requests,
 *       which pushes back on that client through TCP and on nobody else. A request larger than the cap (up
 *       to the 32 MiB we advertise) takes the whole cap: it runs alone on its connection;</li>
 *   <li>then from the shared pool. When the pool is used up (by several connections at their caps), a
 *       request of at most {@link #RESERVE_KIB} may still run on its connection's reserve, so one client's
 *       4 KiB reads never wait for other clients' large ones.</li>
 * </ol>
 * So one connection holds at most max(its cap, one request) of the pool, and the pool is shared among at
 * least budget / cap connections; memory held for payloads is at most the budget plus 256 KiB per open
 * connection.
 */
final class PayloadBudget {
    /** Each connection's own allowance for small requests, beyond the shared pool. */
    static final int RESERVE_KIB = 256;

    private final Semaphore shared;
    private final int totalKib;
    private final int connectionKib;

    PayloadBudget(NbdLimits limits) {
        this.totalKib = kib(limits.payloadBudgetBytes());
        this.connectionKib = kib(limits.connectionPayloadBytes());
        this.shared = new Semaphore(totalKib, true);
    }

    /** One connection's part of the budget: the cap on what it holds at once, and its small-request reserve. */
    final class Share {
        private final Semaphore cap = new Semaphore(connectionKib);
        private final Semaphore reserve = new Semaphore(RESERVE_KIB);
    }

    /** A new connection's share. */
    Share share() {
        return new Share();
    }

    /** Bytes taken for one request, given back once with {@link #release()}: from its connection's cap and from a pool. */
    record Grant(Semaphore cap, int capKib, Semaphore pool, int poolKib) {
        static final Grant NONE = new Grant(null, 0, null, 0);

        void release() {
            if (pool != null) {
                pool.release(poolKib);
            }
            if (cap != null) {
                cap.release(capKib);
            }
        }
    }

    /**
     * Waits for {@code bytes} from the connection's cap, then from the shared pool (or, for a small request
     * when the pool is short, from the connection's reserve). Returns null if {@code stop} turns true first
     * (the connection is closing).
     */
    Grant take(Share share, long bytes, BooleanSupplier stop) throws InterruptedException {
        if (bytes <= 0) {
            return Grant.NONE;
        }
        int kib = kib(bytes);
        if (kib > totalKib) {
            throw new IllegalArgumentException(bytes + " bytes is more than the whole NBD payload budget");
        }
        int own = Math.min(kib, connectionKib);
        while (!share.cap.tryAcquire(own, 100, TimeUnit.MILLISECONDS)) {
            if (stop.getAsBoolean()) {
                return null;
            }
        }
        while (!stop.getAsBoolean()) {
            if (shared.tryAcquire(kib)) { // barges ahead of large requests queued for the pool: small ones are quick
                return new Grant(share.cap, own, shared, kib);
            }
            if (kib <= RESERVE_KIB) {
                if (share.reserve.tryAcquire(kib, 50, TimeUnit.MILLISECONDS)) {
                    return new Grant(share.cap, own, share.reserve, kib);
                }
            } else if (shared.tryAcquire(kib, 200, TimeUnit.MILLISECONDS)) {
                return new Grant(share.cap, own, shared, kib);
            }
        }
        share.cap.release(own);
        return null;
    }

    /** Bytes of the shared pool held now. */
    long inUseBytes() {
        return (long) (totalKib - shared.availablePermits()) * 1024;
    }

    static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) / 1024);
    }
}
