package io.tessera.store.check;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.OwnedIds;
import io.tessera.store.Store;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.VolumeStore;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.gc.Roots;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/tessera fsck}: walks every root the collector walks (objects, volumes, hash jobs) and
 * reports each one whose map is missing or unreadable, or that names a content block the store does
 * not have, by name ({@code object AUTH_x/photos/cat.jpg: block ab12... is missing}). Owned ids are not
 * checked: an owned block never written reads as zeroes by design (volumes/README.md). One batched
 * existence question per map; changes nothing.
 */
public final class Fsck implements Roots.Visitor {
    private static final Logger log = LoggerFactory.getLogger(Fsck.class);

    private final Store store;
    private final ContentMaps maps;
    private final CheckProgress progress = new CheckProgress();
    private long objects;
    private long volumes;

    public Fsck(Store store) {
        this.store = store;
        this.maps = new ContentMaps(store);
    }

    public CheckProgress progress() {
        return progress;
    }

    public record Result(long objects, long volumes, long problems, List<String> reported, long millis) {
        public String summary() {
            return String.format("""
                    objects checked      %,d
                    volumes checked      %,d
                    problems             %,d
                    time                 %.1f s""", objects, volumes, problems, millis / 1000.0);
        }
    }

    public Result run() {
        long start = System.nanoTime();
        progress.total.set(store.gc().accounts(null, 1_000_000).stream()
                .mapToLong(a -> store.metadata().getAccount(a).map(i -> i.objectCount()).orElse(0L)).sum());
        Roots.walk(store, this);
        return new Result(objects, volumes, progress.problems(), progress.reported(), (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void object(ObjectVersion v) {
        objects++;
        progress.done.incrementAndGet();
        checkMap(v.map(), "object " + v.account() + "/" + v.container() + "/" + v.name());
    }

    @Override
    public void volume(VolumeStore.VolumeRecord v, Map<Long, VolumeStore.Entry> overlay) {
        volumes++;
        String name = "volume " + v.account() + "/" + v.name();
        if (v.parentMap() != null) {
            checkMap(v.parentMap(), name + " (parent " + v.parentSource() + ")");
        }
        checkBlocks(overlay.values().stream().map(VolumeStore.Entry::block).toList(), name + " overlay");
    }

    @Override
    public void hashJob(VolumeStore.HashJob job) {
        checkMap(job.map(), "snapshot " + job.account() + "/" + job.container() + "/" + job.object() + " (hash job)");
    }

    private void checkMap(MapId id, String who) {
        Hashmap map;
        try {
            map = maps.load(id);
        } catch (StoreCorruptionException e) {
            problem(who + ": " + e.getMessage());
            return;
        }
        checkBlocks(map.hashes(), who);
    }

    private void checkBlocks(List<BlockHash> hashes, String who) {
        Set<BlockHash> wanted = new LinkedHashSet<>();
        for (BlockHash h : hashes) {
            if (!h.isZeroBlock() && !OwnedIds.isOwned(h)) {
                wanted.add(h);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Set<BlockHash> present = store.blocks().existing(wanted);
        for (BlockHash h : wanted) {
            // existing() hides condemned blocks (they still have their content): ask the index itself
            if (!present.contains(h) && store.gc().block(h).isEmpty()) {
                problem(who + ": block " + h + " is missing");
            }
        }
    }

    private void problem(String text) {
        log.error("fsck: {}", text);
        progress.report(text);
    }
}
