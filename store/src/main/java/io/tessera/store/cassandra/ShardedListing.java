package io.tessera.store.cassandra;

import io.tessera.store.ListQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One page of a listing whose rows are spread over several partitions ("shards"), each ordered by name:
 * a k-way merge of one ordered slice query per shard.
 *
 * <p>Each shard is first asked for a little more than its fair share of the page ({@code limit / shards}
 * plus slack); names are hashed to shards, so the shares are even and one round of parallel queries
 * usually fills the page. A shard whose rows run out before the page is full is asked again from where
 * it stopped. Rows the caller does not keep (deleted markers) are skipped and the merge goes on, so a
 * page is short only when the range is exhausted.
 *
 * <p>A query with a delimiter skips each subdirectory inside the merge (see {@link ListQuery}): once a
 * row of a group is on the page, every shard drops its buffered rows of that group, and the shards left
 * with nothing buffered are asked again, together, from past the group. How many rows a shard is asked
 * for next adapts to what its last answer held: many small groups (a few rows each per shard) are read
 * through with growing slices, since a slice query costs about as much as reading a few dozen rows;
 * large groups are jumped over with small slices, so their rows are never read. A slice never grows past
 * the shard's share of {@link #bufferedRowsBound} (about twice the page's limit over all shards), so the
 * rows a page holds at once are bounded by its limit, not by how the names fall into groups.
 *
 * @param <T> a row, with its name
 */
final class ShardedListing<T> {

    /** Fetches up to {@code limit} rows of {@code shard} within {@code range}, ordered by name (descending if reverse). */
    interface ShardQuery<T> {
        CompletionStage<List<T>> fetch(int shard, NameRange range, boolean reverse, int limit);
    }

    private static final int SLACK = 4;
    private static final int MAX_FETCH = 5_000;
    /** Rows per listed entry up to which a shard's next slice grows rather than shrinks (see the class comment). */
    private static final int READ_THROUGH = 32;
    /** Rows all shards may hold buffered for one page at least (a small page over many shards still reads through). */
    private static final int MIN_BUFFERED = 4096;

    private final Cql cql;
    private final int shards;
    private final ShardQuery<T> query;
    private final Function<T, String> name;
    private final Predicate<T> keep;

    ShardedListing(Cql cql, int shards, ShardQuery<T> query, Function<T, String> name, Predicate<T> keep) {
        this.cql = cql;
        this.shards = shards;
        this.query = query;
        this.name = name;
        this.keep = keep;
    }

    /** The most rows one page of {@code limit} entries holds buffered over {@code shards} shards. */
    static long bufferedRowsBound(int limit, int shards) {
        return (long) sliceCap(limit, shards) * shards;
    }

    private static int sliceCap(int limit, int shards) {
        return (int) Math.max(SLACK, Math.min(MAX_FETCH, Math.max(2L * limit, MIN_BUFFERED) / shards));
    }

