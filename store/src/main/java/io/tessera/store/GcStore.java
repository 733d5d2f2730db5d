package io.tessera.store;

import io.tessera.hashmap.BlockHash;
import java.util.List;
import java.util.Optional;

/**
 * What the collector, scrub, fsck and the accounting pass need from a backend beyond the data path
 * (store/GC.md explains the design): scans of everything stored, with write times; the
 * <em>condemned</em> mark on blocks and maps with deletes conditional on it; and a small key/value
 * table for the collector's own state.
 *
 * <h2>Condemned, and why deletes are conditional</h2>
 * The collector never deletes a block or map the first time it finds it unreferenced: it condemns it
 * (records the time), and deletes it in a later cycle whose mark started at least a grace period after
 * the condemnation, only if that mark found it unreferenced too and only if it is <em>still</em>
 * condemned at that instant. The data path clears the mark whenever it re-references content by its
 * address: {@link BlockStore#putIfAbsent} on a condemned block clears it and answers "present",
 * {@link BlockStore#existing} reports condemned blocks as absent (so the caller stores them again,
 * clearing the mark), and {@link MapStore#put} of a condemned map clears it. Clearing and the
 * conditional delete are ordered with respect to each other (one lock stripe embedded; in Cassandra
 * write timestamps: the delete's tombstones are stamped at the condemnation and an upload that found the
 * mark writes the content again above it), so an upload that finds a block present keeps it (ARCHITECTURE
 * invariant 3).
 *
 * <p>Times are milliseconds since the epoch; a condemned time of 0 means "not condemned".
 */
public interface GcStore {

    /** A stored block as the collector sees it. {@code size} is its stored (stripped) length. */
    record BlockEntry(BlockHash hash, int size, long writtenMillis, long condemnedMillis) {
        public boolean condemned() {
            return condemnedMillis != 0;
        }
    }

    /** A stored (non-implicit) map. */
    record MapEntry(MapId id, long writtenMillis, long condemnedMillis) {
        public boolean condemned() {
            return condemnedMillis != 0;
        }
    }

    /** An owned (volume) block and the time of its last write. */
    record OwnedEntry(BlockHash id, long writtenMillis) {
    }

    // ---- scans: pages in a stable order, resumable from the last key seen ----

    /** Account names after {@code after} (null: from the start), in the backend's order. */
    List<String> accounts(String after, int limit);

    /** Stored blocks after {@code after} (null: from the start), in the backend's order. */
    List<BlockEntry> blocks(BlockHash after, int limit);

    /** Stored maps after {@code after} (null: from the start), in the backend's order. */
    List<MapEntry> maps(MapId after, int limit);

    /** Owned blocks after {@code after} (null: from the start), in the backend's order. */
    List<OwnedEntry> owned(BlockHash after, int limit);

    /** One block's entry, or empty if it is not stored (condemned blocks are stored). */
    Optional<BlockEntry> block(BlockHash hash);

    // ---- condemn, revive, delete ----

    /** Marks the block condemned at {@code atMillis} unless it is already condemned or gone; true if marked. */
    boolean condemnBlock(BlockHash hash, long atMillis);

    /** Clears the mark if the block is still condemned at {@code condemnedMillis}; true if cleared. */
    boolean reviveBlock(BlockHash hash, long condemnedMillis);

    /**
     * Deletes the block (index and content) if it is still condemned at exactly {@code condemnedMillis};
     * true if this call deleted it.
     */
    boolean deleteBlockIfCondemned(BlockHash hash, long condemnedMillis);

    boolean condemnMap(MapId id, long atMillis);

    boolean reviveMap(MapId id, long condemnedMillis);

    boolean deleteMapIfCondemned(MapId id, long condemnedMillis);

    // ---- the collector's own state (lease-free: the caller holds the collector's lease) ----

    Optional<String> state(String key);

    void putState(String key, String value);

    void deleteState(String key);
}
