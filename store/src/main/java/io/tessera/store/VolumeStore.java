package io.tessera.store;

import io.tessera.hashmap.BlockHash;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Volume records, their live maps (overlays), their write leases, their NBD attachments and the hasher's
 * work list.
 *
 * <p>Every method touches one partition (Cassandra) and compare-and-set is used only where an answer
 * must be exactly one: creating a volume, updating its record, taking or moving its lease, and changing an
 * export's attachment. Writes to a volume's overlay and owned blocks go through a {@link VolumeWriter},
 * fenced by the lease generation.
 *
 * <h2>The live map</h2>
 * A volume reads through two layers: its own overlay, then its parent's immutable hashmap
 * ({@link VolumeRecord#parentMap()}). An overlay entry is the zero block ({@link BlockHash#ZERO_BLOCK}),
 * a content hash, or an owned id ({@link OwnedIds}) together with the epoch in which the volume
 * created it: an owned block is written in place only while that epoch is the volume's current one.
 * Overlay entries are stored in pages of {@link #ENTRIES_PER_PAGE}, one bounded partition each, so a
 * 1 TiB volume (262,144 blocks of 4 MiB) is 64 modest pages (invariant 4).
 */
public interface VolumeStore {
    int ENTRIES_PER_PAGE = 4096;

    /**
     * A volume row.
     *
     * @param id           unique for ever (never reused after a delete, so stale overlay rows can not leak)
     * @param parentMap    the hashmap the volume was cloned from, or null for an empty volume
     * @param parentSource what the parent was, for people ("container/object"), or null
     * @param epoch        bumped by each snapshot
     * @param version      bumped by each update; the compare-and-set token
     */
    record VolumeRecord(String account, String name, String id, long size, int blockSize, MapId parentMap,
                        String parentSource, long epoch, long version, Timestamp created) {
        public VolumeRecord {
            if (size < 0 || epoch < 0 || version < 0) {
                throw new IllegalArgumentException("negative size, epoch or version");
            }
        }

        public VolumeRecord next(long newSize, long newEpoch) {
            return new VolumeRecord(account, name, id, newSize, blockSize, parentMap, parentSource, newEpoch,
                    version + 1, created);
        }
    }

    /** An overlay entry: a block id and, for owned ids, the epoch the volume created it in. */
    record Entry(BlockHash block, long epoch) {
    }

    /** Who may write a volume until when. {@code holder} empty: released. */
    record Lease(String holder, long expiresAtMillis, long generation) {
        public boolean heldBy(String who, long nowMillis) {
            return holder.equals(who) && expiresAtMillis > nowMillis;
        }

        public boolean isFree(long nowMillis) {
            return holder.isEmpty() || expiresAtMillis <= nowMillis;
        }
    }

    /**
     * Which NBD clients may open an export (volumes/README.md, NBD access): the attached {@code client} and,
     * during a live migration, the {@code migrationTarget} (null when none), the only one that may take the
     * volume's lease over. Clients are what an NBD connection proves: a TLS certificate's CN, or "local".
     */
    record Attachment(String client, String migrationTarget) {
        public Attachment {
            java.util.Objects.requireNonNull(client, "client");
        }

        /** Whether {@code who} may open the export: the attached client or the migration target. */
        public boolean allows(String who) {
            return who != null && (who.equals(client) || who.equals(migrationTarget));
        }
    }

    /** A snapshot whose owned blocks the background hasher must still turn into content blocks. */
    record HashJob(String id, String account, String container, String object, MapId map, Timestamp published) {
    }

    // ---- records ----

    /** Creates the volume unless one of that name exists in the account; true if created. */
    boolean create(VolumeRecord volume);

    Optional<VolumeRecord> get(String account, String name);

    /** Replaces the record if its stored version is still {@code expectedVersion}; true if replaced. */
    boolean update(VolumeRecord next, long expectedVersion);

    /** A page of the account's volumes in name order, after {@code startAfter} (null: from the start). */
    List<VolumeRecord> list(String account, String startAfter, int limit);

    /**
     * Every volume record of every account, read {@code pageSize} at a time (memory: one page), in the
     * backend's order, each handed to {@code visitor}. For the collector and fsck (store/GC.md, the
     * roots), which must find every volume whether or not its account has a container or an account row.
     */
    void forEachVolume(int pageSize, java.util.function.Consumer<VolumeRecord> visitor);

    /** Removes the record if its version is still {@code expectedVersion}; its overlay goes with {@link #deleteOverlay}. */
    boolean delete(String account, String name, long expectedVersion);

    // ---- overlay ----

    /** The overlay entries with index in {@code [0, blocks)}, by index. */
    Map<Long, Entry> entries(String volumeId, long blocks);

    // ---- lease and fencing ----

    Optional<Lease> lease(String volumeId);

    /**
     * Compare-and-set of the lease row: writes {@code next} if the stored lease equals {@code expected}
     * (null: there is no lease row yet). True if written. A {@code next} with another generation than
     * {@code expected} fences every {@link VolumeWriter} of the older generations before this returns.
     *
     * <p>Callers keep {@code expiresAtMillis} from going down within a generation (a release keeps it):
     * the Cassandra backend bounds a generation's write stamps by it (cassandra/SCHEMA.md, Fencing). A new
     * generation's expiry may be anything, lower than the old one's too (a take expires one TTL after it):
     * the store keeps the order of the generations' writes on its own.
     */
    boolean casLease(String volumeId, Lease expected, Lease next);

    /**
     * The writer of the volume's overlay and owned blocks under lease generation {@code generation}, which
     * the caller has just taken or confirmed with {@link #casLease}; throws {@link FencedException} if it
     * is not the current generation. The only way to write a volume's overlay or owned blocks.
     */
    VolumeWriter writer(String volumeId, long generation);

    // ---- attachments (who may open an export over NBD) ----

    /**
     * The attachment of {@code export}, a key the caller chooses (volumes: {@code volume/} + the volume's id,
     * so a volume created again under a deleted one's name starts unattached; {@code object/} + the object's
     * path), at most 4 KiB of UTF-8.
     */
    Optional<Attachment> attachment(String export);

    /**
     * Compare-and-set of an export's attachment: stores {@code next} (null: removes the attachment) if the
     * stored one equals {@code expected} (null: there is none); true if it did. Concurrent changes of one
     * export are ordered: of two racing from one state, exactly one is applied. An attachment has no hidden
     * state, so comparing values is enough (a state seen again is the same state).
     */
    boolean casAttachment(String export, Attachment expected, Attachment next);

    // ---- the hasher's work list ----

    void addHashJob(HashJob job);

    /** The first {@code limit} pending jobs, in the backend's order. */
    default List<HashJob> hashJobs(int limit) {
        return hashJobs(null, limit);
    }

    /**
     * Pending jobs after the one with id {@code afterId} (null: from the start), at most {@code limit}, in
     * the backend's order; a page shorter than {@code limit} means there are no more. Paging with the last
     * id of each page reads every job (the collector marks them all).
     */
    List<HashJob> hashJobs(String afterId, int limit);

    void removeHashJob(String id);
}
