package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.ExpiringObject;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore.PutOutcome;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.Timestamp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.zip.CRC32C;

/**
 * The {@code objects} table: one row per object name, in the partition (account, container, shard) with
 * shard = CRC32C(UTF-8 name) mod N, N fixed when the store was created. SCHEMA.md has the reasoning.
 *
 * <p>The row's {@code version} cell holds the whole published version and is written with
 * {@code USING TIMESTAMP} = the version's micros, so Cassandra's own last-write-wins orders versions
 * (a {@link #replaceEtag} one microsecond above them). A
 * delete writes a version with {@code deleted = true} (with a TTL), so that a write older than the delete
 * that arrives after it is recognised as superseded.
 *
 * <p>{@link PutCondition#IF_ABSENT} never writes {@code version} through a lightweight transaction: a
 * Paxos write takes the coordinator's clock as its cell timestamp, which would break last-write-wins
 * against the version micros. Instead the LWT claims the name in the separate {@code claim} cell
 * (version micros, claim time), conditioned on the exact {@code version} and {@code claim} it read; the
 * winner then writes {@code version} as every put does. A claim counts for {@link #CLAIM_LEASE} only, so
 * a frontend that dies between its claim and its write blocks the name for at most that long.
 */
final class ObjectTable {
    static final Duration DELETE_MARKER_TTL = Duration.ofDays(1);
    /** Longer than a claim's holder can take to write its version (request timeout with retries). */
    static final Duration CLAIM_LEASE = Duration.ofSeconds(120);
    private static final int MAX_CLAIM_ATTEMPTS = 8;

    private final Cql cql;
    private final int shards;
    private final UsageCounters usage;
    private final ExpiryIndex expiries;
    private final PreparedStatement select;
    private final PreparedStatement write;
    private final PreparedStatement markDeleted;
    private final PreparedStatement claim;
    private final PreparedStatement[] slices = new PreparedStatement[4];
    private final PreparedStatement partitions;
    private final PreparedStatement partitionRows;
    private final PreparedStatement deletePartition;
    private final UserDefinedType versionType;
    private final TupleType claimType;
    /** Runs after a put's checks, just before its row is written: tests pause a put there to race it. */
    private volatile Runnable beforeWrite = () -> { };

    /** A row as read: the version cell (null if never written) and the claim cell. */
    record Stored(String name, UdtValue raw, TupleValue claim) {
        boolean exists() {
            return raw != null;
        }

        boolean live() {
            return raw != null && !raw.getBoolean("deleted");
        }

        long micros() {
            return raw.getLong("ts");
        }
    }

    ObjectTable(Cql cql, int shards, UsageCounters usage, ExpiryIndex expiries) {
        this.cql = cql;
        this.expiries = expiries;
        this.shards = shards;
        this.usage = usage;
        String key = " WHERE account = ? AND container = ? AND shard = ? AND name = ?";
        select = cql.prepare("SELECT name, version, claim FROM {ks}.objects" + key);
        write = cql.prepare("UPDATE {ks}.objects USING TIMESTAMP ? SET version = ?" + key);
        markDeleted = cql.prepare("UPDATE {ks}.objects USING TIMESTAMP ? AND TTL ? SET version = ?" + key);
        claim = cql.prepare("UPDATE {ks}.objects SET claim = ?" + key + " IF version = ? AND claim = ?");
        String slice = "SELECT name, version, claim FROM {ks}.objects"
                + " WHERE account = ? AND container = ? AND shard = ? AND name >= ?";
        slices[0] = cql.prepare(slice + " ORDER BY name ASC LIMIT ?");
        slices[1] = cql.prepare(slice + " AND name < ? ORDER BY name ASC LIMIT ?");
        slices[2] = cql.prepare(slice + " ORDER BY name DESC LIMIT ?");
        slices[3] = cql.prepare(slice + " AND name < ? ORDER BY name DESC LIMIT ?");
        partitions = cql.prepare("SELECT DISTINCT account, container, shard FROM {ks}.objects");
        partitionRows = cql.prepare("SELECT version FROM {ks}.objects WHERE account = ? AND container = ? AND shard = ?");
        deletePartition = cql.prepare("DELETE FROM {ks}.objects WHERE account = ? AND container = ? AND shard = ?");
        versionType = (UserDefinedType) write.getVariableDefinitions().get(1).getType();
        claimType = (TupleType) claim.getVariableDefinitions().get(0).getType();
    }

