package io.tessera.store.cassandra;

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
import java.util.stream.IntStream;

/**
 * One page of a listing whose rows are spread over several partitions ("shards"), each ordered by name:
 * a k-way merge of one ordered slice query per shard.
 *
 * <p>Each shard is first asked for a little more than its fair share of the page ({@code limit / shards}
 * plus slack); names are hashed to shards, so the shares are even and one round of parallel queries
 * usually fills the page. A shard whose rows run out before the page is full is asked again from where
 * it stopped, for twice as many. Rows the caller does not keep (deleted markers) are skipped and the
 * merge goes on, so a page is short only when the range is exhausted.
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

    List<T> list(NameRange range, boolean reverse, int limit) {
        if (limit == 0 || range.isEmpty()) {
            return List.of();
        }
        int first = Math.min(MAX_FETCH, Math.min(limit, (int) Math.ceil(1.25 * limit / shards) + SLACK));
        List<List<T>> firstRows = cql.pipeline(IntStream.range(0, shards).boxed().toList(),
                shard -> query.fetch(shard, range, reverse, first), "listing " + shards + " shards");
        Comparator<Cursor> order = Comparator.comparing(c -> c.headKey, Arrays::compareUnsigned);
        PriorityQueue<Cursor> heads = new PriorityQueue<>(Math.max(1, shards), reverse ? order.reversed() : order);
        for (int shard = 0; shard < shards; shard++) {
            Cursor cursor = new Cursor(shard, first);
            cursor.take(firstRows.get(shard));
            if (cursor.hasHead()) {
                heads.add(cursor);
            }
        }
        List<T> page = new ArrayList<>(Math.min(limit, 1024));
        while (page.size() < limit && !heads.isEmpty()) {
            Cursor cursor = heads.poll();
            T row = cursor.pop();
            if (keep.test(row)) {
                page.add(row);
            }
            if (!cursor.hasHead() && !cursor.exhausted) {
                // Its next row may precede every other head: fetch it before merging on.
                int more = Math.min(MAX_FETCH, cursor.asked * 2);
                cursor.take(cql.await(query.fetch(cursor.shard, range.after(name.apply(row), reverse), reverse, more),
                        "listing shard " + cursor.shard), more);
            }
            if (cursor.hasHead()) {
                heads.add(cursor);
            }
        }
        return page;
    }

    private final class Cursor {
        final int shard;
        final ArrayDeque<T> rows = new ArrayDeque<>();
        int asked;
        boolean exhausted;
        byte[] headKey;

        Cursor(int shard, int asked) {
            this.shard = shard;
            this.asked = asked;
        }

        void take(List<T> fetched) {
            take(fetched, asked);
        }

        void take(List<T> fetched, int askedFor) {
            asked = askedFor;
            exhausted = fetched.size() < askedFor;
            rows.addAll(fetched);
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
}
