package io.tessera.volumes;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** For tests that wait for a count other threads drive (waiters on a lock, bytes held) to stop growing. */
public final class Settled {
    private Settled() {
    }

    /**
     * Waits until {@code value} stops growing (unchanged and above zero for 300 ms) or reaches
     * {@code enough}, at most 10 s; returns it.
     */
    public static long value(LongSupplier value, long enough) throws InterruptedException {
        long last = -1;
        long stableSince = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            long v = value.getAsLong();
            if (v >= enough) {
                return v;
            }
            if (v != last) {
                last = v;
                stableSince = System.nanoTime();
            } else if (v > 0 && System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(300)) {
                return v;
            }
            Thread.sleep(20);
        }
        return value.getAsLong();
    }
}
