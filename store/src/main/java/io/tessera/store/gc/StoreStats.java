package io.tessera.store.gc;

import io.tessera.store.AccountInfo;
import io.tessera.store.Store;
import io.tessera.store.BlockStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code bin/tessera stats}: the whole store's space from its counters, no scan: objects and logical
 * bytes (the accounts' usage counters), unique blocks and physical bytes (the block counters, exact on
 * both backends), and the dedup ratio between them. With {@code accounts}, each account's line adds what
 * the collector's last mark counted for it ({@link AccountStats}).
 */
public record StoreStats(long accounts, long containers, long objects, long logicalBytes, long uniqueBlocks,
                         long physicalBytes, List<String> accountLines) {

    public static StoreStats compute(Store store, boolean perAccount) {
        long accounts = 0;
        long containers = 0;
        long objects = 0;
        long logical = 0;
        List<String> lines = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> page = store.gc().accounts(after, Roots.PAGE);
            for (String a : page) {
                Optional<AccountInfo> info = store.metadata().getAccount(a);
                if (info.isEmpty()) {
                    continue;
                }
                accounts++;
                containers += info.get().containerCount();
                objects += info.get().objectCount();
                logical += info.get().bytesUsed();
                if (perAccount) {
                    lines.add(accountLine(a, info.get(), AccountStats.read(store, a)));
                }
            }
            if (page.size() < Roots.PAGE) {
                break;
            }
            after = page.get(page.size() - 1);
        }
        BlockStore.BlockStats blocks = store.blocks().stats();
        return new StoreStats(accounts, containers, objects, logical, blocks.blocks(), blocks.bytes(), lines);
    }

    private static String accountLine(String name, AccountInfo info, Optional<AccountStats> s) {
        return String.format("%-24s %,14d objects %,20d logical %s", name, info.objectCount(), info.bytesUsed(),
                s.map(x -> String.format("%,20d physical %,20d saved", x.physicalBytes(), x.dedupSavedBytes()))
                        .orElse("(physical: not counted yet, run bin/tessera gc)"));
    }

    /** Logical bytes per physical byte; 0 for an empty store. */
    public double dedupRatio() {
        return physicalBytes == 0 ? 0 : (double) logicalBytes / physicalBytes;
    }

    public String summary() {
        StringBuilder b = new StringBuilder(String.format("""
                accounts             %,d
                containers           %,d
                objects              %,d
                logical bytes        %,d
                unique blocks        %,d
                physical bytes       %,d (stored, trailing zeroes stripped)
                dedup ratio          %.2f""", accounts, containers, objects, logicalBytes, uniqueBlocks, physicalBytes,
                dedupRatio()));
        accountLines.forEach(l -> b.append('\n').append(l));
        return b.toString();
    }
}
