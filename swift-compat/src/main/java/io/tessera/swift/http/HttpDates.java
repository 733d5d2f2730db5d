package io.tessera.swift.http;

import io.tessera.store.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The date forms the Swift API uses. */
public final class HttpDates {
    private static final DateTimeFormatter RFC_1123 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LISTING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS", Locale.US);

    private HttpDates() {
    }

    /** Last-Modified is whole seconds, rounded up as Swift does (math.ceil of X-Timestamp). */
    public static long lastModifiedSeconds(Timestamp t) {
        return (t.micros() + 999_999) / 1_000_000;
    }

    public static String format(long epochSeconds) {
        Formatted last = lastFormatted;
        if (last.epochSeconds() != epochSeconds) {
            last = new Formatted(epochSeconds, RFC_1123.format(Instant.ofEpochSecond(epochSeconds)));
            lastFormatted = last;
        }
        return last.text();
    }

    /** The last date formatted: a hot object's Last-Modified is the same on every read. */
    private record Formatted(long epochSeconds, String text) {
    }

    private static volatile Formatted lastFormatted = new Formatted(0, RFC_1123.format(Instant.EPOCH));

    /** The {@code last_modified} of listings: ISO 8601 with microseconds, UTC, no zone suffix. */
    public static String listing(Timestamp t) {
        long micros = t.micros();
        LocalDateTime dt = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
                (int) Math.floorMod(micros, 1_000_000) * 1000, ZoneOffset.UTC);
        return LISTING.format(dt);
    }
}
