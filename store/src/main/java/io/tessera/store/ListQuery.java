package io.tessera.store;

/**
 * One page of an ordered listing. Names are compared by their UTF-8 bytes (as Swift's databases,
 * Cassandra's text clustering and RocksDB's keys all do; see {@link Names#UTF8_ORDER}).
 *
 * <p>With a {@code delimiter}, the names that contain it after the prefix fall into groups (Swift's
 * "subdirectories"): a group is a name's start up to and including the first delimiter after the
 * prefix ({@link #groupOf}). The backend returns one row per group and skips the rest of the group
 * itself, without reading it (embedded: a seek of the same iterator; Cassandra: inside the merge of
 * the shards). The row that stands for a group is the one named exactly like the group when it exists
 * and is in range (a direct child in a Swift {@code path} listing), otherwise the group's first row in
 * the scan's direction. A group counts as one row against {@code limit}.
 *
 * @param prefix     only names starting with this; null for all
 * @param delimiter  group names by the first occurrence of this after the prefix; null for no grouping
 * @param startAfter only names strictly greater than this (Swift's {@code marker}); null for no bound
 * @param startAt    only names greater than or equal to this; null for no bound
 * @param endBefore  only names strictly smaller than this (Swift's {@code end_marker}); null for no bound
 * @param reverse    greatest name first
 * @param limit      at most this many rows; a backend returns fewer only when the range is exhausted
 */
public record ListQuery(String prefix, String delimiter, String startAfter, String startAt, String endBefore,
                        boolean reverse, int limit) {
    public ListQuery {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        if (delimiter != null && delimiter.isEmpty()) {
            throw new IllegalArgumentException("empty delimiter");
        }
    }

    public ListQuery(String prefix, String startAfter, String startAt, String endBefore, boolean reverse, int limit) {
        this(prefix, null, startAfter, startAt, endBefore, reverse, limit);
    }

    public ListQuery(String prefix, String startAfter, String endBefore, boolean reverse, int limit) {
        this(prefix, null, startAfter, null, endBefore, reverse, limit);
    }

    public static ListQuery all(int limit) {
        return new ListQuery(null, null, null, null, null, false, limit);
    }

    /** This query with another lower bound (inclusive). */
    public ListQuery withStartAt(String startAt) {
        return new ListQuery(prefix, delimiter, startAfter, startAt, endBefore, reverse, limit);
    }

    /** Whether {@code name} falls inside this query's prefix and bounds (the delimiter aside). */
    public boolean matches(String name) {
        return (prefix == null || name.startsWith(prefix))
                && (startAfter == null || Names.UTF8_ORDER.compare(name, startAfter) > 0)
                && (startAt == null || Names.UTF8_ORDER.compare(name, startAt) >= 0)
                && (endBefore == null || Names.UTF8_ORDER.compare(name, endBefore) < 0);
    }

    /**
     * The group ("subdirectory") {@code name} belongs to: its start up to and including the first
     * delimiter after the prefix; null without a delimiter or when the name holds none there.
     */
    public String groupOf(String name) {
        if (delimiter == null) {
            return null;
        }
        int d = name.indexOf(delimiter, prefix == null ? 0 : prefix.length());
        return d < 0 ? null : name.substring(0, d + delimiter.length());
    }
}
