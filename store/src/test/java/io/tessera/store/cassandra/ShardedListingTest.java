package io.tessera.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.store.ListQuery;
import io.tessera.store.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The merge of sharded listings over in-memory shards (no Cassandra: the merge is pure). Review S4: each
 * shard's slice doubled up to 5,000 rows while small subdirectories were read through, so one page of a
 * delimiter listing over 16 shards held up to 80,000 buffered rows whatever its limit.
 */
class ShardedListingTest {
    static final int SHARDS = 16;

    /** Shards of names, each sorted in UTF-8 order; answers slices of them and records the largest asked. */
    static final class Shards implements ShardedListing.ShardQuery<String> {
        final List<TreeSet<String>> shards = new ArrayList<>();
        final AtomicInteger largestSlice = new AtomicInteger();

        Shards(List<String> names) {
            for (int i = 0; i < SHARDS; i++) {
                shards.add(new TreeSet<>(Names.UTF8_ORDER));
            }
            for (String n : names) {
                shards.get(Math.floorMod(n.hashCode(), SHARDS)).add(n);
            }
        }

        @Override
        public CompletableFuture<List<String>> fetch(int shard, NameRange range, boolean reverse, int limit) {
            largestSlice.accumulateAndGet(limit, Math::max);
            TreeSet<String> s = shards.get(shard);
            var slice = range.upper() == null ? s.tailSet(range.lower(), true) : s.subSet(range.lower(), true, range.upper(), false);
            List<String> out = new ArrayList<>();
            for (String n : reverse ? slice.descendingSet() : slice) {
                if (out.size() == limit) {
                    break;
                }
                out.add(n);
            }
            return CompletableFuture.completedFuture(out);
        }
    }

    static List<String> listing(Shards shards, ListQuery q) {
        return new ShardedListing<>(new Cql(null, "test", Duration.ofSeconds(5)), SHARDS, shards, n -> n, n -> true).list(q);
    }

    /** What the page must be: the names in order, each subdirectory once (as its group name). */
    static List<String> expected(List<String> names, ListQuery q) {
        TreeSet<String> sorted = new TreeSet<>(Names.UTF8_ORDER);
        sorted.addAll(names);
        List<String> page = new ArrayList<>();
        String lastGroup = null;
        for (String n : sorted) {
            String g = q.groupOf(n);
            if (g != null && g.equals(lastGroup)) {
                continue;
            }
            lastGroup = g;
            page.add(n);
            if (page.size() == q.limit()) {
                break;
            }
        }
        return page;
    }

    @Test
    void aPageOfManySmallSubdirectoriesBuffersAboutTwiceItsLimit() {
        List<String> names = new ArrayList<>();
        for (int d = 0; d < 2_000; d++) {
            for (int f = 0; f < 30; f++) { // about two rows of each subdirectory per shard: read through, not jumped
                names.add(String.format("d%06d/f%02d", d, f));
            }
        }
        Shards shards = new Shards(names);
        ListQuery q = new ListQuery(null, "/", null, null, null, false, 1_000);
        List<String> page = listing(shards, q);

        assertThat(page).hasSize(1_000);
        assertThat(page.stream().map(q::groupOf).distinct().count()).as("one entry per subdirectory").isEqualTo(1_000);
        assertThat(page).isEqualTo(expected(names, q));
        assertThat((long) shards.largestSlice.get() * SHARDS).as("rows one page may hold buffered over all shards")
                .isLessThanOrEqualTo(ShardedListing.bufferedRowsBound(q.limit(), SHARDS));
        assertThat(ShardedListing.bufferedRowsBound(q.limit(), SHARDS)).isLessThanOrEqualTo(2L * q.limit() + 4096);
    }

    @Test
    void plainAndReversePagesMergeInOrder() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            names.add("o" + Integer.toString(i * 7919 % 100_003, 36));
        }
        Shards shards = new Shards(names);
        for (int limit : new int[] {1, 17, 1_000, 10_000}) {
            ListQuery q = new ListQuery(null, null, null, false, limit);
            assertThat(listing(shards, q)).as("limit %d", limit).isEqualTo(expected(names, q));
            List<String> reversed = listing(shards, new ListQuery(null, null, null, true, limit));
            List<String> all = expected(names, new ListQuery(null, null, null, false, 10_000));
            List<String> backwards = new ArrayList<>(all);
            java.util.Collections.reverse(backwards);
            assertThat(reversed).as("reverse, limit %d", limit).isEqualTo(backwards.subList(0, Math.min(limit, all.size())));
        }
    }
}
