package io.tessera.swift.listing;

import io.tessera.swift.errors.SwiftError;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * The query parameters of an account or container GET: {@code prefix, delimiter, path, marker,
 * end_marker, limit, reverse}. {@code path=p} means prefix {@code p/} with delimiter {@code /}, listing
 * only the direct children (Swift's container backend).
 */
public record ListingRequest(String prefix, String delimiter, String marker, String endMarker, int limit,
                             boolean reverse, boolean pathMode) {

    public static ListingRequest from(MultivaluedMap<String, String> query, int maxLimit) {
        String prefix = emptyToNull(query.getFirst("prefix"));
        String delimiter = emptyToNull(query.getFirst("delimiter"));
        String path = query.getFirst("path");
        boolean pathMode = path != null;
        if (pathMode) {
            prefix = path.isEmpty() ? null : stripTrailingSlashes(path) + "/";
            delimiter = "/";
        }
        int limit = maxLimit;
        String l = query.getFirst("limit");
        if (l != null && !l.isEmpty()) {
            limit = parseLimit(l);
            if (limit > maxLimit) {
                throw SwiftError.PRECONDITION_FAILED.exception("Maximum limit is " + maxLimit);
            }
        }
        String reverse = query.getFirst("reverse");
        boolean rev = reverse != null && (reverse.equalsIgnoreCase("true") || reverse.equals("1")
                || reverse.equalsIgnoreCase("yes") || reverse.equalsIgnoreCase("on") || reverse.equalsIgnoreCase("t")
                || reverse.equalsIgnoreCase("y"));
        return new ListingRequest(prefix, delimiter, emptyToNull(query.getFirst("marker")),
                emptyToNull(query.getFirst("end_marker")), limit, rev, pathMode);
    }

    /** A whole number; clients written in Python 3 send {@code 5000.0} for a computed limit. */
    private static int parseLimit(String l) {
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(l.trim());
            if (d.signum() < 0) {
                throw new NumberFormatException();
            }
            return d.compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0 ? Integer.MAX_VALUE : d.intValue();
        } catch (NumberFormatException e) {
            throw SwiftError.PRECONDITION_FAILED.exception("Value of limit must be a positive integer");
        }
    }

    private static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
