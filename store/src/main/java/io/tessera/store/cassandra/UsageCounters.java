package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.BlockStore.BlockStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage counters in Cassandra counter tables: blocks and bytes stored, and per account and container the
 * object and byte counts (plus containers per account).
 *
 * <p>Counters are advisory, as the SPI allows: a counter update is not idempotent, so the driver never
 * retries one, and one that times out may or may not have been applied. Racing overwrites of one name
 * both count it. An update that fails is logged and dropped rather than failing a write that already
 * succeeded (a client would retry it and count it again). The collector's mark counts the rows and
 * corrects the counters by increments (store/GC.md, "Usage counters").
 */
final class UsageCounters {
    private static final Logger LOG = LoggerFactory.getLogger(UsageCounters.class);

    /** Block counters are spread over this many rows so that concurrent uploads do not all hit one. */
    static final int BLOCK_SHARDS = 16;

    record Usage(long containers, long objects, long bytes) {
        static final Usage ZERO = new Usage(0, 0, 0);
    }

    private final Cql cql;
    private final PreparedStatement addBlocks;
    private final PreparedStatement selectBlocks;
    private final PreparedStatement addAccount;
    private final PreparedStatement addAccountContainers;
    private final PreparedStatement addAccountAll;
    private final PreparedStatement selectAccount;
    private final PreparedStatement addContainer;
    private final PreparedStatement selectContainer;
    private final PreparedStatement deleteContainer;

    UsageCounters(Cql cql) {
        this.cql = cql;
        addBlocks = cql.prepare("UPDATE {ks}.block_usage SET blocks = blocks + ?, bytes = bytes + ? WHERE shard = ?");
        selectBlocks = cql.prepare("SELECT blocks, bytes FROM {ks}.block_usage WHERE shard = ?");
        addAccount = cql.prepare("UPDATE {ks}.account_usage SET objects = objects + ?, bytes = bytes + ? WHERE account = ?");
        addAccountContainers = cql.prepare("UPDATE {ks}.account_usage SET containers = containers + ? WHERE account = ?");
        addAccountAll = cql.prepare("UPDATE {ks}.account_usage SET containers = containers + ?, objects = objects + ?,"
                + " bytes = bytes + ? WHERE account = ?");
        selectAccount = cql.prepare("SELECT containers, objects, bytes FROM {ks}.account_usage WHERE account = ?");
        addContainer = cql.prepare("UPDATE {ks}.container_usage SET objects = objects + ?, bytes = bytes + ?"
                + " WHERE account = ? AND container = ?");
        selectContainer = cql.prepare("SELECT objects, bytes FROM {ks}.container_usage WHERE account = ? AND container = ?");
        deleteContainer = cql.prepare("DELETE FROM {ks}.container_usage WHERE account = ? AND container = ?");
    }

    void addBlock(BlockHash hash, long blocks, long bytes) {
        int shard = (hash.toBytes()[0] & 0xff) % BLOCK_SHARDS;
        apply(List.of(addBlocks.bind(blocks, bytes, shard)), "block usage");
    }

    BlockStats blockStats() {
        List<Row> rows = cql.pipeline(IntStream.range(0, BLOCK_SHARDS).boxed().toList(),
                shard -> cql.executeAsync(selectBlocks.bind(shard).setIdempotent(true)).thenApply(AsyncResultSet::one),
                "reading block usage");
        long blocks = 0;
        long bytes = 0;
        for (Row row : rows) {
            if (row != null) {
                blocks += row.getLong("blocks");
                bytes += row.getLong("bytes");
            }
        }
        return new BlockStats(blocks, bytes);
    }

    /**
     * Counts {@code objects} and {@code bytes} (either may be negative) in a container and its account.
     * Container rows are keyed by {@link ContainerKey#key()}, so each incarnation of a name has its own.
     */
    void addObjects(String account, String container, long objects, long bytes) {
        if (objects == 0 && bytes == 0) {
            return;
        }
        apply(List.of(addContainer.bind(objects, bytes, account, container), addAccount.bind(objects, bytes, account)),
                "object usage of " + account + "/" + container);
    }

    void addContainers(String account, long containers) {
        apply(List.of(addAccountContainers.bind(containers, account)), "container count of " + account);
    }

    /** Counts {@code containers}, {@code objects} and {@code bytes} (any may be negative) in the account's row only. */
    void addAccount(String account, long containers, long objects, long bytes) {
        if (containers == 0 && objects == 0 && bytes == 0) {
            return;
        }
        apply(List.of(addAccountAll.bind(containers, objects, bytes, account)), "usage of " + account);
    }

    Usage account(String account) {
        return toUsage(cql.execute(selectAccount.bind(account).setIdempotent(true), "reading usage of " + account).one(), true);
    }

    Usage container(String account, String container) {
        return toUsage(cql.execute(selectContainer.bind(account, container).setIdempotent(true),
                "reading usage of " + account + "/" + container).one(), false);
    }

    /**
     * Deletes a deleted container's row, and takes what it still counts (drift: the container was empty)
     * and the container itself off the account, so that the account's counters stay the sum of its
     * containers'. Cassandra cannot reliably delete and later recreate a counter, and never has to: the
     * row is keyed by the container's key, and a container created again under the same name has a new one.
     */
    void deleteContainer(String account, String key) {
        Usage left = container(account, key);
        cql.execute(deleteContainer.bind(account, key).setIdempotent(true), "deleting usage of " + account + "/" + key);
        addAccount(account, -1, -left.objects(), -left.bytes());
    }

    /**
     * Forgets rows the collector's pass removed from under a dead container key: {@code objects} live
     * versions of {@code bytes} come off the account, and the key's own row (which a put racing the
     * container's delete may have written again) goes.
     */
    void removeUnreachable(String account, String key, long objects, long bytes) {
        addAccount(account, 0, -objects, -bytes);
        cql.execute(deleteContainer.bind(account, key).setIdempotent(true), "deleting usage of " + account + "/" + key);
    }

    static Usage toUsage(Row row, boolean withContainers) {
        if (row == null) {
            return Usage.ZERO;
        }
        return new Usage(withContainers ? row.getLong("containers") : 0, row.getLong("objects"), row.getLong("bytes"));
    }

    private void apply(List<BoundStatement> updates, String what) {
        try {
            CompletableFuture<?>[] futures = updates.stream()
                    .map(u -> cql.executeAsync(u).toCompletableFuture())
                    .toArray(CompletableFuture[]::new);
            cql.await(CompletableFuture.allOf(futures), "updating " + what);
        } catch (RuntimeException e) {
            LOG.warn("Dropped an update of {} (counters may drift until the next collection cycle): {}", what,
                    e.getMessage());
        }
    }
}
