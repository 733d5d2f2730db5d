package io.tessera.swift.versioning;

import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Where object_versioning keeps versions, named as Swift 2.30.1 names them: the hidden container
 * {@code \0versions\0<container>} (a name no client can send: paths with NUL are refused), and in it
 * one object per version, {@code \0<name>\0<inverted timestamp>}, so one name's versions list newest
 * first. A version id is the version's timestamp in Swift's internal form ({@code 1609459200.12345}),
 * which is why version timestamps are whole multiples of 10 microseconds.
 */
public final class VersionNames {
    static final char RESERVED = '\0';
    /** Swift's largest timestamp, 9999999999.99999, in units of 10 microseconds. */
    private static final long MAX_TEN_MICROS = 999_999_999_999_999L;

    private VersionNames() {
    }

    public static String hiddenContainer(String container) {
        return RESERVED + "versions" + RESERVED + container;
    }

    public static boolean isReserved(String name) {
        return !name.isEmpty() && name.charAt(0) == RESERVED;
    }

    public static String objectPrefix(String object) {
        return RESERVED + object + RESERVED;
    }

    public static String versionObject(String object, Timestamp version) {
        return objectPrefix(object) + format(MAX_TEN_MICROS - version.micros() / 10);
    }

    /** The object name and version of a name in a hidden container, or empty for any other name. */
    public record Parsed(String object, Timestamp version) {
    }

    public static Optional<Parsed> parse(String hiddenName) {
        if (!isReserved(hiddenName)) {
            return Optional.empty();
        }
        int sep = hiddenName.lastIndexOf(RESERVED);
        if (sep <= 0) {
            return Optional.empty();
        }
        try {
            long inverted = new BigDecimal(hiddenName.substring(sep + 1)).movePointRight(5).longValueExact();
            return Optional.of(new Parsed(hiddenName.substring(1, sep), new Timestamp((MAX_TEN_MICROS - inverted) * 10)));
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A version's id: its timestamp in Swift's internal form. */
    public static String id(Timestamp version) {
        return format(version.micros() / 10);
    }

    /** A {@code version-id} (or {@code version_marker}) parameter; 400 unless it is a timestamp. */
    public static Timestamp parseId(String id, String message) {
        try {
            BigDecimal seconds = new BigDecimal(id.trim());
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(10_000_000_000L)) >= 0) {
                throw SwiftError.BAD_REQUEST.exception(message);
            }
            return new Timestamp(seconds.movePointRight(5).setScale(0, java.math.RoundingMode.HALF_EVEN).longValue() * 10);
        } catch (NumberFormatException e) {
            throw SwiftError.BAD_REQUEST.exception(message);
        }
    }

    /** A fresh timestamp for a new version: strictly later than any before it here, on a 10 µs boundary. */
    static Timestamp newVersion() {
        Timestamp t = Timestamp.now();
        while (t.micros() % 10 != 0) {
            t = Timestamp.now(); // now() is strictly increasing: at most nine more calls
        }
        return t;
    }

    private static String format(long tenMicros) {
        // "%d.%05d", zero-padded to 16 characters (without String.format: every object read names its version)
        StringBuilder b = new StringBuilder(20).append(tenMicros / 100_000).append('.');
        String fraction = Long.toString(tenMicros % 100_000);
        for (int i = fraction.length(); i < 5; i++) {
            b.append('0');
        }
        b.append(fraction);
        while (b.length() < 16) {
            b.insert(0, '0');
        }
        return b.toString();
    }
}
