package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.FencedException;
import io.tessera.store.MapId;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.Timestamp;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Volumes on Cassandra (SCHEMA.md, Volumes). Records live in one partition per account, each CAS a
 * single-partition LWT ({@code IF NOT EXISTS} / {@code IF version = ?}); overlay entries in partitions of
 * {@link VolumeStore#ENTRIES_PER_PAGE} rows keyed {@code (volume_id, page)}; leases one row each, always
 * written by LWT and read at LOCAL_SERIAL so a reader sees the outcome of any Paxos round in progress.
 *
 * <p>Fencing (SCHEMA.md, Volumes: fencing): every overlay and owned-block write of a {@link Writer} is
 * written {@code USING TIMESTAMP} a stamp below its generation's {@link #stampCeiling} and at least its
 * {@code stamp_floor}, and a new generation's {@code stamp_floor} is at least the old one's ceiling: a
 * fenced write, however late it lands, carries a smaller timestamp than anything the new holder writes
 * and loses to it. After each write the writer confirms (one LOCAL_SERIAL read shared by every write
 * that completed before it began) that its generation is still current, so the old holder's call fails
 * instead of being acknowledged.
 */
final class CassandraVolumeStore implements VolumeStore {
    private final Cql cql;
    private final CassandraOwnedBlockStore owned;
    private final PreparedStatement insertVolume;
    private final PreparedStatement selectVolume;
    private final PreparedStatement updateVolume;
    private final PreparedStatement listVolumes;
    private final PreparedStatement allVolumes;
    private final PreparedStatement deleteVolume;
    private final PreparedStatement insertEntry;
    private final PreparedStatement selectPage;
    private final PreparedStatement deletePage;
    private final PreparedStatement selectLease;
    private final PreparedStatement insertLease;
    private final PreparedStatement updateLease;
    private final PreparedStatement selectFence;
    private final PreparedStatement moveLease;
    private final PreparedStatement selectAttachment;
    private final PreparedStatement insertAttachment;
    private final PreparedStatement updateAttachment;
    private final PreparedStatement deleteAttachment;
    private final PreparedStatement insertJob;
    private final PreparedStatement selectJobs;
    private final PreparedStatement deleteJob;

    /**
     * Hash jobs are spread over this many partitions of {@code hash_jobs}, shards 1 to {@value}: partition
     * 0 is where frontends before migration 8 kept them all, and is only drained now ({@link #hashJobs}).
     */
    static final int HASH_JOB_SHARDS = 16;

    /**
     * Write stamps every generation may use above its floor even when its expiry is not above it (a take
     * right after another's, which expires one TTL after it as the old one did): 0.1 s of clock, 100,000
     * writes before its first renewal raises its expiry. Each take within 0.1 s of the one before pushes
     * the stamps at most this much further ahead of the clock (SCHEMA.md, Fencing).
     */
    static final long STAMP_ROOM_MICROS = 100_000;

    /**
     * The stamps of a generation are below this (micros): its expiry, which never goes down within it,
     * or {@link #STAMP_ROOM_MICROS} above its floor. The writer and the next take compute it from the same
     * row, the next take from its latest state: so the next floor is above every stamp the writer used.
     */
    static long stampCeiling(long floorMicros, long expiresMillis) {
        return Math.max(floorMicros + STAMP_ROOM_MICROS, expiresMillis * 1000);
    }

    private static long floorOf(Row lease) {
        return lease.isNull("stamp_floor") ? 0 : lease.getLong("stamp_floor");
    }

    static List<String> ddl() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS {ks}.volumes (account text, name text, id text, size bigint, block_size int,"
                        + " parent text, parent_source text, epoch bigint, version bigint, created bigint,"
                        + " PRIMARY KEY (account, name))",
                "CREATE TABLE IF NOT EXISTS {ks}.volume_overlay (volume_id text, page bigint, idx bigint, block blob,"
                        + " epoch bigint, PRIMARY KEY ((volume_id, page), idx))",
                "CREATE TABLE IF NOT EXISTS {ks}.volume_leases (volume_id text PRIMARY KEY, holder text, expires bigint,"
                        + " generation bigint)",
                "CREATE TABLE IF NOT EXISTS {ks}.hash_jobs (shard int, id text, account text, container text, object text,"
                        + " map_id text, published bigint, PRIMARY KEY (shard, id))");
    }

    private static final String COLUMNS = "account, name, id, size, block_size, parent, parent_source, epoch, version, created";

    /** Migration 7: the lower bound of the write timestamps of the row's current generation (micros). */
    static List<String> fencingDdl() {
        return List.of("ALTER TABLE {ks}.volume_leases ADD IF NOT EXISTS stamp_floor bigint");
    }

    /** Migration 9: NBD attachments, one partition per export, every write an LWT (SCHEMA.md, Volumes). */
    static List<String> attachmentsDdl() {
        return List.of("CREATE TABLE IF NOT EXISTS {ks}.volume_attachments (export text PRIMARY KEY, client text,"
                + " migration_target text)");
    }

    CassandraVolumeStore(Cql cql, CassandraOwnedBlockStore owned) {
        this.cql = cql;
        this.owned = owned;
        insertVolume = cql.prepare("INSERT INTO {ks}.volumes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS");
        selectVolume = cql.prepare("SELECT " + COLUMNS + " FROM {ks}.volumes WHERE account = ? AND name = ?");
        updateVolume = cql.prepare("UPDATE {ks}.volumes SET size = ?, epoch = ?, version = ?, parent = ?, parent_source = ?"
                + " WHERE account = ? AND name = ? IF version = ? AND id = ?");
        listVolumes = cql.prepare("SELECT " + COLUMNS + " FROM {ks}.volumes WHERE account = ? AND name > ? LIMIT ?");
        allVolumes = cql.prepare("SELECT " + COLUMNS + " FROM {ks}.volumes");
        deleteVolume = cql.prepare("DELETE FROM {ks}.volumes WHERE account = ? AND name = ? IF version = ?");
        insertEntry = cql.prepare("INSERT INTO {ks}.volume_overlay (volume_id, page, idx, block, epoch) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
        selectPage = cql.prepare("SELECT idx, block, epoch FROM {ks}.volume_overlay WHERE volume_id = ? AND page = ?");
        deletePage = cql.prepare("DELETE FROM {ks}.volume_overlay USING TIMESTAMP ? WHERE volume_id = ? AND page = ?");
        selectLease = cql.prepare("SELECT holder, expires, generation FROM {ks}.volume_leases WHERE volume_id = ?");
        insertLease = cql.prepare("INSERT INTO {ks}.volume_leases (volume_id, holder, expires, generation, stamp_floor)"
                + " VALUES (?, ?, ?, ?, 0) IF NOT EXISTS");
        updateLease = cql.prepare("UPDATE {ks}.volume_leases SET holder = ?, expires = ?, generation = ? WHERE volume_id = ?"
                + " IF holder = ? AND expires = ? AND generation = ?");
        selectFence = cql.prepare("SELECT holder, expires, generation, stamp_floor FROM {ks}.volume_leases WHERE volume_id = ?");
        moveLease = cql.prepare("UPDATE {ks}.volume_leases SET holder = ?, expires = ?, generation = ?, stamp_floor = ?"
                + " WHERE volume_id = ? IF holder = ? AND expires = ? AND generation = ?");
        selectAttachment = cql.prepare("SELECT client, migration_target FROM {ks}.volume_attachments WHERE export = ?");
        insertAttachment = cql.prepare("INSERT INTO {ks}.volume_attachments (export, client, migration_target)"
                + " VALUES (?, ?, ?) IF NOT EXISTS");
        updateAttachment = cql.prepare("UPDATE {ks}.volume_attachments SET client = ?, migration_target = ? WHERE export = ?"
                + " IF client = ? AND migration_target = ?");
        deleteAttachment = cql.prepare("DELETE FROM {ks}.volume_attachments WHERE export = ?"
                + " IF client = ? AND migration_target = ?");
        insertJob = cql.prepare("INSERT INTO {ks}.hash_jobs (shard, id, account, container, object, map_id, published)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
        selectJobs = cql.prepare("SELECT id, account, container, object, map_id, published FROM {ks}.hash_jobs"
                + " WHERE shard = ? AND id > ? LIMIT ?");
        deleteJob = cql.prepare("DELETE FROM {ks}.hash_jobs WHERE shard = ? AND id = ?");
    }

    private static BoundStatement serial(BoundStatement s) {
        return s.setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL);
    }

    private static boolean applied(Row row) {
        return row == null || row.getBoolean("[applied]");
    }

    @Override
    public boolean create(VolumeRecord v) {
        return applied(cql.execute(serial(insertVolume.bind(v.account(), v.name(), v.id(), v.size(), v.blockSize(),
                v.parentMap() == null ? null : v.parentMap().key(), v.parentSource(), v.epoch(), v.version(),
                v.created().micros())), "creating volume " + v.name()).one());
    }

    @Override
    public Optional<VolumeRecord> get(String account, String name) {
        // LOCAL_SERIAL: a record is only ever written by LWT, and its readers feed further LWTs.
        Row row = cql.execute(selectVolume.bind(account, name).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL)
                .setIdempotent(true), "reading volume " + name).one();
        return Optional.ofNullable(row).map(CassandraVolumeStore::record);
    }

    private static VolumeRecord record(Row r) {
        String parent = r.getString("parent");
        return new VolumeRecord(r.getString("account"), r.getString("name"), r.getString("id"), r.getLong("size"),
                r.getInt("block_size"), parent == null ? null : MapId.parse(parent), r.getString("parent_source"),
                r.getLong("epoch"), r.getLong("version"), new Timestamp(r.getLong("created")));
    }

    @Override
    public boolean update(VolumeRecord n, long expectedVersion) {
        return applied(cql.execute(serial(updateVolume.bind(n.size(), n.epoch(), n.version(),
                n.parentMap() == null ? null : n.parentMap().key(), n.parentSource(), n.account(), n.name(),
                expectedVersion, n.id())), "updating volume " + n.name()).one());
    }

    @Override
    public List<VolumeRecord> list(String account, String startAfter, int limit) {
        List<VolumeRecord> out = new ArrayList<>();
        for (Row r : cql.execute(listVolumes.bind(account, startAfter == null ? "" : startAfter, limit)
                .setIdempotent(true), "listing volumes").currentPage()) {
            out.add(record(r));
        }
        return out;
    }

    /**
     * One full scan of the table, in token order, {@code pageSize} rows per driver page: the driver's
     * paging state is the exact position, so no row is skipped or read twice (a token cursor would skip
     * accounts whose names share a token).
     */
    @Override
    public void forEachVolume(int pageSize, java.util.function.Consumer<VolumeRecord> visitor) {
        var page = cql.execute(allVolumes.bind().setPageSize(pageSize).setIdempotent(true), "scanning volumes");
        while (true) {
            for (Row r : page.currentPage()) {
                visitor.accept(record(r));
            }
            if (!page.hasMorePages()) {
                return;
            }
            page = cql.await(page.fetchNextPage(), "scanning volumes");
        }
    }

    @Override
    public boolean delete(String account, String name, long expectedVersion) {
        return applied(cql.execute(serial(deleteVolume.bind(account, name, expectedVersion)), "deleting volume " + name).one());
    }

    private void putEntries(String volumeId, Map<Long, Entry> entries, long stamp) {
        cql.pipeline(List.copyOf(entries.entrySet()), e -> cql.executeAsync(insertEntry.bind(volumeId,
                e.getKey() / ENTRIES_PER_PAGE, e.getKey(), ByteBuffer.wrap(e.getValue().block().toBytes()),
                e.getValue().epoch(), stamp).setIdempotent(true)), "writing the map of volume " + volumeId);
    }

    @Override
    public Map<Long, Entry> entries(String volumeId, long blocks) {
        long pages = (blocks + ENTRIES_PER_PAGE - 1) / ENTRIES_PER_PAGE;
        List<List<Row>> all = cql.pipeline(LongStream.range(0, pages).boxed().toList(),
                p -> CassandraMapStore.allRows(cql.executeAsync(selectPage.bind(volumeId, p).setIdempotent(true))),
                "reading the map of volume " + volumeId);
        Map<Long, Entry> out = new TreeMap<>();
        for (List<Row> rows : all) {
            for (Row r : rows) {
                long idx = r.getLong("idx");
                if (idx < blocks) {
                    ByteBuffer b = r.getByteBuffer("block");
                    byte[] bytes = new byte[BlockHash.LENGTH];
                    b.get(bytes);
                    out.put(idx, new Entry(BlockHash.of(bytes), r.getLong("epoch")));
                }
            }
        }
        return out;
    }

    private void deleteOverlay(String volumeId, long blocks, long stamp) {
        long pages = (blocks + ENTRIES_PER_PAGE - 1) / ENTRIES_PER_PAGE;
        cql.pipeline(LongStream.range(0, pages).boxed().toList(),
                p -> cql.executeAsync(deletePage.bind(stamp, volumeId, p).setIdempotent(true)),
                "deleting the map of volume " + volumeId);
    }

    @Override
    public Optional<Lease> lease(String volumeId) {
        Row r = cql.execute(selectLease.bind(volumeId).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL).setIdempotent(true),
                "reading lease of " + volumeId).one();
        return Optional.ofNullable(r).map(x -> new Lease(x.getString("holder"), x.getLong("expires"), x.getLong("generation")));
    }

    @Override
    public boolean casLease(String volumeId, Lease expected, Lease next) {
        if (expected == null) {
            return applied(cql.execute(serial(insertLease.bind(volumeId, next.holder(), next.expiresAtMillis(),
                    next.generation())), "taking lease of " + volumeId).one());
        }
        if (next.generation() == expected.generation()) { // a renewal or a release: the fence stays
            return applied(cql.execute(serial(updateLease.bind(next.holder(), next.expiresAtMillis(), next.generation(),
                    volumeId, expected.holder(), expected.expiresAtMillis(), expected.generation())),
                    "renewing lease of " + volumeId).one());
        }
        // A new generation: its writes start above every stamp the old generation may have used (all are
        // below its ceiling) and no lower than the clock. The ceiling comes from the old floor and expiry,
        // the expiry just compared (it never went down within the generation) and the floor, which changes
        // only with the generation, so the condition on the generation covers it.
        Row row = readFence(volumeId);
        if (row == null || !expected.equals(leaseOf(row))) {
            return false;
        }
        long floor = Math.max(stampCeiling(floorOf(row), expected.expiresAtMillis()), System.currentTimeMillis() * 1000);
        return applied(cql.execute(serial(moveLease.bind(next.holder(), next.expiresAtMillis(), next.generation(), floor,
                volumeId, expected.holder(), expected.expiresAtMillis(), expected.generation())),
                "moving lease of " + volumeId).one());
    }

    private Row readFence(String volumeId) {
        return cql.execute(selectFence.bind(volumeId).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL).setIdempotent(true),
                "reading lease of " + volumeId).one();
    }

    private static Lease leaseOf(Row r) {
        return new Lease(r.getString("holder"), r.getLong("expires"), r.getLong("generation"));
    }

    @Override
    public VolumeWriter writer(String volumeId, long generation) {
        Row row = readFence(volumeId);
        if (row == null || row.getLong("generation") != generation) {
            throw fenced(volumeId, generation, row == null ? 0 : row.getLong("generation"));
        }
        return new Writer(volumeId, generation, floorOf(row), row.getLong("expires"));
    }

    private static FencedException fenced(String volumeId, long generation, long current) {
        return new FencedException("volume " + volumeId + ": lease generation " + generation + " was superseded by "
                + current + " (another holder took the lease)");
    }

    /**
     * A fenced writer: stamps in {@code [floor, ceiling)}, strictly increasing (so of two writes into one row
     * the later wins), and a confirmation of the generation after every write.
     */
    private final class Writer implements VolumeWriter {
        private final String volumeId;
        private final long generation;
        private final long floor;
        private final AtomicLong lastStamp;
        /** {@link #stampCeiling} of the latest lease row seen; only goes up. */
        private volatile long ceiling;
        private volatile boolean fenced;
        /** The next confirmation, not yet started, that new callers join; guarded by {@code this}. */
        private CompletableFuture<Void> nextRound;
        private boolean roundRunning;

        Writer(String volumeId, long generation, long floor, long expiresMillis) {
            this.volumeId = volumeId;
            this.generation = generation;
            this.floor = floor;
            this.lastStamp = new AtomicLong(floor - 1);
            this.ceiling = stampCeiling(floor, expiresMillis);
        }

        @Override
        public String volumeId() {
            return volumeId;
        }

        @Override
        public long generation() {
            return generation;
        }

        /** The next write timestamp: the clock, but above the floor and the last one, and below the ceiling. */
        private long stamp() {
            long now = System.currentTimeMillis() * 1000;
            long s = lastStamp.updateAndGet(last -> Math.max(last + 1, now));
            if (s >= ceiling) {
                confirm(); // the lease may have been renewed since we last looked
                if (s >= ceiling && now >= ceiling) {
                    throw new FencedException("volume " + volumeId + ": lease generation " + generation
                            + " has expired (not renewed); its writes are refused");
                }
                if (s >= ceiling) { // the stamps ran ahead of the clock; a renewal raises the ceiling
                    throw new StoreUnavailableException("volume " + volumeId + ": lease generation " + generation
                            + " has used every write stamp below its expiry (it was taken right after the one"
                            + " before); writes resume once its lease is renewed");
                }
            }
            return s;
        }

        private void checkNotFenced() {
            if (fenced) {
                throw new FencedException("volume " + volumeId + ": lease generation " + generation
                        + " was superseded (another holder took the lease)");
            }
        }

        /**
         * Returns once a LOCAL_SERIAL read of the lease row that began after this call saw this generation
         * (and raises the ceiling to its expiry); throws {@link FencedException} if it saw another. Concurrent
         * callers share one read: a caller joins the round that has not started yet.
         */
        private void confirm() {
            CompletableFuture<Void> round;
            boolean start;
            synchronized (this) {
                if (nextRound == null) {
                    nextRound = new CompletableFuture<>();
                }
                round = nextRound;
                start = !roundRunning;
                if (start) {
                    roundRunning = true;
                    nextRound = null;
                }
            }
            if (start) {
                launch(round);
            }
            cql.await(round, "confirming the lease of volume " + volumeId);
        }

        private void launch(CompletableFuture<Void> round) {
            cql.executeAsync(selectFence.bind(volumeId).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL).setIdempotent(true))
                    .whenComplete((rs, error) -> {
                        if (error != null) {
                            round.completeExceptionally(error);
                        } else {
                            Row row = rs.one();
                            long current = row == null ? 0 : row.getLong("generation");
                            if (current != generation) {
                                fenced = true;
                                round.completeExceptionally(fenced(volumeId, generation, current));
                            } else {
                                ceiling = Math.max(ceiling, stampCeiling(floor, row.getLong("expires")));
                                round.complete(null);
                            }
                        }
                        CompletableFuture<Void> next;
                        synchronized (this) {
                            next = nextRound;
                            nextRound = null;
                            roundRunning = next != null;
                        }
                        if (next != null) {
                            launch(next);
                        }
                    });
        }

        @Override
        public void putEntries(Map<Long, Entry> entries) {
            checkNotFenced();
            CassandraVolumeStore.this.putEntries(volumeId, entries, stamp());
            confirm();
        }

        @Override
        public void deleteOverlay(long blocks) {
            checkNotFenced();
            CassandraVolumeStore.this.deleteOverlay(volumeId, blocks, stamp());
            confirm();
        }

        @Override
        public void write(BlockHash id, int offset, byte[] src, int srcOff, int len) {
            checkNotFenced();
            owned.write(id, offset, src, srcOff, len, this::stamp);
            confirm();
        }

        @Override
        public void sync(Collection<BlockHash> ids) {
            // Every write was acknowledged by the consistency level's replicas before it returned.
            checkNotFenced();
            confirm();
        }
    }

    @Override
    public Optional<Attachment> attachment(String export) {
        // LOCAL_SERIAL: every write to these rows is an LWT, and its readers feed further LWTs.
        Row r = cql.execute(selectAttachment.bind(export).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL)
                .setIdempotent(true), "reading the attachment of " + export).one();
        return Optional.ofNullable(r).map(x -> new Attachment(x.getString("client"), x.getString("migration_target")));
    }

    @Override
    public boolean casAttachment(String export, Attachment expected, Attachment next) {
        BoundStatement s;
        if (expected == null) {
            if (next == null) {
                return attachment(export).isEmpty();
            }
            s = insertAttachment.bind(export, next.client(), next.migrationTarget());
        } else if (next == null) {
            s = deleteAttachment.bind(export, expected.client(), expected.migrationTarget());
        } else {
            s = updateAttachment.bind(next.client(), next.migrationTarget(), export, expected.client(),
                    expected.migrationTarget());
        }
        return applied(cql.execute(serial(s), "changing the attachment of " + export).one());
    }

    // ---- hash jobs (SCHEMA.md, Volumes: hash jobs) ----

    /** The partition of a job: 1 + CRC32C of its id's UTF-8 bytes modulo the shard count. Never change it. */
    static int hashJobShard(String id) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 1 + (int) (crc.getValue() % HASH_JOB_SHARDS);
    }

    @Override
    public void addHashJob(HashJob job) {
        insertJob(hashJobShard(job.id()), job);
    }

    private void insertJob(int shard, HashJob job) {
        cql.execute(insertJob.bind(shard, job.id(), job.account(), job.container(), job.object(), job.map().key(),
                job.published().micros()).setIdempotent(true), "recording hash job " + job.id());
    }

    /**
     * In the order (shard, id): the rest of the cursor's shard, then the following shards from their start,
     * until {@code limit} jobs are found. A walk from the start first moves the jobs left in partition 0 by
     * frontends before migration 8 (insert into its shard, then delete: a crash between leaves a copy the
     * next walk moves again), so a walk sees them too, and the old partition never grows again.
     */
    @Override
    public List<HashJob> hashJobs(String afterId, int limit) {
        if (afterId == null) {
            moveLegacyJobs();
        }
        List<HashJob> out = new ArrayList<>();
        String after = afterId == null ? "" : afterId;
        for (int shard = afterId == null ? 1 : hashJobShard(afterId); shard <= HASH_JOB_SHARDS && out.size() < limit; shard++) {
            out.addAll(readJobs(shard, after, limit - out.size()));
            after = "";
        }
        return out;
    }

    private List<HashJob> readJobs(int shard, String after, int limit) {
        List<HashJob> out = new ArrayList<>();
        // Every driver page up to the LIMIT (a LIMIT above the page size used to stop at the first page).
        for (Row r : CassandraMapStore.allRowsOf(cql, selectJobs.bind(shard, after, limit).setIdempotent(true),
                "listing hash jobs")) {
            out.add(new HashJob(r.getString("id"), r.getString("account"), r.getString("container"), r.getString("object"),
                    MapId.parse(r.getString("map_id")), new Timestamp(r.getLong("published"))));
        }
        return out;
    }

    /** Moves every job of partition 0 (frontends before migration 8) to its shard. */
    private void moveLegacyJobs() {
        while (true) {
            List<HashJob> legacy = readJobs(0, "", 1000);
            for (HashJob job : legacy) {
                insertJob(hashJobShard(job.id()), job);
                cql.execute(deleteJob.bind(0, job.id()).setIdempotent(true), "moving hash job " + job.id());
            }
            if (legacy.size() < 1000) {
                return;
            }
        }
    }

    @Override
    public void removeHashJob(String id) {
        cql.execute(deleteJob.bind(hashJobShard(id), id).setIdempotent(true), "removing hash job " + id);
    }
}
