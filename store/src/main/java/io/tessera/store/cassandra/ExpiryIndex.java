package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.store.ExpiringObject;
import io.tessera.store.Timestamp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The expiry index (SCHEMA.md, Expiring objects): entries in partitions of one minute of due times and
 * one of {@link #SHARDS} shards ({@code expiry_due}), plus per shard the list of minutes that may hold
 * entries ({@code expiry_buckets}). Finding due entries reads the listed minutes up to now in order,
 * merging the shards of each, and in each only due rows.
 *
 * <p>Removed entries must not be read again through their tombstones: each partition being worked on
 * has a read cursor here (the last entry removed in order), so reads start after it; and a partition
 * found empty once its minute is over is deleted whole (one partition tombstone) and dropped from the
 * list. A frontend that restarts reads one partially worked partition from its start once: bounded
 * by one partition. That delete is timestamped {@link #LATE_WRITE_MARGIN} before the cursor's first
 * read, so an entry written while the partition was being worked on (a put in flight) outlives it
 * and is found on the next read: its bucket row was written again, newer than the list row's delete.
 */
final class ExpiryIndex {
    static final long BUCKET_SECONDS = 60;
    static final int SHARDS = 16;
    /** Longer than a write can be in flight (request timeout and retries) plus the clock skew bound. */
    static final Duration LATE_WRITE_MARGIN = Duration.ofMinutes(2);
    /** Minutes listed per shard per read: due ones are the oldest, so a few suffice. */
    private static final int BUCKETS_PER_READ = 16;

    private final Cql cql;
    private final PreparedStatement insert;
    private final PreparedStatement insertBucket;
    private final PreparedStatement buckets;
    private final PreparedStatement dueFromStart;
    private final PreparedStatement dueAfter;
    private final PreparedStatement remove;
    private final PreparedStatement deletePartition;
    private final PreparedStatement removeBucket;
    private final LegacyHours legacy;
    /** Read cursors of the partitions this frontend is working on, by (bucket, shard). */
    private final Map<Partition, Cursor> cursors = new HashMap<>();

    private record Partition(long bucket, int shard) {
    }

    /** Where reading a partition resumes: after the last entry removed, in order, since it was read. */
    private static final class Cursor {
        final long firstReadMicros = Timestamp.now().micros();
        ExpiringObject after;
        /** Entries of the last read, in order, that are not yet passed. */
        final ArrayDeque<ExpiringObject> read = new ArrayDeque<>();
        final Set<ExpiringObject> removed = new HashSet<>();
    }

    private static final Comparator<ExpiringObject> ORDER = Comparator.comparingLong(ExpiringObject::deleteAt)
            .thenComparing(ExpiringObject::account, ExpiryIndex::utf8)
            .thenComparing(ExpiringObject::container, ExpiryIndex::utf8)
            .thenComparing(ExpiringObject::name, ExpiryIndex::utf8)
            .thenComparingLong(e -> e.version().micros());

    static List<String> ddl() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_index (hour bigint, delete_at bigint, account text,"
                        + " container text, name text, version bigint,"
                        + " PRIMARY KEY ((hour), delete_at, account, container, name, version))",
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_hours (shard int, hour bigint, PRIMARY KEY (shard, hour))");
    }

    /**
     * Migration 6: minute-and-shard partitions. Both are queues whose deleted rows do no harm if a repair
     * brings one back (the expirer re-reads the object), so their tombstones need not outlive a repair
     * cycle: a short gc_grace_seconds keeps the reads of the bucket lists from walking days of them.
     */
    static List<String> bucketedDdl() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_due (bucket bigint, shard int, delete_at bigint, account text,"
                        + " container text, name text, version bigint,"
                        + " PRIMARY KEY ((bucket, shard), delete_at, account, container, name, version))"
                        + " WITH gc_grace_seconds = " + CassandraSchema.QUEUE_GC_GRACE_SECONDS,
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_buckets (shard int, bucket bigint, PRIMARY KEY (shard, bucket))"
                        + " WITH gc_grace_seconds = " + CassandraSchema.QUEUE_GC_GRACE_SECONDS);
    }

    ExpiryIndex(Cql cql) {
        this.cql = cql;
        String columns = "delete_at, account, container, name, version";
        insert = cql.prepare("INSERT INTO {ks}.expiry_due (bucket, shard, " + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?)");
        insertBucket = cql.prepare("INSERT INTO {ks}.expiry_buckets (shard, bucket) VALUES (?, ?)");
        buckets = cql.prepare("SELECT bucket FROM {ks}.expiry_buckets WHERE shard = ? AND bucket <= ? LIMIT "
                + BUCKETS_PER_READ);
        String due = "SELECT " + columns + " FROM {ks}.expiry_due WHERE bucket = ? AND shard = ?";
        dueFromStart = cql.prepare(due + " AND delete_at <= ? LIMIT ?");
        dueAfter = cql.prepare(due + " AND (" + columns + ") > (?, ?, ?, ?, ?) AND delete_at <= ? LIMIT ?");
        remove = cql.prepare("DELETE FROM {ks}.expiry_due WHERE bucket = ? AND shard = ? AND delete_at = ?"
                + " AND account = ? AND container = ? AND name = ? AND version = ?");
        deletePartition = cql.prepare("DELETE FROM {ks}.expiry_due USING TIMESTAMP ? WHERE bucket = ? AND shard = ?");
        removeBucket = cql.prepare("DELETE FROM {ks}.expiry_buckets USING TIMESTAMP ? WHERE shard = ? AND bucket = ?");
        legacy = new LegacyHours(cql);
    }

    /** Indexes an entry: the bucket row first, so an entry is never in a bucket the reader does not know. */
    void add(ExpiringObject e) {
        Partition p = partitionOf(e);
        cql.execute(insertBucket.bind(p.shard(), p.bucket()).setIdempotent(true), "indexing an expiry bucket");
        cql.execute(insert.bind(p.bucket(), p.shard(), e.deleteAt(), e.account(), e.container(), e.name(),
                        e.version().micros()).setIdempotent(true),
                "indexing the expiry of " + e.account() + "/" + e.container() + "/" + e.name());
    }

    synchronized List<ExpiringObject> due(long nowSeconds, int limit) {
        List<ExpiringObject> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        legacy.due(nowSeconds, limit, out);
        long currentBucket = nowSeconds / BUCKET_SECONDS;
        // The listed minutes up to now, oldest first, each with the shards that list it.
        TreeMap<Long, List<Integer>> listed = new TreeMap<>();
        List<List<Long>> perShard = cql.pipeline(shardNumbers(), shard -> cql.executeAsync(
                        buckets.bind(shard, currentBucket).setIdempotent(true))
                .thenApply(rs -> {
                    List<Long> found = new ArrayList<>();
                    rs.currentPage().forEach(r -> found.add(r.getLong("bucket")));
                    return found;
                }), "listing expiry buckets");
        for (int shard = 0; shard < SHARDS; shard++) {
            for (long bucket : perShard.get(shard)) {
                listed.computeIfAbsent(bucket, b -> new ArrayList<>()).add(shard);
            }
        }
        for (Map.Entry<Long, List<Integer>> bucket : listed.entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            List<ExpiringObject> merged = new ArrayList<>();
            for (int shard : bucket.getValue()) {
                Partition p = new Partition(bucket.getKey(), shard);
                List<ExpiringObject> rows = read(p, nowSeconds, limit - out.size());
                if (rows.isEmpty() && p.bucket() < currentBucket) {
                    dropIfDone(p);
                }
                merged.addAll(rows);
            }
            merged.sort(ORDER);
            out.addAll(merged.subList(0, Math.min(merged.size(), limit - out.size())));
        }
        return out;
    }

    synchronized void remove(ExpiringObject e) {
        if (legacy.remove(e)) {
            return;
        }
        Partition p = partitionOf(e);
        cql.execute(remove.bind(p.bucket(), p.shard(), e.deleteAt(), e.account(), e.container(), e.name(),
                e.version().micros()).setIdempotent(true), "removing an expiry entry");
        Cursor c = cursors.get(p);
        if (c != null) {
            c.removed.add(e);
            while (!c.read.isEmpty() && c.removed.remove(c.read.peekFirst())) {
                c.after = c.read.pollFirst();
            }
        }
    }

    // ---- internals ----

    /** The due rows of one partition after its cursor. */
    private List<ExpiringObject> read(Partition p, long nowSeconds, int limit) {
        Cursor c = cursors.computeIfAbsent(p, k -> new Cursor());
        BoundStatement st = c.after == null
                ? dueFromStart.bind(p.bucket(), p.shard(), nowSeconds, limit)
                : dueAfter.bind(p.bucket(), p.shard(), c.after.deleteAt(), c.after.account(), c.after.container(),
                        c.after.name(), c.after.version().micros(), nowSeconds, limit);
        List<ExpiringObject> rows = new ArrayList<>();
        // LIMITs are below the driver's page size: the first page holds every row.
        for (Row r : cql.execute(st.setIdempotent(true), "reading due expiries").currentPage()) {
            rows.add(new ExpiringObject(r.getLong("delete_at"), r.getString("account"), r.getString("container"),
                    r.getString("name"), new Timestamp(r.getLong("version"))));
        }
        c.read.clear();
        c.read.addAll(rows);
        c.removed.retainAll(rows);
        return rows;
    }

    /** A minute that is over and has nothing left after its cursor is deleted whole and unlisted. */
    private void dropIfDone(Partition p) {
        Cursor c = cursors.remove(p);
        long at = (c == null ? Timestamp.now().micros() : c.firstReadMicros) - LATE_WRITE_MARGIN.toNanos() / 1000;
        cql.execute(deletePartition.bind(at, p.bucket(), p.shard()).setIdempotent(true), "deleting an expiry bucket");
        cql.execute(removeBucket.bind(at, p.shard(), p.bucket()).setIdempotent(true), "unlisting an expiry bucket");
    }

    private static Partition partitionOf(ExpiringObject e) {
        CRC32C crc = new CRC32C();
        crc.update((e.account() + "/" + e.container() + "/" + e.name()).getBytes(StandardCharsets.UTF_8));
        return new Partition(e.deleteAt() / BUCKET_SECONDS, (int) (crc.getValue() % SHARDS));
    }

    private static List<Integer> shardNumbers() {
        List<Integer> shards = new ArrayList<>(SHARDS);
        for (int i = 0; i < SHARDS; i++) {
            shards.add(i);
        }
        return shards;
    }

    private static int utf8(String a, String b) {
        return io.tessera.store.Names.UTF8_ORDER.compare(a, b);
    }

    /**
     * The tables of migration 4 (one partition per hour, one list partition), drained after an upgrade:
     * nothing is written there any more; entries left are read and removed as before, and once the list
     * of hours is found empty this frontend stops looking. Drop with the tables in a later migration.
     */
    private static final class LegacyHours {
        private final Cql cql;
        private final PreparedStatement hours;
        private final PreparedStatement due;
        private final PreparedStatement remove;
        private final PreparedStatement removeHour;
        private final Set<ExpiringObject> handedOut = new HashSet<>();
        private boolean drained;

        LegacyHours(Cql cql) {
            this.cql = cql;
            hours = cql.prepare("SELECT hour FROM {ks}.expiry_hours WHERE shard = 0 AND hour <= ? LIMIT 64");
            due = cql.prepare("SELECT delete_at, account, container, name, version FROM {ks}.expiry_index"
                    + " WHERE hour = ? AND delete_at <= ? LIMIT ?");
            remove = cql.prepare("DELETE FROM {ks}.expiry_index WHERE hour = ? AND delete_at = ? AND account = ?"
                    + " AND container = ? AND name = ? AND version = ?");
            removeHour = cql.prepare("DELETE FROM {ks}.expiry_hours WHERE shard = 0 AND hour = ?");
        }

        void due(long nowSeconds, int limit, List<ExpiringObject> out) {
            if (drained) {
                return;
            }
            long currentHour = nowSeconds / 3600;
            List<Row> listed = new ArrayList<>();
            cql.execute(hours.bind(Long.MAX_VALUE).setIdempotent(true), "listing legacy expiry hours")
                    .currentPage().forEach(listed::add);
            if (listed.isEmpty()) {
                drained = true;
                return;
            }
            for (Row h : listed) {
                long hour = h.getLong("hour");
                if (hour > currentHour || out.size() >= limit) {
                    break;
                }
                int before = out.size();
                for (Row r : cql.execute(due.bind(hour, nowSeconds, limit - out.size()).setIdempotent(true),
                        "reading legacy due expiries").currentPage()) {
                    ExpiringObject e = new ExpiringObject(r.getLong("delete_at"), r.getString("account"),
                            r.getString("container"), r.getString("name"), new Timestamp(r.getLong("version")));
                    handedOut.add(e);
                    out.add(e);
                }
                if (out.size() == before && hour < currentHour) {
                    cql.execute(removeHour.bind(hour).setIdempotent(true), "dropping an empty legacy expiry hour");
                }
            }
        }

        /** Removes a legacy entry; false if {@code e} did not come from the legacy tables. */
        boolean remove(ExpiringObject e) {
            if (!handedOut.remove(e)) {
                return false;
            }
            cql.execute(remove.bind(e.deleteAt() / 3600, e.deleteAt(), e.account(), e.container(), e.name(),
                    e.version().micros()).setIdempotent(true), "removing a legacy expiry entry");
            return true;
        }
    }
}
