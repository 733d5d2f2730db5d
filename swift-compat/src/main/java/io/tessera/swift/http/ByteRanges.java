package io.tessera.swift.http;

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
            try {
                if (a.isEmpty()) {
                    if (b.isEmpty()) {
                        return null;
                    }
                    specs.add(new long[] {-1, Long.parseLong(b)}); // suffix: last b bytes
                } else {
                    long start = Long.parseLong(a);
                    long end = b.isEmpty() ? -1 : Long.parseLong(b);
                    if (start < 0 || (end >= 0 && end < start)) {
                        return null;
                    }
                    specs.add(new long[] {start, end});
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (specs.size() > MAX_RANGES) {
            throw SwiftException.rangeNotSatisfiable(length);
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
            throw SwiftException.rangeNotSatisfiable(length);
        }
        checkAbuse(ranges, length);
        return ranges;
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
            throw SwiftException.rangeNotSatisfiable(length);
        }
    }
}
