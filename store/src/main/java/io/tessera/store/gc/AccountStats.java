package io.tessera.store.gc;

import io.tessera.store.Store;
import java.util.Optional;

/**
 * An account's space as the last collector mark (or {@code bin/tessera stats --accounts}) counted it.
 *
 * @param logicalBytes  the sum of its objects' lengths (what users stored)
 * @param physicalBytes the length of each distinct block its objects name, counted once
 *                      (deduplication inside the account; blocks shared with other accounts count in each)
 * @param uniqueBlocks  how many distinct blocks its objects name
 * @param computedAt    when the count finished, ms since the epoch
 */
public record AccountStats(long logicalBytes, long physicalBytes, long uniqueBlocks, long computedAt) {
    private static final String KEY = "account-stats:";

    public long dedupSavedBytes() {
        return Math.max(0, logicalBytes - physicalBytes);
    }

    public static Optional<AccountStats> read(Store store, String account) {
        return store.gc().state(KEY + account).map(AccountStats::parse);
    }

    void write(Store store, String account) {
        store.gc().putState(KEY + account, logicalBytes + " " + physicalBytes + " " + uniqueBlocks + " " + computedAt);
    }

    private static AccountStats parse(String s) {
        String[] p = s.split(" ");
        return new AccountStats(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]));
    }
}
