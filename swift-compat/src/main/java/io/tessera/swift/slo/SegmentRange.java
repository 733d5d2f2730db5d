package io.tessera.swift.slo;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code range} of a manifest entry, read as Swift reads a Range header's value
 * ({@code first-last}, {@code first-} or {@code -suffix}) and resolved against the segment's length.
 * A bound that is not given is -1 ({@code -suffix} has {@code first == -1} and {@code last == suffix}).
 */
record SegmentRange(long first, long last) {

    /**
     * @return the ranges the value lists (several is an error the caller reports)
     * @throws IllegalArgumentException when the value is not a valid range list
     */
    static List<SegmentRange> parse(String value) {
        List<SegmentRange> ranges = new ArrayList<>();
        for (String part : value.trim().split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (dash < 0) {
                throw new IllegalArgumentException("no dash");
            }
            String a = p.substring(0, dash).trim();
            String b = p.substring(dash + 1).trim();
            long first = a.isEmpty() ? -1 : digits(a);
            long last = b.isEmpty() ? -1 : digits(b);
            if ((first < 0 && last < 0) || (first >= 0 && last >= 0 && last < first)) {
                throw new IllegalArgumentException("bad range");
            }
            ranges.add(new SegmentRange(first, last));
        }
        return ranges;
    }

    private static long digits(String s) {
        if (!s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not a number");
        }
        return Long.parseLong(s);
    }

    /** The bytes {@code [first, last]} this range selects from {@code length} bytes, or null if none. */
    long[] resolve(long length) {
        if (first < 0) { // suffix: the last `last` bytes
            if (last == 0 || length == 0) {
                return null;
            }
            return new long[] {Math.max(0, length - last), length - 1};
        }
        if (first >= length) {
            return null;
        }
        return new long[] {first, last < 0 ? length - 1 : Math.min(last, length - 1)};
    }
}
