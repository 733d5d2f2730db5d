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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The expiry index (SCHEMA.md, Expiring objects): entries in partitions of one minute of due times and
 * one of {@link #SHARDS} shards ({@code expiry_due}), and per shard the lists of minutes that may hold
 * entries, in two levels so that no list grows with the X-Delete-At horizon: the days
 * ({@code expiry_days}, one row a day) and per day its minutes ({@code expiry_minutes}, at most 1,440
 * rows). Finding due entries reads the listed days and minutes up to now in order, merging the shards
 * of each minute, and in each only due rows.
 *
 * <p>Removed entries must not be read again through their tombstones: each partition being worked on
 * has a read cursor here (the last entry removed in order), so reads start after it; and a partition
 * found empty once its minute is over is deleted whole (one partition tombstone) and dropped from its
 * day's list, whose reads start after the minutes dropped (less {@link #LATE_WRITE_MARGIN}); a day whose
 * list is empty once it is over is deleted whole and unlisted. A frontend that restarts reads one
 * partially worked partition and one day's list from their start once: bounded by one partition. Every
 * such delete is timestamped {@link #LATE_WRITE_MARGIN} before the first read of what it deletes, so an
 * entry written while it was being worked on (a put in flight) outlives it and is found on the next read:
 * its list rows were written again, newer than the delete.
 */
final class ExpiryIndex {
    static final long BUCKET_SECONDS = 60;
    static final int SHARDS = 16;
    /** Minutes in one partition of {@code expiry_minutes}: a day. */
    static final long DAY_BUCKETS = 1440;
    /** Longer than a write can be in flight (request timeout and retries) plus the clock skew bound. */
    static final Duration LATE_WRITE_MARGIN = Duration.ofMinutes(2);
    /** Minutes listed per shard per read of migration 6's lists: due ones are the oldest, so a few suffice. */
    private static final int BUCKETS_PER_READ = 16;
    /** Minutes read per day list and days per shard: enough to catch up a backlog of sparse minutes quickly. */
    private static final int MINUTES_PER_READ = 64;
    private static final int DAYS_PER_READ = 4;
    /** Partitions read at once (whole minutes: a minute's shards are merged). */
    private static final int READS_IN_FLIGHT = 16;
    /** How often lists of migration 6 found empty are looked at again (an older frontend may still write them). */
    private static final Duration LEGACY_RECHECK = Duration.ofHours(1);

    private final Cql cql;
    private final PreparedStatement insert;
    private final PreparedStatement insertDay;
    private final PreparedStatement insertMinute;
    private final PreparedStatement days;
    private final PreparedStatement minutes;
    private final PreparedStatement dueFromStart;
    private final PreparedStatement dueAfter;
    private final PreparedStatement remove;
    private final PreparedStatement deletePartition;
    private final PreparedStatement removeMinute;
    private final PreparedStatement deleteDayList;
    private final PreparedStatement removeDay;
    private final LegacyHours legacy;
    private final LegacyMinutes legacyMinutes;
    /** {@link #LATE_WRITE_MARGIN}; tests whose writes are all done before they drain set it to zero. */
    private volatile Duration lateWriteMargin = LATE_WRITE_MARGIN;
    /** Read cursors of the partitions this frontend is working on, by (bucket, shard). */
    private final Map<Partition, Cursor> cursors = new HashMap<>();
    /** Where reading a day's list of minutes resumes, by (shard, day). */
    private final Map<Day, DayCursor> dayCursors = new HashMap<>();

    private record Partition(long bucket, int shard) {
        Day day() {
            return new Day(shard, Math.floorDiv(bucket, DAY_BUCKETS));
        }
    }

    /** A partition of {@code expiry_minutes}: the minutes of one shard in one day. */
    private record Day(int shard, long day) {
        long firstBucket() {
            return day * DAY_BUCKETS;
        }

        long lastBucket() {
            return firstBucket() + DAY_BUCKETS - 1;
        }
    }

    /** Where reading a partition resumes: after the last entry removed, in order, since it was read. */
    private static final class Cursor {
        final long firstReadMicros = Timestamp.now().micros();
        ExpiringObject after;
        /** Entries of the last read, in order, that are not yet passed. */
        final ArrayDeque<ExpiringObject> read = new ArrayDeque<>();
        final Set<ExpiringObject> removed = new HashSet<>();
    }

    /** Where reading a day's list resumes: after the minutes dropped in order (all before {@code next}). */
    private static final class DayCursor {
        final long firstReadMicros = Timestamp.now().micros();
        long next;
        /** Whether every minute of this day handled so far in the current read was dropped. */
        boolean droppedInOrder;

        DayCursor(long next) {
            this.next = next;
        }
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

    /**
     * Migration 8: the lists of minutes in two levels, days per shard and minutes per shard and day, so
     * that a list partition holds at most a day of minutes (migration 6's held every pending minute of
     * its shard, years of them for objects kept for years).
     */
    static List<String> dailyListDdl() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_days (shard int, day bigint, PRIMARY KEY (shard, day))"
                        + " WITH gc_grace_seconds = " + CassandraSchema.QUEUE_GC_GRACE_SECONDS,
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_minutes (shard int, day bigint, bucket bigint,"
                        + " PRIMARY KEY ((shard, day), bucket)) WITH gc_grace_seconds = " + CassandraSchema.QUEUE_GC_GRACE_SECONDS);
    }

    ExpiryIndex(Cql cql) {
        this.cql = cql;
        String columns = "delete_at, account, container, name, version";
        insert = cql.prepare("INSERT INTO {ks}.expiry_due (bucket, shard, " + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?)");
        insertDay = cql.prepare("INSERT INTO {ks}.expiry_days (shard, day) VALUES (?, ?)");
        insertMinute = cql.prepare("INSERT INTO {ks}.expiry_minutes (shard, day, bucket) VALUES (?, ?, ?)");
        days = cql.prepare("SELECT day FROM {ks}.expiry_days WHERE shard = ? AND day <= ? LIMIT " + DAYS_PER_READ);
        minutes = cql.prepare("SELECT bucket FROM {ks}.expiry_minutes WHERE shard = ? AND day = ? AND bucket >= ?"
                + " AND bucket <= ? LIMIT " + MINUTES_PER_READ);
        String due = "SELECT " + columns + " FROM {ks}.expiry_due WHERE bucket = ? AND shard = ?";
        dueFromStart = cql.prepare(due + " AND delete_at <= ? LIMIT ?");
        dueAfter = cql.prepare(due + " AND (" + columns + ") > (?, ?, ?, ?, ?) AND delete_at <= ? LIMIT ?");
        remove = cql.prepare("DELETE FROM {ks}.expiry_due WHERE bucket = ? AND shard = ? AND delete_at = ?"
                + " AND account = ? AND container = ? AND name = ? AND version = ?");
        deletePartition = cql.prepare("DELETE FROM {ks}.expiry_due USING TIMESTAMP ? WHERE bucket = ? AND shard = ?");
        removeMinute = cql.prepare("DELETE FROM {ks}.expiry_minutes USING TIMESTAMP ? WHERE shard = ? AND day = ?"
                + " AND bucket = ?");
        deleteDayList = cql.prepare("DELETE FROM {ks}.expiry_minutes USING TIMESTAMP ? WHERE shard = ? AND day = ?");
        removeDay = cql.prepare("DELETE FROM {ks}.expiry_days USING TIMESTAMP ? WHERE shard = ? AND day = ?");
        legacy = new LegacyHours(cql);
        legacyMinutes = new LegacyMinutes(cql);
    }

    /**
     * Indexes an entry: its day and minute rows first (together: a minute row whose day row is missing
     * is never read, but then the entry was never written either), so an entry is never in a minute no
     * reader knows.
     */
    void add(ExpiringObject e) {
        Partition p = partitionOf(e);
        Day d = p.day();
        cql.await(CompletableFuture.allOf(
                cql.executeAsync(insertDay.bind(d.shard(), d.day()).setIdempotent(true)).toCompletableFuture(),
                cql.executeAsync(insertMinute.bind(d.shard(), d.day(), p.bucket()).setIdempotent(true)).toCompletableFuture()),
                "listing an expiry minute");
        cql.execute(insert.bind(p.bucket(), p.shard(), e.deleteAt(), e.account(), e.container(), e.name(),
                        e.version().micros()).setIdempotent(true),
                "indexing the expiry of " + e.account() + "/" + e.container() + "/" + e.name());
    }

    /** Test hook: the margin of the whole-partition deletes (see {@link #LATE_WRITE_MARGIN}). */
    void lateWriteMargin(Duration margin) {
        this.lateWriteMargin = margin;
    }

    /**
     * At most {@code limit} entries due at {@code nowSeconds}, earliest first. A round that finds only
     * minutes and days that are done drops them and looks again, further on, while it drops something it
     * had not dropped before (a list row written within the margin outlives its delete and comes back).
     */
    synchronized List<ExpiringObject> due(long nowSeconds, int limit) {
        List<ExpiringObject> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        legacy.due(nowSeconds, limit, out);
        Set<Object> dropped = new HashSet<>();
        while (out.isEmpty()) {
            if (!dropped.addAll(round(nowSeconds, limit, out))) {
                break;
            }
        }
        return out;
    }

    /**
     * One read of the lists and of the partitions they name, a few minutes' partitions at a time in
     * parallel; returns the minutes ({@link Partition}) and days ({@link Day}) it dropped.
     */
    private List<Object> round(long nowSeconds, int limit, List<ExpiringObject> out) {
        long currentBucket = Math.floorDiv(nowSeconds, BUCKET_SECONDS);
        List<Object> drops = new ArrayList<>();
        // The listed minutes up to now, oldest first, each with the shards that list it; only up to the
        // horizon: the last minute of a list read in part (past it, that list may hold earlier ones).
        TreeMap<Long, List<Integer>> listed = new TreeMap<>();
        long horizon = Math.min(listedMinutes(currentBucket, drops, listed), legacyMinutes.addListed(currentBucket, listed));
        dayCursors.values().forEach(c -> c.droppedInOrder = true);
        List<Partition> done = new ArrayList<>();
        List<Partition> chunk = new ArrayList<>();
        for (Map.Entry<Long, List<Integer>> bucket : listed.headMap(horizon, true).entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            bucket.getValue().forEach(shard -> chunk.add(new Partition(bucket.getKey(), shard)));
            if (chunk.size() >= READS_IN_FLIGHT) {
                readChunk(chunk, nowSeconds, currentBucket, limit, out, done);
                chunk.clear();
            }
        }
        if (!chunk.isEmpty() && out.size() < limit) {
            readChunk(chunk, nowSeconds, currentBucket, limit, out, done);
        }
        cql.pipeline(done, this::dropIfDone, "deleting expiry minutes");
        drops.addAll(done);
        return drops;
    }

    /**
     * Reads the partitions of whole minutes in parallel, adds their rows to {@code out} in order (up to
     * {@code limit}), and adds those that are over and empty to {@code done}.
     */
    private void readChunk(List<Partition> chunk, long nowSeconds, long currentBucket, int limit,
                           List<ExpiringObject> out, List<Partition> done) {
        int wanted = limit - out.size();
        List<List<ExpiringObject>> rows = cql.pipeline(chunk, p -> read(p, nowSeconds, wanted), "reading due expiries");
        TreeMap<Long, List<ExpiringObject>> byMinute = new TreeMap<>();
        for (int k = 0; k < chunk.size(); k++) {
            Partition p = chunk.get(k);
            List<ExpiringObject> found = rows.get(k);
            Cursor c = cursors.get(p);
            c.read.clear();
            c.read.addAll(found);
            c.removed.retainAll(found);
            boolean dropped = found.isEmpty() && p.bucket() < currentBucket;
            if (dropped) {
                done.add(p);
            }
            DayCursor dc = dayCursors.get(p.day());
            if (dc != null && dc.droppedInOrder) {
                if (dropped) {
                    dc.next = Math.max(dc.next, p.bucket() + 1);
                } else {
                    dc.droppedInOrder = false;
                }
            }
            byMinute.computeIfAbsent(p.bucket(), b -> new ArrayList<>()).addAll(found);
        }
        for (List<ExpiringObject> merged : byMinute.values()) {
            merged.sort(ORDER);
            out.addAll(merged.subList(0, Math.min(merged.size(), Math.max(0, limit - out.size()))));
        }
    }

    /**
     * Adds the minutes up to {@code currentBucket} listed in each shard's oldest listed days to
     * {@code listed}, and returns the horizon (Long.MAX_VALUE if every list was read whole). A day that is
     * over and lists nothing (after this frontend's cursor) is deleted whole and unlisted.
     */
    private long listedMinutes(long currentBucket, List<Object> drops, TreeMap<Long, List<Integer>> listed) {
        long currentDay = Math.floorDiv(currentBucket, DAY_BUCKETS);
        List<List<Long>> perShard = cql.pipeline(shardNumbers(), shard -> cql.executeAsync(
                        days.bind(shard, currentDay).setIdempotent(true))
                .thenApply(rs -> longs(rs, "day")), "listing expiry days");
        long horizon = Long.MAX_VALUE;
        List<Day> listedDays = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            List<Long> found = perShard.get(shard);
            for (long day : found) {
                listedDays.add(new Day(shard, day));
            }
            if (found.size() == DAYS_PER_READ) {
                horizon = Math.min(horizon, new Day(shard, found.get(found.size() - 1)).lastBucket());
            }
        }
        // Reads start after the minutes this frontend dropped, but never later than the margin before now:
        // a minute an entry in flight lists again after it was dropped is due within that margin.
        long marginBuckets = lateWriteMargin.toSeconds() / BUCKET_SECONDS + 1;
        List<List<Long>> perDay = cql.pipeline(listedDays, d -> {
            DayCursor c = dayCursors.computeIfAbsent(d, k -> new DayCursor(k.firstBucket()));
            long from = Math.max(d.firstBucket(), Math.min(c.next, currentBucket - marginBuckets));
            return cql.executeAsync(minutes.bind(d.shard(), d.day(), from, Math.min(currentBucket, d.lastBucket()))
                    .setIdempotent(true)).thenApply(rs -> longs(rs, "bucket"));
        }, "listing expiry minutes");
        for (int i = 0; i < listedDays.size(); i++) {
            Day d = listedDays.get(i);
            List<Long> found = perDay.get(i);
            if (found.isEmpty() && d.day() < currentDay) {
                dropDay(d);
                drops.add(d);
            }
            for (long bucket : found) {
                listed.computeIfAbsent(bucket, b -> new ArrayList<>()).add(d.shard());
            }
            if (found.size() == MINUTES_PER_READ) {
                horizon = Math.min(horizon, found.get(found.size() - 1));
            }
        }
        return horizon;
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

    /** The due rows of one partition after its cursor (the caller records what it read in the cursor). */
    private CompletionStage<List<ExpiringObject>> read(Partition p, long nowSeconds, int limit) {
        Cursor c = cursors.computeIfAbsent(p, k -> new Cursor());
        BoundStatement st = c.after == null
                ? dueFromStart.bind(p.bucket(), p.shard(), nowSeconds, limit)
                : dueAfter.bind(p.bucket(), p.shard(), c.after.deleteAt(), c.after.account(), c.after.container(),
                        c.after.name(), c.after.version().micros(), nowSeconds, limit);
        return cql.executeAsync(st.setIdempotent(true)).thenApply(rs -> {
            List<ExpiringObject> rows = new ArrayList<>();
            // LIMITs are below the driver's page size: the first page holds every row.
            for (Row r : rs.currentPage()) {
                rows.add(new ExpiringObject(r.getLong("delete_at"), r.getString("account"), r.getString("container"),
                        r.getString("name"), new Timestamp(r.getLong("version"))));
            }
            return rows;
        });
    }

    /** A minute that is over and has nothing left after its cursor is deleted whole and unlisted. */
    private CompletionStage<Void> dropIfDone(Partition p) {
        Cursor c = cursors.remove(p);
        long at = (c == null ? Timestamp.now().micros() : c.firstReadMicros) - lateWriteMargin.toNanos() / 1000;
        Day d = p.day();
        return CompletableFuture.allOf(
                cql.executeAsync(deletePartition.bind(at, p.bucket(), p.shard()).setIdempotent(true)).toCompletableFuture(),
                cql.executeAsync(removeMinute.bind(at, d.shard(), d.day(), p.bucket()).setIdempotent(true)).toCompletableFuture(),
                legacyMinutes.unlist(p.shard(), p.bucket(), at).toCompletableFuture());
    }

    /** A day that is over and lists nothing is deleted whole (its list of minutes) and unlisted. */
    private void dropDay(Day d) {
        DayCursor c = dayCursors.remove(d);
        long at = (c == null ? Timestamp.now().micros() : c.firstReadMicros) - lateWriteMargin.toNanos() / 1000;
        cql.await(CompletableFuture.allOf(
                cql.executeAsync(deleteDayList.bind(at, d.shard(), d.day()).setIdempotent(true)).toCompletableFuture(),
                cql.executeAsync(removeDay.bind(at, d.shard(), d.day()).setIdempotent(true)).toCompletableFuture()),
                "deleting an expiry day");
    }

    /** One bigint column of a list read; its LIMIT is below the driver's page size, so one page holds every row. */
    private static List<Long> longs(com.datastax.oss.driver.api.core.cql.AsyncResultSet rs, String column) {
        List<Long> found = new ArrayList<>();
        rs.currentPage().forEach(r -> found.add(r.getLong(column)));
        return found;
    }

    private static Partition partitionOf(ExpiringObject e) {
        CRC32C crc = new CRC32C();
        crc.update((e.account() + "/" + e.container() + "/" + e.name()).getBytes(StandardCharsets.UTF_8));
        return new Partition(Math.floorDiv(e.deleteAt(), BUCKET_SECONDS), (int) (crc.getValue() % SHARDS));
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
     * Migration 6's lists of minutes (one partition per shard, every pending minute of it), drained after
     * an upgrade: nothing is written there any more, and the minutes still listed are read with the new
     * lists (their entries are in {@code expiry_due} as before) and unlisted when done. Once every shard's
     * list is found empty it is looked at only once every {@link #LEGACY_RECHECK}, in case a frontend of
     * before migration 8 still runs. Drop with the table in a later migration.
     */
    private static final class LegacyMinutes {
        private final Cql cql;
        private final PreparedStatement buckets;
        private final PreparedStatement removeBucket;
        private final Set<Partition> listed = new HashSet<>();
        private long drainedAtNanos;
        private boolean drained;

        LegacyMinutes(Cql cql) {
            this.cql = cql;
            buckets = cql.prepare("SELECT bucket FROM {ks}.expiry_buckets WHERE shard = ? AND bucket <= ? LIMIT "
                    + BUCKETS_PER_READ);
            removeBucket = cql.prepare("DELETE FROM {ks}.expiry_buckets USING TIMESTAMP ? WHERE shard = ? AND bucket = ?");
        }

        /** Adds the minutes listed up to {@code currentBucket}; returns the horizon, as {@link #listedMinutes}. */
        long addListed(long currentBucket, TreeMap<Long, List<Integer>> into) {
            if (drained && System.nanoTime() - drainedAtNanos < LEGACY_RECHECK.toNanos()) {
                return Long.MAX_VALUE;
            }
            List<List<Long>> perShard = cql.pipeline(shardNumbers(), shard -> cql.executeAsync(
                            buckets.bind(shard, currentBucket).setIdempotent(true))
                    .thenApply(rs -> longs(rs, "bucket")), "listing expiry buckets of migration 6");
            boolean empty = true;
            long horizon = Long.MAX_VALUE;
            for (int shard = 0; shard < SHARDS; shard++) {
                List<Long> found = perShard.get(shard);
                if (found.size() == BUCKETS_PER_READ) {
                    horizon = Math.min(horizon, found.get(found.size() - 1));
                }
                for (long bucket : found) {
                    empty = false;
                    listed.add(new Partition(bucket, shard));
                    List<Integer> shards = into.computeIfAbsent(bucket, b -> new ArrayList<>());
                    if (!shards.contains(shard)) {
                        shards.add(shard);
                    }
                }
            }
            drained = empty;
            drainedAtNanos = System.nanoTime();
            return horizon;
        }

        /** Unlists a dropped minute if it came from these lists. */
        CompletionStage<?> unlist(int shard, long bucket, long atMicros) {
            if (!listed.remove(new Partition(bucket, shard))) {
                return CompletableFuture.completedFuture(null);
            }
            return cql.executeAsync(removeBucket.bind(atMicros, shard, bucket).setIdempotent(true));
        }
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
