package io.tessera.store.check;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.store.GcStore;
import io.tessera.store.Store;
import io.tessera.store.StoreCorruptionException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/tessera scrub}: reads every stored content block back and re-hashes it; a block whose
 * content no longer hashes to its address (bit rot, a damaged file or row), or whose content is gone
 * while its index says it is stored, is reported, counted and logged. It changes nothing: repairing
 * means storing the content again (a client re-uploading the object does it).
 *
 * <p>Owned (volume) blocks have no content address, so nothing can say whether their bytes are right:
 * scrub counts them as not verifiable and reads none of them. Their snapshots are verified once the
 * hasher has turned them into content blocks.
 */
public final class Scrub {
    private static final Logger log = LoggerFactory.getLogger(Scrub.class);
    private static final int PAGE = 500;

    private final Store store;
    private final CheckProgress progress = new CheckProgress();
    private long bytes;
    private long owned;

    public Scrub(Store store, MetricRegistry metrics) {
        this.store = store;
        metrics.remove("scrub.blocks.checked");
        metrics.remove("scrub.blocks.total");
        metrics.remove("scrub.problems");
        metrics.gauge("scrub.blocks.checked", () -> progress::done);
        metrics.gauge("scrub.blocks.total", () -> progress::total);
        metrics.gauge("scrub.problems", () -> progress::problems);
    }

    public CheckProgress progress() {
        return progress;
    }

    public record Result(long blocks, long bytes, long problems, long ownedNotVerifiable, List<String> reported,
                         long millis) {
        public String summary() {
            return String.format("""
                    blocks checked       %,d (%,d bytes)
                    corrupt or missing   %,d
                    owned blocks         %,d (no content address: not verifiable)
                    time                 %.1f s""", blocks, bytes, problems, ownedNotVerifiable, millis / 1000.0);
        }
    }

    public Result run() {
        long start = System.nanoTime();
        progress.total.set(store.blocks().stats().blocks());
        BlockHash after = null;
        while (true) {
            List<GcStore.BlockEntry> page = store.gc().blocks(after, PAGE);
            for (GcStore.BlockEntry b : page) {
                check(b);
                progress.done.incrementAndGet();
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).hash();
        }
        BlockHash afterOwned = null;
        while (true) {
            List<GcStore.OwnedEntry> page = store.gc().owned(afterOwned, PAGE);
            owned += page.size();
            if (page.size() < PAGE) {
                break;
            }
            afterOwned = page.get(page.size() - 1).id();
        }
        return new Result(progress.done(), bytes, progress.problems(), owned, progress.reported(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private void check(GcStore.BlockEntry b) {
        Optional<byte[]> content;
        try {
            content = store.blocks().get(b.hash());
        } catch (StoreCorruptionException e) {
            problem("block " + b.hash() + ": " + e.getMessage());
            return;
        }
        if (content.isEmpty()) {
            if (store.gc().block(b.hash()).isPresent()) {
                problem("block " + b.hash() + ": indexed but its content is missing");
            }
            return; // deleted by the collector since the scan read it
        }
        byte[] c = content.get();
        bytes += c.length;
        BlockHash actual = BlockHasher.hash(c, 0, c.length);
        if (!actual.equals(b.hash())) {
            problem("block " + b.hash() + ": content hashes to " + actual + " (" + c.length + " bytes)");
        } else if (c.length != b.size()) {
            problem("block " + b.hash() + ": " + c.length + " bytes stored, the index says " + b.size());
        }
    }

    private void problem(String text) {
        log.error("scrub: {}", text);
        progress.report(text);
    }
}
