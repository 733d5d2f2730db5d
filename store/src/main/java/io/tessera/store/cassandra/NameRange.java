package io.tessera.store.cassandra;

import io.tessera.store.ListQuery;
import io.tessera.store.Names;

/**
 * A listing's prefix and markers folded into one range of names, {@code [lower, upper)} in UTF-8 byte
 * order, which is exactly the order of Cassandra's {@code text} clustering columns, so it becomes a
 * clustering slice: {@code name >= lower AND name < upper}.
 *
 * @param lower inclusive; "" when unbounded (every name is >= "")
 * @param upper exclusive; null when unbounded
 */
record NameRange(String lower, String upper) {

    static NameRange of(ListQuery query) {
        String lower = "";
        String upper = null;
        if (query.prefix() != null && !query.prefix().isEmpty()) {
            lower = query.prefix();
            upper = prefixEnd(query.prefix());
        }
        if (query.startAfter() != null) {
            lower = max(lower, successor(query.startAfter()));
        }
        if (query.startAt() != null) {
            lower = max(lower, query.startAt());
        }
        if (query.endBefore() != null && (upper == null || Names.UTF8_ORDER.compare(query.endBefore(), upper) < 0)) {
            upper = query.endBefore();
        }
        return new NameRange(lower, upper);
    }

    boolean isEmpty() {
        return upper != null && Names.UTF8_ORDER.compare(lower, upper) >= 0;
    }

    /** The rest of this range after {@code name}, walking in the given direction. */
    NameRange after(String name, boolean reverse) {
        return reverse ? new NameRange(lower, name) : new NameRange(successor(name), upper);
    }

    /** The smallest string greater than {@code s} in UTF-8 byte order: {@code s} followed by U+0000. */
    static String successor(String s) {
        return s + '\0';
    }

    /**
     * The smallest string greater than every string that starts with {@code prefix}: the prefix with its last
     * code point incremented (UTF-8 byte order is code point order), dropping trailing U+10FFFF; null if the
     * prefix is all U+10FFFF, when no such string exists.
     */
    static String prefixEnd(String prefix) {
        int end = prefix.length();
        while (end > 0) {
            int cp = prefix.codePointBefore(end);
            int start = end - Character.charCount(cp);
            if (cp < Character.MAX_CODE_POINT) {
                int next = cp + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : cp + 1;
                return prefix.substring(0, start) + new String(Character.toChars(next));
            }
            end = start;
        }
        return null;
    }

    private static String max(String a, String b) {
        return Names.UTF8_ORDER.compare(a, b) >= 0 ? a : b;
    }
}
