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
            upper = Names.prefixEnd(query.prefix());
        }
        if (query.startAfter() != null) {
            lower = max(lower, Names.successor(query.startAfter()));
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
        return reverse ? new NameRange(lower, name) : new NameRange(max(lower, Names.successor(name)), upper);
    }

    /**
     * The rest of this range once the group ("subdirectory") {@code group} is skipped, walking in the given
     * direction; null if nothing is left. Reversed, the group's own name stays in range: it is the last
     * row of the group met in that direction, and the one that stands for the group when it exists.
     */
    NameRange past(String group, boolean reverse) {
        if (reverse) {
            String below = Names.successor(group);
            return upper != null && Names.UTF8_ORDER.compare(upper, below) <= 0 ? this : new NameRange(lower, below);
        }
        String end = Names.prefixEnd(group);
        return end == null ? null : new NameRange(max(lower, end), upper);
    }

    private static String max(String a, String b) {
        return Names.UTF8_ORDER.compare(a, b) >= 0 ? a : b;
    }
}
