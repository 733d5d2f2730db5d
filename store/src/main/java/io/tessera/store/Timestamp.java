package io.tessera.store;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A write's time in microseconds since the epoch: the version of a row, compared last-write-wins,
 * and Swift's {@code X-Timestamp} (seconds with five decimals on the wire).
 */
public record Timestamp(long micros) implements Comparable<Timestamp> {
    private static final AtomicLong LAST = new AtomicLong();

    /** The current time, strictly increasing within this process so two writes never tie here. */
    public static Timestamp now() {
        long wall = Instant.now().toEpochMilli() * 1000 + (System.nanoTime() / 1000) % 1000;
        return new Timestamp(LAST.updateAndGet(prev -> Math.max(prev + 1, wall)));
    }

    public long millis() {
        return micros / 1000;
    }

    /** Swift's form: seconds with five decimals, e.g. {@code 1389727543.65372}. */
    public String toSwift() {
        long tenMicros = micros / 10;
        if (tenMicros < 0) {
            return String.format("%d.%05d", tenMicros / 100_000, tenMicros % 100_000);
        }
        // On every reply: without String.format (a parse of the pattern and a Formatter each time).
        String fraction = Long.toString(100_000 + tenMicros % 100_000); // "1" + five digits
        return new StringBuilder(20).append(tenMicros / 100_000).append('.').append(fraction, 1, 6).toString();
    }

    @Override
    public int compareTo(Timestamp o) {
        return Long.compare(micros, o.micros);
    }

    public boolean isAfter(Timestamp o) {
        return micros > o.micros;
    }
}
