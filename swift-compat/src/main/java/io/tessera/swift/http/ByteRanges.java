package io.tessera.swift.http;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Range} header as Swift's swob reads it: a syntactically invalid header is ignored
 * (the whole object is sent); a valid one none of whose ranges overlaps the object, or one that looks
 * like abuse (more than 50 ranges, more than 2 overlapping, 8 or more out of order) is 416.
 */
public final class ByteRanges {
    static final int MAX_RANGES = 50;
    static final int MAX_OVERLAPS = 2;
    static final int MAX_NONASCENDING = 8;

    /** A satisfiable range: bytes {@code [start, end]} inclusive. */
    public record Range(long start, long end) {
        public long length() {
            return end - start + 1;
        }
    }

    private ByteRanges() {
    }

    /** The 416 for a range none of whose parts fits {@code length} bytes, with the {@code Content-Range} Swift sends. */
    public static SwiftException unsatisfiable(long length) {
        return SwiftError.REQUESTED_RANGE_NOT_SATISFIABLE.exception().withHeader("Content-Range", "bytes */" + length);
    }

    /**
     * @return the satisfiable ranges, or null when the header is absent or malformed (send everything)
     * @throws SwiftException 416 when no range is satisfiable or the set is abusive
     */
    public static List<Range> parse(String header, long length) {
        if (header == null) {
            return null;
        }
        String h = header.replaceAll("[ \\t]", ""); // Swift tolerates linear white space anywhere
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        List<long[]> specs = new ArrayList<>();
        for (String part : h.substring(6).split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String a = p.substring(0, dash).trim();
            String b = p.substring(dash + 1).trim();
            // swob: the end (or suffix length) must be all digits, so "--1" or "1--2" make the header
            // invalid; the start is what Python's int() reads, which allows a '+' ("+1-2" is 1-2).
            if (!b.isEmpty() && !digits(b)) {
                return null;
            }
            String start = a.startsWith("+") ? a.substring(1) : a;
            if (!start.isEmpty() && !digits(start)) {
                return null;
            }
            if (start.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                specs.add(new long[] {-1, number(b)}); // suffix: last b bytes
            } else {
                long first = number(start);
                long end = b.isEmpty() ? -1 : number(b);
                if (end >= 0 && end < first) {
                    return null;
                }
                specs.add(new long[] {first, end});
            }
        }
        if (specs.size() > MAX_RANGES) {
            throw unsatisfiable(length);
        }
        List<Range> ranges = new ArrayList<>();
        for (long[] s : specs) {
            if (s[0] < 0) {
                long n = s[1];
                if (n == 0 || length == 0) {
                    continue;
                }
                ranges.add(new Range(Math.max(0, length - n), length - 1));
            } else if (s[0] < length) {
                long end = s[1] < 0 || s[1] >= length ? length - 1 : s[1];
                ranges.add(new Range(s[0], end));
            }
        }
        if (ranges.isEmpty()) {
            throw unsatisfiable(length);
        }
        checkAbuse(ranges, length);
        return ranges;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A string of digits as a number; beyond a long it is still a number (Python's int has no bound), past any object. */
    private static long number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    private static void checkAbuse(List<Range> ranges, long length) {
        int overlaps = 0;
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                Range x = ranges.get(i);
                Range y = ranges.get(j);
                if (x.start() <= y.end() && y.start() <= x.end()) {
                    overlaps++;
                }
            }
        }
        int nonAscending = 0;
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i).start() < ranges.get(i - 1).start()) {
                nonAscending++;
            }
        }
        if (overlaps > MAX_OVERLAPS || nonAscending >= MAX_NONASCENDING) {
            throw unsatisfiable(length);
        }
    }
}
