package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.gc.BloomFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.BiConsumer;

/**
 * The container keys the {@code containers} table holds at the start of the unreachable-rows pass, as a
 * Bloom filter: so the pass reads container rows only for the object partitions whose key is
 * <em>not</em> in it (the dead ones, and a false positive's worth of the live ones), not for every
 * partition. The N shard partitions of one container lie scattered in token order; with a million
 * containers, a cache of recent keys missed 99 % and cost two synchronous reads a partition
 * (docs/scale.md, section 2).
 *
 * <p>Why it is safe: a key found in the filter is kept for this pass (a dead key that is a false
 * positive, or a container deleted after the scan, is removed by a later pass); a key not found is
 * checked by reading the container rows again, so a container created after the scan is never taken
 * for dead. The keys are hashed with a salt drawn for each pass, so a dead key that collides in one
 * pass does not collide in the next.
 *
 * <p>Memory: about 14.4 bits a container at the 0.1 % false-positive rate (1.8 MB for a million).
 */
final class LiveContainerKeys {
    static final double FALSE_POSITIVE_RATE = 0.001;
    private static final int PAGE = 1000;

    private final BloomFilter filter;
    private final byte[] salt;
    private final MessageDigest sha256;

    private LiveContainerKeys(BloomFilter filter, byte[] salt) {
        this.filter = filter;
        this.salt = salt;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Scans the containers table twice: once to count its rows (to size the filter), once to fill it.
     * A container created between the two scans may be missing from the filter; the pass then reads its
     * row, as for any key not found.
     */
    static LiveContainerKeys scan(Cql cql, PreparedStatement allContainers) {
        long[] count = {0};
        forEachRow(cql, allContainers, (account, key) -> count[0]++);
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        LiveContainerKeys keys = new LiveContainerKeys(BloomFilter.forEntries(count[0] + count[0] / 4, FALSE_POSITIVE_RATE), salt);
        forEachRow(cql, allContainers, keys::add);
        return keys;
    }

    /** Whether {@code key} may be a live key of {@code account}: false means it was not one at the scan. */
    boolean mightBeLive(String account, String key) {
        return filter.mightContain(hash(account, key));
    }

    long sizeBytes() {
        return filter.sizeBytes();
    }

    private void add(String account, String key) {
        filter.add(hash(account, key));
    }

    private BlockHash hash(String account, String key) {
        sha256.reset();
        sha256.update(salt);
        sha256.update(account.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0); // account names hold no NUL, so (account, key) pairs cannot run together
        sha256.update(key.getBytes(StandardCharsets.UTF_8));
        return BlockHash.of(sha256.digest());
    }

    /** Every container row's account and key ({@link ContainerKey}), page by page. */
    private static void forEachRow(Cql cql, PreparedStatement allContainers, BiConsumer<String, String> each) {
        AsyncResultSet rs = cql.execute(allContainers.bind().setPageSize(PAGE).setIdempotent(true), "scanning containers");
        while (true) {
            for (Row row : rs.currentPage()) {
                if (!row.isNull("created")) {
                    each.accept(row.getString("account"),
                            ContainerKey.of(row.getString("container"), row.getString("incarnation")).key());
                }
            }
            if (!rs.hasMorePages()) {
                return;
            }
            rs = cql.await(rs.fetchNextPage(), "scanning containers");
        }
    }
}