    List<T> list(ListQuery q) {
        NameRange range = NameRange.of(q);
        int limit = q.limit();
        boolean reverse = q.reverse();
        if (limit == 0 || range.isEmpty()) {
            return List.of();
        }
        int cap = sliceCap(limit, shards);
        int first = Math.min(cap, Math.min(limit, (int) Math.ceil(1.25 * limit / shards) + SLACK));
        List<Cursor> cursors = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            cursors.add(new Cursor(shard, range, first, cap));
        }
        fetch(cursors, q, "listing " + shards + " shards");
        Comparator<Cursor> order = Comparator.comparing(c -> c.headKey, Arrays::compareUnsigned);
        PriorityQueue<Cursor> heads = new PriorityQueue<>(Math.max(1, shards), reverse ? order.reversed() : order);
        cursors.stream().filter(Cursor::hasHead).forEach(heads::add);
        List<T> page = new ArrayList<>(Math.min(limit, 1024));
        String pendingGroup = null; // reversed: a group on the page whose own row may still come
        while (!heads.isEmpty() && (page.size() < limit || pendingGroup != null)) {
            Cursor cursor = heads.poll();
            T row = cursor.pop();
            String rowName = name.apply(row);
            String skip = null;
            if (keep.test(row)) {
                String own = pendingGroup;
                pendingGroup = null;
                if (rowName.equals(own)) {
                    page.set(page.size() - 1, row); // the row named like the group stands for it
                } else if (page.size() == limit) {
                    break;
                } else {
                    page.add(row);
                    String group = q.groupOf(rowName);
                    if (group != null && !(reverse && rowName.equals(group))) {
                        if (!reverse && page.size() == limit) {
                            break;
                        }
                        skip = group;
                        pendingGroup = reverse ? group : null;
                    }
                }
            }
            if (skip == null) {
                if (!cursor.hasHead() && !cursor.exhausted) {
                    // Its next row may precede every other head: fetch it before merging on.
                    fetch(List.of(cursor), q, "listing shard " + cursor.shard);
                }
                if (cursor.hasHead()) {
                    heads.add(cursor);
                }
            } else {
                heads.clear();
                List<Cursor> emptied = new ArrayList<>();
                for (Cursor c : cursors) {
                    c.skip(skip, reverse);
                    if (!c.hasHead() && !c.exhausted) {
                        emptied.add(c);
                    }
                }
                fetch(emptied, q, "listing " + emptied.size() + " shards past " + skip);
                cursors.stream().filter(Cursor::hasHead).forEach(heads::add);
            }
        }
        return page;
    }

    /** Asks each cursor's shard for its next slice, all in flight together. */
    private void fetch(List<Cursor> cursors, ListQuery q, String what) {
        if (cursors.isEmpty()) {
            return;
        }
        List<List<T>> answers = cursors.size() == 1
                ? List.of(cql.await(ask(cursors.get(0), q.reverse()), what))
                : cql.pipeline(cursors, c -> ask(c, q.reverse()), what);
        for (int i = 0; i < cursors.size(); i++) {
            cursors.get(i).take(answers.get(i), q);
        }
    }

    private CompletionStage<List<T>> ask(Cursor c, boolean reverse) {
        return query.fetch(c.shard, c.unread, reverse, c.asking);
    }

    /** One shard's place in the merge: rows fetched and not yet merged, and the range not yet fetched. */
    private final class Cursor {
        final int shard;
        final ArrayDeque<T> rows = new ArrayDeque<>();
        NameRange unread;
        /** The size of the next slice asked for, at most {@link #cap}. */
        int asking;
        final int cap;
        boolean exhausted;
        byte[] headKey;

        Cursor(int shard, NameRange range, int asking, int cap) {
            this.shard = shard;
            this.unread = range;
            this.asking = asking;
            this.cap = cap;
        }

        void take(List<T> fetched, ListQuery q) {
            exhausted = fetched.size() < asking;
            rows.addAll(fetched);
            if (!fetched.isEmpty()) {
                unread = unread.after(name.apply(fetched.get(fetched.size() - 1)), q.reverse());
                exhausted |= unread.isEmpty();
            }
            int entries = entries(fetched, q);
            asking = entries > 0 && fetched.size() / entries <= READ_THROUGH ? Math.min(cap, asking * 2) : SLACK;
            updateHead();
        }

        /** Drops the buffered rows of {@code group} (reversed, all but the group's own row) and moves past it. */
        void skip(String group, boolean reverse) {
            while (!rows.isEmpty()) {
                String n = name.apply(rows.peek());
                if (!n.startsWith(group) || reverse && n.equals(group)) {
                    break;
                }
                rows.poll();
            }
            if (rows.isEmpty() && !exhausted) {
                unread = unread.past(group, reverse);
                exhausted = unread == null || unread.isEmpty();
            }
            updateHead();
        }

        boolean hasHead() {
            return !rows.isEmpty();
        }

        T pop() {
            T row = rows.poll();
            updateHead();
            return row;
        }

        private void updateHead() {
            headKey = rows.isEmpty() ? null : name.apply(rows.peek()).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** How many page entries {@code fetched} holds: its rows outside any group, plus its groups. */
    private int entries(List<T> fetched, ListQuery q) {
        int entries = 0;
        String last = null;
        for (T row : fetched) {
            String n = name.apply(row);
            String group = q.groupOf(n);
            String entry = group == null ? n : group;
            if (!entry.equals(last)) {
                entries++;
                last = entry;
            }
        }
        return entries;
    }
}
