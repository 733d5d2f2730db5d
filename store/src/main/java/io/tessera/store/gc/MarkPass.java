package io.tessera.store.gc;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.AccountInfo;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Store;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.VolumeStore;
import io.tessera.store.content.ContentMaps;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mark: records every map id the roots name in {@code maps}, and every block they name directly
 * (one-block maps, whose id is their block's hash; overlay entries) in {@code blocks}. The blocks of
 * stored maps are marked later, by the map sweep, from every map that survives it.
 *
 * <p>With accounting on, it also loads each object's map to count the account's distinct blocks
 * ({@link AccountStats}), with a per-account filter sized from the account's counters.
 */
final class MarkPass implements Roots.Visitor {
    private static final Logger log = LoggerFactory.getLogger(MarkPass.class);

    private final Store store;
    private final ContentMaps contentMaps;
    private final BloomFilter maps;
    private final BloomFilter blocks;
    private final GcProgress progress;
    private final boolean accounting;
    private final double fpp;
    private BloomFilter accountBlocks;
    private long logical;
    private long physical;
    private long unique;

    MarkPass(Store store, BloomFilter maps, BloomFilter blocks, GcProgress progress, boolean accounting, double fpp) {
        this.store = store;
        this.contentMaps = new ContentMaps(store);
        this.maps = maps;
        this.blocks = blocks;
        this.progress = progress;
        this.accounting = accounting;
        this.fpp = fpp;
    }

    @Override
    public void account(String account) {
        if (accounting) {
            AccountInfo info = store.metadata().getAccount(account).orElse(null);
            long expected = info == null ? 0 : info.objectCount() + info.bytesUsed() / store.blockSize().bytes();
            accountBlocks = BloomFilter.forEntries(expected + 1_000, fpp);
            logical = physical = unique = 0;
        }
    }

    @Override
    public void object(ObjectVersion version) {
        progress.objects.incrementAndGet();
        progress.done.incrementAndGet();
        markMap(version.map());
        if (accounting) {
            count(version.map());
        }
    }

    @Override
    public void volume(VolumeStore.VolumeRecord volume, Map<Long, VolumeStore.Entry> overlay) {
        progress.volumes.incrementAndGet();
        if (volume.parentMap() != null) {
            markMap(volume.parentMap());
        }
        for (VolumeStore.Entry e : overlay.values()) {
            markBlock(e.block());
        }
    }

    @Override
    public void hashJob(VolumeStore.HashJob job) {
        markMap(job.map());
    }

    @Override
    public void accountDone(String account) {
        if (accounting) {
            new AccountStats(logical, physical, unique, System.currentTimeMillis()).write(store, account);
            accountBlocks = null;
        }
    }

    private void markMap(MapId id) {
        if (id.length() == 0) {
            return;
        }
        if (contentMaps.isImplicit(id)) {
            markBlock(id.merkleRoot());
        } else {
            maps.add(id);
        }
    }

    private void markBlock(BlockHash hash) {
        if (!hash.isZeroBlock()) {
            blocks.add(hash);
        }
    }

    /** Adds an object to its account's tally: its length, and each block not seen in the account before. */
    private void count(MapId id) {
        logical += id.length();
        if (id.length() == 0) {
            return;
        }
        Hashmap map;
        try {
            map = contentMaps.load(id);
        } catch (StoreCorruptionException e) {
            log.warn("accounting skips a missing map: {}", e.getMessage());
            return;
        }
        for (int i = 0; i < map.hashes().size(); i++) {
            BlockHash h = map.hashes().get(i);
            if (!h.isZeroBlock() && !accountBlocks.mightContain(h)) {
                accountBlocks.add(h);
                physical += map.blockLength(i);
                unique++;
            }
        }
    }
}
