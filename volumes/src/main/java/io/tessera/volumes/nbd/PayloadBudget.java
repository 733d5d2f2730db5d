package io.tessera.volumes.nbd;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The process-wide allowance for NBD payloads (WRITE payloads and READ replies), counted in KiB.
 *
 * <p>A connection takes its request's bytes from here before it allocates anything for it, and gives
 * them back when the reply is sent (READ) or the write applied (WRITE). When the shared pool is used up
 * (say, by clients that stopped reading their replies), a request of at most {@link #RESERVE_KIB} may
 * still run on its own connection's reserve, so one client's 4 KiB reads never wait for another
 * client's 32 MiB ones. Memory held for payloads is therefore at most the budget plus 256 KiB per open
 * connection.
 */
final class PayloadBudget {
    /** Each connection's own allowance for small requests, beyond the shared pool. */
    static final int RESERVE_KIB = 256;

    private final Semaphore shared;
    private final int totalKib;

    PayloadBudget(long bytes) {
        this.totalKib = kib(bytes);
        this.shared = new Semaphore(totalKib, true);
    }

    /** A share of a budget, given back once with {@link #release()}. */
    record Grant(Semaphore from, int kib) {
        static final Grant NONE = new Grant(null, 0);

        void release() {
            if (from != null && kib > 0) {
                from.release(kib);
            }
        }
    }

    /** A new connection's reserve. */
    static Semaphore reserve() {
        return new Semaphore(RESERVE_KIB);
    }

    /**
     * Waits for {@code bytes} from the shared pool, or for a small request from {@code reserve} when the
     * pool is short. Returns null if {@code stop} turns true first (the connection is closing).
     */
    Grant take(Semaphore reserve, long bytes, BooleanSupplier stop) throws InterruptedException {
        if (bytes <= 0) {
            return Grant.NONE;
        }
        int kib = kib(bytes);
        if (kib > totalKib) {
            throw new IllegalArgumentException(bytes + " bytes is more than the whole NBD payload budget");
        }
        while (!stop.getAsBoolean()) {
            if (shared.tryAcquire(kib)) { // barges ahead of large requests queued for the pool: small ones are quick
                return new Grant(shared, kib);
            }
            if (kib <= RESERVE_KIB) {
                if (reserve.tryAcquire(kib, 50, TimeUnit.MILLISECONDS)) {
                    return new Grant(reserve, kib);
                }
            } else if (shared.tryAcquire(kib, 200, TimeUnit.MILLISECONDS)) {
                return new Grant(shared, kib);
            }
        }
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
