package io.tessera.store.gc;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.GcStore;
import io.tessera.store.MapId;
import io.tessera.store.Store;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweeps of one cycle whose mark started at {@code markStart}. Every decision is one of:
 * <ul>
 *   <li><b>marked</b>: keep; clear a condemned mark left by an earlier cycle;</li>
 *   <li><b>unmarked, condemned at c with c + grace &lt;= markStart</b>: delete, if still condemned at c
 *       (a conditional delete: an upload that revived it meanwhile wins);</li>
 *   <li><b>unmarked, not condemned, written before markStart - grace</b>: condemn now;</li>
 *   <li><b>anything else</b> (young, or condemned too recently): keep for now.</li>
 * </ul>
 * So a block or map is deleted only when two marks, started at least a grace period apart, both found
 * it unreferenced (store/GC.md explains why one is not enough).
 */
final class Sweep {
    private static final Logger log = LoggerFactory.getLogger(Sweep.class);
    static final String OWNED_CONDEMNED = "owned-condemned:";

    private final Store store;
    private final GcStore gc;
    private final GcProgress progress;
    private final long cutoff;
    private final int pageSize;

    Sweep(Store store, GcProgress progress, long markStart, long graceMillis, int pageSize) {
        this.store = store;
        this.pageSize = pageSize;
        this.gc = store.gc();
        this.progress = progress;
        this.cutoff = markStart - graceMillis;
    }

    /**
     * Every stored map: decides it, and marks the blocks of every map that is still stored afterwards
     * (referenced or not: a map that exists may be referenced again by a copy, which revives it, so
     * its blocks must outlive it). Not resumable: a crash restarts the cycle.
     */
    void maps(BloomFilter marked, BloomFilter blocks, Runnable perPage) {
        MapId after = null;
        while (true) {
            List<GcStore.MapEntry> page = gc.maps(after, pageSize);
            for (GcStore.MapEntry m : page) {
                progress.mapsScanned.incrementAndGet();
                progress.done.incrementAndGet();
                if (!decideMap(m, marked.mightContain(m.id()))) {
                    markBlocksOf(m.id(), blocks);
                }
            }
            perPage.run();
            if (page.isEmpty()) {
                return;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** Returns true if the map was deleted. */
    private boolean decideMap(GcStore.MapEntry m, boolean marked) {
        if (marked) {
            if (m.condemned()) {
                gc.reviveMap(m.id(), m.condemnedMillis());
            }
            return false;
        }
        if (m.condemned()) {
            if (m.condemnedMillis() <= cutoff && gc.deleteMapIfCondemned(m.id(), m.condemnedMillis())) {
                progress.mapsFreed.incrementAndGet();
                return true;
            }
            return false;
        }
        if (m.writtenMillis() < cutoff) {
            gc.condemnMap(m.id(), System.currentTimeMillis());
        }
        return false;
    }

    private void markBlocksOf(MapId id, BloomFilter blocks) {
        Optional<Hashmap> map = store.maps().get(id);
        if (map.isEmpty()) {
            return; // deleted meanwhile by an operator's hand; nothing to keep
        }
        for (BlockHash h : map.get().hashes()) {
            if (!h.isZeroBlock()) {
                blocks.add(h);
            }
        }
    }

    /**
     * Content blocks after {@code after}; {@code perPage} gets the last hash of each finished page (the
     * cursor). Every scan here ends at an empty page, not a short one: a backend may return fewer rows
     * than asked for while more follow (rows deleted under the scan), and stopping there would leave the
     * rest unswept.
     */
    void blocks(BlockHash after, BloomFilter marked, Consumer<BlockHash> perPage) {
        while (true) {
            List<GcStore.BlockEntry> page = gc.blocks(after, pageSize);
            for (GcStore.BlockEntry b : page) {
                progress.blocksScanned.incrementAndGet();
                progress.done.incrementAndGet();
                decideBlock(b, marked.mightContain(b.hash()));
            }
            if (page.isEmpty()) {
                return;
            }
            after = page.get(page.size() - 1).hash();
            perPage.accept(after);
        }
    }

    private void decideBlock(GcStore.BlockEntry b, boolean marked) {
        if (marked) {
            progress.blocksKept.incrementAndGet();
            if (b.condemned()) {
                gc.reviveBlock(b.hash(), b.condemnedMillis());
            }
            return;
        }
        if (b.condemned()) {
            if (b.condemnedMillis() <= cutoff && gc.deleteBlockIfCondemned(b.hash(), b.condemnedMillis())) {
                progress.blocksFreed.incrementAndGet();
                progress.bytesFreed.addAndGet(b.size());
                return;
            }
            progress.blocksKept.incrementAndGet();
            return;
        }
        if (b.writtenMillis() < cutoff && gc.condemnBlock(b.hash(), System.currentTimeMillis())) {
            progress.blocksCondemned.incrementAndGet();
        }
        progress.blocksKept.incrementAndGet();
    }

    /**
     * Owned blocks. Nothing re-references an owned id by content, so the data path never needs to
     * revive one; its condemned mark lives in the collector's state, and a marked block's is cleared.
     */
    void owned(BlockHash after, BloomFilter marked, Consumer<BlockHash> perPage) {
        while (true) {
            List<GcStore.OwnedEntry> page = gc.owned(after, pageSize);
            for (GcStore.OwnedEntry o : page) {
                progress.done.incrementAndGet();
                decideOwned(o, marked.mightContain(o.id()));
            }
            if (page.isEmpty()) {
                return;
            }
            after = page.get(page.size() - 1).id();
            perPage.accept(after);
        }
    }

    private void decideOwned(GcStore.OwnedEntry o, boolean marked) {
        String key = OWNED_CONDEMNED + o.id().toHex();
        Optional<Long> condemned = gc.state(key).map(Long::parseLong);
        if (marked) {
            condemned.ifPresent(c -> gc.deleteState(key));
            return;
        }
        if (condemned.isPresent()) {
            if (condemned.get() <= cutoff) {
                log.debug("freeing owned block {}", o.id());
                store.owned().delete(o.id());
                gc.deleteState(key);
                progress.ownedFreed.incrementAndGet();
            }
            return;
        }
        if (o.writtenMillis() < cutoff) {
            gc.putState(key, Long.toString(System.currentTimeMillis()));
        }
    }
}
