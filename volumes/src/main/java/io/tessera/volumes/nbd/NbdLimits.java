package io.tessera.volumes.nbd;

import java.time.Duration;

/**
 * What bounds the NBD server's memory and threads, process-wide.
 *
 * @param payloadBudgetBytes     bytes of READ and WRITE payloads all connections together may hold at once
 *                               (a WRITE's payload from before it is read off the socket until it is applied,
 *                               a READ's reply from before it is built until it is sent); at least
 *                               {@link Nbd#MAX_PAYLOAD}, so the largest request we advertise can always run
 * @param maxConnections         connections open at once (handshaking or attached); one more is closed at once
 * @param handshakeTimeout       a client that has not chosen an export this long after connecting is dropped
 * @param sendTimeout            a client that takes no reply bytes for this long (it stopped reading), or that
 *                               has not sent a WRITE's whole payload this long after its header, is dropped,
 *                               which frees the budget it holds
 * @param connectionPayloadBytes of those, what one connection may hold at once (its pipeline stalls, nobody
 *                               else's, when it is reached); a request larger than this runs alone on its
 *                               connection. Default {@link #CONNECTION_SHARE a quarter} of the budget
 */
public record NbdLimits(long payloadBudgetBytes, int maxConnections, Duration handshakeTimeout, Duration sendTimeout,
                        long connectionPayloadBytes) {
    /**
     * The default connection cap is this fraction of the budget: three connections at their caps (clients
     * that stopped reading) still leave a quarter to everyone else, while one connection may keep 16 MiB in
     * flight by default (nbdcopy's 64 requests of 256 KiB, or QD16 of 1 MiB).
     */
    public static final int CONNECTION_SHARE = 4;

    /**
     * Sized for the default 384 MiB heap: 64 MiB of payloads (two requests of the largest size), plus
     * each connection's small-request reserve (256 KiB x 64 connections).
     */
    public static final NbdLimits DEFAULTS = new NbdLimits(64L << 20, 64, Duration.ofSeconds(10), Duration.ofSeconds(60));

    public NbdLimits {
        if (payloadBudgetBytes < Nbd.MAX_PAYLOAD || payloadBudgetBytes > (1L << 40)) {
            throw new IllegalArgumentException("the NBD payload budget must be at least 32 MiB (the largest request)");
        }
        if (connectionPayloadBytes < (PayloadBudget.RESERVE_KIB << 10) || connectionPayloadBytes > payloadBudgetBytes) {
            throw new IllegalArgumentException("the NBD payload a connection may hold must be between 256 KiB and the"
                    + " whole budget");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the NBD connection limit must be at least 1");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("NBD timeouts must be positive");
        }
    }

    /** Limits whose connection cap is {@link #CONNECTION_SHARE a quarter} of the budget. */
    public NbdLimits(long payloadBudgetBytes, int maxConnections, Duration handshakeTimeout, Duration sendTimeout) {
        this(payloadBudgetBytes, maxConnections, handshakeTimeout, sendTimeout, payloadBudgetBytes / CONNECTION_SHARE);
    }
}
