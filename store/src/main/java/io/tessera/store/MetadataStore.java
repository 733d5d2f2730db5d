package io.tessera.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts, containers, object versions and cluster-wide settings.
 *
 * <p>Metadata maps use lower-case header names as keys. In {@code changes} arguments an empty value
 * removes the key (Swift's {@code X-Remove-*} and empty-value semantics); other keys are kept.
 *
 * <p>Usage counters (container and object counts, bytes used) are maintained by the backend as
 * versions are published and deleted. On a cluster they may lag or drift under concurrent
 * overwrites of one name, as Swift's own do; the collector's mark counts the rows and corrects them
 * through {@link #adjustContainerUsage} and {@link #adjustAccountUsage} (store/GC.md, "Usage counters").
 */
public interface MetadataStore {

    // ---- accounts ----

    /** The account, or empty if it was never created (Swift then answers as for an empty account). */
    Optional<AccountInfo> getAccount(String account);

    /** Creates the account if it does not exist (Swift's account autocreate). Idempotent. */
    void ensureAccount(String account, Timestamp created);

    /** Applies metadata {@code changes} (empty value = remove), creating the account if needed. */
    void updateAccountMetadata(String account, Map<String, String> changes);

    // ---- containers ----

    /**
     * Creates a container with {@code metadata} (creating the account if needed).
     *
     * @return true if it was created; false if it already existed, in which case nothing changed
     */
    boolean createContainer(String account, String container, Timestamp created, Map<String, String> metadata);

    Optional<ContainerInfo> getContainer(String account, String container);

    /** Applies metadata {@code changes} (empty value = remove) to an existing container; false if there is none. */
    boolean updateContainerMetadata(String account, String container, Map<String, String> changes);

    enum DeleteContainerOutcome { DELETED, NOT_FOUND, NOT_EMPTY }

    /** Deletes a container if it holds no objects. */
    DeleteContainerOutcome deleteContainer(String account, String container);

    /** A page of the account's containers, in {@link Names#UTF8_ORDER} (or reversed). */
    List<ContainerInfo> listContainers(String account, ListQuery query);

    // ---- objects ----

    Optional<ObjectVersion> getObject(String account, String container, String name);

    enum PutOutcome {
        /** The version is now the object's current version. */
        PUBLISHED,
        /** A version with a later timestamp is current; this one was ignored (last write wins). */
        SUPERSEDED,
        /** {@link PutCondition#IF_ABSENT} and a live version exists: nothing was written. */
        EXISTS
    }

    /**
     * Publishes a version: the object's name now points at {@code version.map()}. The map and all
     * its blocks must already be durable. The container must exist (callers check; a backend may
     * throw IllegalStateException otherwise). Updates the container's and account's counters.
     * A version naming content that existed before the request (a copy, a versioning move) is
     * published through {@link io.tessera.store.content.ContentMaps#publishExisting}, which retains it.
     */
    PutOutcome putObject(ObjectVersion version, PutCondition condition);

    /**
     * Gives the object's current version another ETag, if {@code current} is still its current version
     * (same timestamp, map and ETag): a fact about the same bytes learned after they were published (the
     * MD5 of an object made from a Pithos hashmap, computed in the background). Nothing else changes: not
     * the timestamp, not the counters. It never replaces a newer version and never brings a deleted one
     * back: on one node the check and the write hold the object's lock; on Cassandra the row is written one
     * microsecond above the version's timestamp, so any later put or delete still wins.
     *
     * @return whether the ETag was changed
     */
    boolean replaceEtag(ObjectVersion current, String etag);

    /**
     * Deletes the object's current version if its timestamp is not after {@code timestamp}. A
     * cluster backend remembers the delete for a while (Cassandra: a marker with a one-day TTL) and
     * answers {@link PutOutcome#SUPERSEDED} to a put older than it that arrives late, from a frontend
     * with a lagging clock. One node stamps every write from one monotonic clock, so there a put is
     * never older than a delete it follows.
     *
     * @return the version that was deleted, or empty if there was none (or a newer one is current)
     */
    Optional<ObjectVersion> deleteObject(String account, String container, String name, Timestamp timestamp);

    /** A page of a container's current object versions, in {@link Names#UTF8_ORDER} (or reversed). */
    List<ObjectVersion> listObjects(String account, String container, ListQuery query);

    // ---- expiring objects ----

    /**
     * The metadata key of a version's expiry time: decimal epoch seconds (Swift's {@code X-Delete-At}).
     * {@link #putObject} indexes a version that carries it under that time, so that expired objects
     * are found without scanning containers. Deleting or replacing the version leaves its entry in place
     * (it is cheaper to check at expiry time than to look up the old version on every write).
     */
    String DELETE_AT = "x-delete-at";

    /**
     * Entries of the expiry index due at or before {@code nowSeconds}, earliest first, at most
     * {@code limit}. Reads only due entries, never the whole index.
     */
    List<ExpiringObject> dueExpiries(long nowSeconds, int limit);

    /** Removes an entry from the expiry index (idempotent). */
    void removeExpiry(ExpiringObject entry);

    /** The expiry time a version's metadata asks for, or -1 (absent or not a whole number of seconds). */
    static long deleteAtOf(ObjectVersion v) {
        String at = v.metadata().get(DELETE_AT);
        if (at == null || at.isEmpty() || at.length() > 18 || !at.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(at);
    }

    // ---- rows no container reaches (the collector's pass) ----

    /**
     * Removes object rows that no container reaches any more: rows a put wrote into a container while
     * a delete of that container ran (the put had passed its checks), and a deleted container's own
     * delete markers. Such rows are unreachable by construction: no listing, get or collector mark
     * walks them, and a container created again under the same name does not see them. So removing
     * them frees only their space; the blocks they name are garbage (invariant 3 protects only what a
     * reachable version names). The collector calls this once per cycle; a backend whose container
     * delete cannot race a put has nothing to remove.
     *
     * @return how many live (not deleted) versions were removed
     */
    default long removeUnreachableObjects() {
        return 0;
    }

    // ---- usage reconciliation (the collector's pass) ----

    /**
     * Adds {@code objects} and {@code bytes} (either may be negative) to the counters of the container and
     * of its account, as the put or delete they were missed or doubled for would have. An increment, never
     * a set, so updates made meanwhile by writers are kept. Does nothing if the container does not exist.
     */
    void adjustContainerUsage(String account, String container, long objects, long bytes);

    /** Adds the deltas (any may be negative) to the account's own counters only; an increment, like the above. */
    void adjustAccountUsage(String account, long containers, long objects, long bytes);

    // ---- public links (Pithos): token -> object path ----

    /**
     * Claims {@code token} for {@code target}: a compare-and-set, so of two claims of one token exactly one
     * gets true, whatever the frontends. A token is claimed once and never reused after {@link
     * #removePublicLink}.
     *
     * @return true if the token is now the target's; false if it was already claimed (by any path)
     */
    boolean putPublicLinkIfAbsent(String token, PublicLink target);

    /** The path {@code token} was claimed for, or empty. One read of one row. */
    Optional<PublicLink> getPublicLink(String token);

    /** Forgets a token (idempotent). */
    void removePublicLink(String token);

    // ---- path indexes (what the API derives from rows and needs to find without a scan) ----

    /**
     * Stores {@code entry} (with {@code value}) in the index partition {@code partition}; replaces an
     * entry of that key. An index is a hint derived from rows that stay the truth (Pithos sharing: the
     * object rows' sharing keys): its writers add an entry before the row that needs it and remove it after
     * the row is gone, and its readers check each entry against the rows, so a crash between the two
     * writes leaves an extra entry, never a missing one. One partition is one Cassandra partition.
     */
    void putIndexEntry(String partition, String entry, String value);

    /** Removes an entry (idempotent). */
    void removeIndexEntry(String partition, String entry);

    /** Whether the partition holds {@code entry} (one read). */
    boolean hasIndexEntry(String partition, String entry);

    /**
     * A page of a partition's entries in {@link Names#UTF8_ORDER}, strictly after {@code startAfter}
     * (null: from the start), at most {@code limit} (at most 1000 are returned at once).
     */
    List<IndexEntry> listIndex(String partition, String startAfter, int limit);

    // ---- cluster-wide settings (e.g. the token-signing secret every frontend shares) ----

    Optional<String> getSetting(String key);

    /** Compare-and-set: stores {@code value} unless the key has one; returns the value now stored. */
    String putSettingIfAbsent(String key, String value);
}
