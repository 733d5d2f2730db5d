package io.tessera.swift.http;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * HTTP conditional requests on an object, in Swift's order: If-Match, If-Unmodified-Since, then
 * If-None-Match, then If-Modified-Since (only without If-None-Match). A failed If-None-Match or If-Modified-Since on GET/HEAD is 304; every
 * other failure is 412. Unparseable dates are ignored, as Swift does.
 */
public final class Preconditions {
    private Preconditions() {
    }

    /**
     * @param etag         the object's unquoted ETag, or null if there is no object
     * @param lastModified the object's Last-Modified in epoch seconds
     */
    public static void check(HttpHeaders headers, String etag, long lastModified, boolean isGetOrHead) {
        check(headers, etag, null, lastModified, isGetOrHead);
    }

    /**
     * @param otherTag another tag the object answers to in If-Match and If-None-Match (a Pithos client's
     *                 Merkle root, its {@code X-Object-Hash}), or null; replies still name {@code etag}
     */
    public static void check(HttpHeaders headers, String etag, String otherTag, long lastModified, boolean isGetOrHead) {
        String ifMatch = headers.getHeaderString("If-Match");
        if (ifMatch != null) {
            if (etag == null || !(matches(ifMatch, etag) || (otherTag != null && matches(ifMatch, otherTag)))) {
                throw SwiftError.PRECONDITION_FAILED.exception(null).withHeader("ETag", etagOrEmpty(etag));
            }
        }
        // Swift checks If-Unmodified-Since even when If-Match matched (RFC 9110 would skip it).
        Long unmodifiedSince = date(headers.getHeaderString("If-Unmodified-Since"));
        if (unmodifiedSince != null && etag != null && lastModified > unmodifiedSince) {
            throw SwiftError.PRECONDITION_FAILED.exception(null).withHeader("ETag", etag);
        }
        String ifNoneMatch = headers.getHeaderString("If-None-Match");
        if (ifNoneMatch != null) {
            if (etag != null && (matches(ifNoneMatch, etag) || (otherTag != null && matches(ifNoneMatch, otherTag)))) {
                throw notModifiedOr412(isGetOrHead, etag, lastModified);
            }
        } else if (isGetOrHead) {
            Long since = date(headers.getHeaderString("If-Modified-Since"));
            if (since != null && etag != null && lastModified <= since) {
                throw notModifiedOr412(true, etag, lastModified);
            }
        }
    }

    private static SwiftException notModifiedOr412(boolean isGetOrHead, String etag, long lastModified) {
        SwiftException e = isGetOrHead ? SwiftError.NOT_MODIFIED.exception() : SwiftError.PRECONDITION_FAILED.exception(null);
        return e.withHeader("ETag", etag).withHeader("Last-Modified", HttpDates.format(lastModified));
    }

    /** Whether an If-Match/If-None-Match list ({@code *}, or quoted/unquoted tags) names {@code etag}. */
    static boolean matches(String list, String etag) {
        for (String tag : list.split(",")) {
            String t = tag.trim();
            if (t.equals("*")) {
                return true;
            }
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1);
            }
            if (t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String etagOrEmpty(String etag) {
        return etag == null ? "" : etag;
    }

    /** HTTP's three date forms (RFC 9110 section 5.6.7): IMF-fixdate, RFC 850 and asctime. */
    private static final List<DateTimeFormatter> DATE_FORMS = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US),
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss 'GMT'")
                    .toFormatter(Locale.US).withZone(ZoneOffset.UTC),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

    private static Long date(String value) {
        if (value == null) {
            return null;
        }
        for (DateTimeFormatter form : DATE_FORMS) {
            try {
                return ZonedDateTime.parse(value.trim(), form).toEpochSecond();
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        return null;
    }
}
