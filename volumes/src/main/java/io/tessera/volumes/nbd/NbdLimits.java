package io.tessera.volumes.nbd;

import java.time.Duration;

/**
 * What bounds the NBD server's memory and threads, process-wide.
 *
 * @param payloadBudgetBytes bytes of READ and WRITE payloads all connections together may hold at once
 *                           (a WRITE's payload from before it is read off the socket until it is applied, a
 *                           READ's reply from before it is built until it is sent); at least
 *                           {@link Nbd#MAX_PAYLOAD}, so the largest request we advertise can always run
 * @param maxConnections     connections open at once (handshaking or attached); one more is closed at once
 * @param handshakeTimeout   a client that has not chosen an export this long after connecting is dropped
 * @param sendTimeout        a client that takes no reply bytes for this long (it stopped reading) is dropped,
 *                           which frees the replies it holds
 */
public record NbdLimits(long payloadBudgetBytes, int maxConnections, Duration handshakeTimeout, Duration sendTimeout) {
    /**
     * Sized for the default 384 MiB heap: 64 MiB of payloads (two requests of the largest size), plus
     * each connection's small-request reserve (256 KiB x 64 connections).
     */
    public static final NbdLimits DEFAULTS = new NbdLimits(64L << 20, 64, Duration.ofSeconds(10), Duration.ofSeconds(60));

    public NbdLimits {
        if (payloadBudgetBytes < Nbd.MAX_PAYLOAD || payloadBudgetBytes > (1L << 40)) {
            throw new IllegalArgumentException("the NBD payload budget must be at least 32 MiB (the largest request)");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the NBD connection limit must be at least 1");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("NBD timeouts must be positive");
        }
    }
}
