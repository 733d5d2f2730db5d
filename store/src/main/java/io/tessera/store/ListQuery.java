package io.tessera.store;

/**
 * One page of an ordered listing. Names are compared by their UTF-8 bytes (as Swift's databases,
 * Cassandra's text clustering and RocksDB's keys all do; see {@link Names#UTF8_ORDER}).
 *
 * @param prefix     only names starting with this; null for all
 * @param startAfter only names strictly greater than this (Swift's {@code marker}); null for no bound
 * @param startAt    only names greater than or equal to this; null for no bound. Listings with a
 *                   delimiter need it to skip past a whole "subdirectory" {@code a/...} in one step:
 *                   everything after it starts at {@code a0} ('/' + 1), inclusive.
 * @param endBefore  only names strictly smaller than this (Swift's {@code end_marker}); null for no bound
 * @param reverse    greatest name first
 * @param limit      at most this many rows; a backend returns fewer only when the range is exhausted
 */
public record ListQuery(String prefix, String startAfter, String startAt, String endBefore, boolean reverse,
                        int limit) {
    public ListQuery {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit");
        }
    }

    public ListQuery(String prefix, String startAfter, String endBefore, boolean reverse, int limit) {
        this(prefix, startAfter, null, endBefore, reverse, limit);
    }

    public static ListQuery all(int limit) {
        return new ListQuery(null, null, null, null, false, limit);
    }

    /** Whether {@code name} falls inside this query's prefix and bounds. */
    public boolean matches(String name) {
        return (prefix == null || name.startsWith(prefix))
                && (startAfter == null || Names.UTF8_ORDER.compare(name, startAfter) > 0)
                && (startAt == null || Names.UTF8_ORDER.compare(name, startAt) >= 0)
                && (endBefore == null || Names.UTF8_ORDER.compare(name, endBefore) < 0);
    }
}