    /** Test hook: {@code hook} runs in every put between its checks and its row write (null: none). */
    void beforeWrite(Runnable hook) {
        this.beforeWrite = hook == null ? () -> { } : hook;
    }

    int shardOf(String name) {
        return shard(name, shards);
    }

    /** The listing shard of a name: CRC32C of its UTF-8 bytes modulo the shard count. Never change it. */
    static int shard(String name, int shards) {
        CRC32C crc = new CRC32C();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    Optional<ObjectVersion> get(String account, ContainerKey container, String name) {
        Stored s = read(account, container.key(), name);
        return s.live() ? Optional.of(toVersion(account, container.name(), s)) : Optional.empty();
    }

    /**
     * Publishes {@code v} in {@code container}, the key the caller read from the container's row. If the
     * container is deleted meanwhile, the row lands under a key no container has any more: unreachable.
     */
    PutOutcome put(ObjectVersion v, PutCondition condition, ContainerKey container) {
        Stored current = read(v.account(), container.key(), v.name());
        if (condition == PutCondition.IF_ABSENT) {
            // A live version refuses an IF_ABSENT put (EXISTS) whatever the timestamps say.
            Optional<PutOutcome> refused = claim(v, container.key(), current);
            if (refused.isPresent()) {
                return refused.get();
            }
        } else if (supersedes(current, v.timestamp())) {
            return PutOutcome.SUPERSEDED;
        }
        long deleteAt = MetadataStore.deleteAtOf(v);
        if (deleteAt >= 0) {
            // Indexed before the version is published: a crash in between leaves an entry that finds nothing.
            expiries.add(new ExpiringObject(deleteAt, v.account(), v.container(), v.name(), v.timestamp()));
        }
        beforeWrite.run();
        cql.execute(write.bind(v.timestamp().micros(), toUdt(v), v.account(), container.key(), shardOf(v.name()), v.name())
                .setIdempotent(true), "publishing " + v.account() + "/" + v.container() + "/" + v.name());
        boolean replaced = current.live();
        usage.addObjects(v.account(), container.key(), replaced ? 0 : 1,
                v.length() - (replaced ? current.raw().getLong("map_length") : 0));
        return PutOutcome.PUBLISHED;
    }

    /**
     * The version row again with another ETag, if it is still {@code current}: written one microsecond
     * above the version's timestamp, so it replaces the row it read and loses to any later put or delete
     * (theirs are stamped later still), whichever lands first.
     */
    boolean replaceEtag(ObjectVersion current, String etag, ContainerKey container) {
        Stored now = read(current.account(), container.key(), current.name());
        if (!now.live() || now.micros() != current.timestamp().micros()) {
            return false;
        }
        ObjectVersion v = toVersion(current.account(), current.container(), now);
        if (!v.map().equals(current.map()) || !v.etag().equals(current.etag())) {
            return false;
        }
        ObjectVersion updated = new ObjectVersion(v.account(), v.container(), v.name(), v.timestamp(), v.map(), etag,
                v.contentType(), v.metadata());
        cql.execute(write.bind(v.timestamp().micros() + 1, toUdt(updated), v.account(), container.key(),
                shardOf(v.name()), v.name()).setIdempotent(true),
                "updating the ETag of " + v.account() + "/" + v.container() + "/" + v.name());
        return true;
    }

    Optional<ObjectVersion> delete(String account, ContainerKey container, String name, Timestamp timestamp) {
        Stored current = read(account, container.key(), name);
        if (!current.live() || current.micros() > timestamp.micros()) {
            return Optional.empty();
        }
        UdtValue marker = versionType.newValue().setLong("ts", timestamp.micros()).setBoolean("deleted", true);
        cql.execute(markDeleted.bind(timestamp.micros(), (int) DELETE_MARKER_TTL.toSeconds(), marker,
                account, container.key(), shardOf(name), name).setIdempotent(true),
                "deleting " + account + "/" + container.name() + "/" + name);
        ObjectVersion deleted = toVersion(account, container.name(), current);
        usage.addObjects(account, container.key(), -1, -deleted.length());
        return Optional.of(deleted);
    }

    List<ObjectVersion> list(String account, ContainerKey container, ListQuery query) {
        List<Stored> rows = new ShardedListing<>(cql, shards,
                (shard, range, reverse, limit) -> fetchSlice(account, container.key(), shard, range, reverse, limit),
                Stored::name, Stored::live).list(query);
        List<ObjectVersion> page = new ArrayList<>(rows.size());
        for (Stored row : rows) {
            page.add(toVersion(account, container.name(), row));
        }
        return page;
    }

    /** Whether any live object is left in the container (deleted markers do not count). */
    boolean anyLive(String account, ContainerKey container) {
        return !list(account, container, ListQuery.all(1)).isEmpty();
    }

    /**
     * Deletes every partition stored under a container key that {@code isLive(account, key)} says no
     * container has any more, and returns how many live versions they held (subtracted from their
     * accounts' counters). Pages through the partition keys of the whole table, to the end.
     *
     * <p>A partition delete is timestamped now, after the container's delete: a put that read the dead
     * key before that delete and writes late carries an older version timestamp, so the tombstone
     * shadows it too. Only a frontend whose clock runs ahead by more than the time since the delete
     * can leave a row behind, and the next pass finds that one.
     */
    long removeUnreachable(java.util.function.BiPredicate<String, String> isLive) {
        Map<String, Boolean> liveness = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > 10_000; // a key is met N times (once a shard): remember the recent answers
            }
        };
        long removed = 0;
        AsyncResultSet rs = cql.execute(partitions.bind().setPageSize(1000).setIdempotent(true),
                "scanning object partitions");
        while (true) {
            for (Row row : rs.currentPage()) {
                String account = row.getString("account");
                String key = row.getString("container");
                if (!liveness.computeIfAbsent(account + "\u0000/" + key, k -> isLive.test(account, key))) {
                    removed += removePartition(account, key, row.getInt("shard"));
                }
            }
            if (!rs.hasMorePages()) {
                return removed;
            }
            rs = cql.await(rs.fetchNextPage(), "scanning object partitions");
        }
    }

    private long removePartition(String account, String key, int shard) {
        long objects = 0;
        long bytes = 0;
        for (Row row : CassandraMapStore.allRowsOf(cql, partitionRows.bind(account, key, shard).setPageSize(1000)
                .setIdempotent(true), "reading an unreachable partition")) {
            UdtValue v = row.getUdtValue("version");
            if (v != null && !v.getBoolean("deleted")) {
                objects++;
                bytes += v.getLong("map_length");
            }
        }
        cql.execute(deletePartition.bind(account, key, shard).setIdempotent(true), "deleting an unreachable partition");
        usage.removeUnreachable(account, key, objects, bytes);
        return objects;
    }

    // ---- internals ----

    /** A later version, or a delete at the same instant (deletes win ties, as in Swift), wins over {@code ts}. */
    private static boolean supersedes(Stored current, Timestamp ts) {
        return current.exists() && (current.micros() > ts.micros()
                || current.micros() == ts.micros() && !current.live());
    }

    /**
     * Claims the name for an IF_ABSENT put. Returns empty when this put may publish, or the outcome that
     * refuses it: EXISTS if a live version exists or another put holds a fresh claim.
     */
    private Optional<PutOutcome> claim(ObjectVersion v, String key, Stored current) {
        for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
            if (current.live()) {
                return Optional.of(PutOutcome.EXISTS);
            }
            if (supersedes(current, v.timestamp())) {
                return Optional.of(PutOutcome.SUPERSEDED);
            }
            TupleValue held = current.claim();
            if (held != null && held.getLong(0) == v.timestamp().micros()) {
                return Optional.empty(); // our own claim, from an attempt whose answer was lost
            }
            if (held != null && claimInForce(held, current)) {
                return Optional.of(PutOutcome.EXISTS);
            }
            long now = Timestamp.now().micros();
            Row result = cql.execute(claim.bind(claimType.newValue(v.timestamp().micros(), now),
                            v.account(), key, shardOf(v.name()), v.name(), current.raw(), held)
                    .setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL),
                    "claiming " + v.account() + "/" + v.container() + "/" + v.name()).one();
            if (result == null || result.getBoolean("[applied]")) {
                return Optional.empty();
            }
            // Someone changed the row since we read it; the failed LWT returns what is there now.
            current = new Stored(v.name(), result.getUdtValue("version"), result.getTupleValue("claim"));
        }
        throw new StoreUnavailableException("too much contention publishing " + v.account() + "/" + v.container()
                + "/" + v.name() + " with If-None-Match");
    }

    /** A claim counts while its holder may still publish: it is younger than the lease and not yet overtaken. */
    private static boolean claimInForce(TupleValue held, Stored current) {
        long claimedVersion = held.getLong(0);
        long claimedAt = held.getLong(1);
        boolean overtaken = current.exists() && current.micros() >= claimedVersion;
        return !overtaken && Timestamp.now().micros() - claimedAt < CLAIM_LEASE.toNanos() / 1000;
    }

    /** The row of {@code name} in the partitions stored under {@code key} (a {@link ContainerKey#key()}). */
    private Stored read(String account, String key, String name) {
        Row row = cql.execute(select.bind(account, key, shardOf(name), name).setIdempotent(true),
                "reading " + account + "/" + key + "/" + name).one();
        return row == null ? new Stored(name, null, null) : toStored(row);
    }

    private CompletionStage<List<Stored>> fetchSlice(String account, String key, int shard, NameRange range,
                                                     boolean reverse, int limit) {
        BoundStatement st = range.upper() == null
                ? slices[reverse ? 2 : 0].bind(account, key, shard, range.lower(), limit)
                : slices[reverse ? 3 : 1].bind(account, key, shard, range.lower(), range.upper(), limit);
        return cql.executeAsync(st.setIdempotent(true).setPageSize(limit)).thenApply(ObjectTable::toRows);
    }

    private static List<Stored> toRows(AsyncResultSet rs) {
        // LIMIT equals the page size, so the first page holds every row.
        List<Stored> rows = new ArrayList<>();
        rs.currentPage().forEach(row -> rows.add(toStored(row)));
        return rows;
    }

    private static Stored toStored(Row row) {
        return new Stored(row.getString("name"), row.getUdtValue("version"), row.getTupleValue("claim"));
    }

    private UdtValue toUdt(ObjectVersion v) {
        return versionType.newValue()
                .setLong("ts", v.timestamp().micros())
                .setBoolean("deleted", false)
                .setByteBuffer("map_root", ByteBuffer.wrap(v.map().merkleRoot().toBytes()))
                .setLong("map_length", v.map().length())
                .setString("etag", v.etag())
                .setString("content_type", v.contentType())
                .setMap("metadata", v.metadata(), String.class, String.class);
    }

    private static ObjectVersion toVersion(String account, String container, Stored s) {
        UdtValue u = s.raw();
        ByteBuffer root = u.getByteBuffer("map_root");
        byte[] rootBytes = new byte[root.remaining()];
        root.duplicate().get(rootBytes);
        Map<String, String> metadata = u.getMap("metadata", String.class, String.class);
        return new ObjectVersion(account, container, s.name(), new Timestamp(u.getLong("ts")),
                new MapId(BlockHash.of(rootBytes), u.getLong("map_length")), u.getString("etag"),
                u.getString("content_type"), metadata == null ? Map.of() : metadata);
    }
}
