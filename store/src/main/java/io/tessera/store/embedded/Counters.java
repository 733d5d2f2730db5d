package io.tessera.store.embedded;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the usage counters (objects and bytes per container and account, containers per account,
 * blocks and bytes stored) cheap however often they move. A counter is changed by a merge operand
 * (RocksDB's uint64add) in the same batch as the rows it counts, so the counts are exact and
 * writers of one container still share a WAL group commit; but a lookup applies every operand
 * above the key's last whole value, so after every {@link #FOLD_AFTER} operands of a key this
 * class folds them: it reads the sum and writes it back as a whole value, which later lookups stop
 * at. Publish cost and container HEAD cost so stay the same in a full container as in an empty one.
 *
 * <p>RocksDB's {@code max_successive_merges} cannot do this: it folds only when the key's value is
 * in the memtable or the block cache, so after a memtable flush (every 16 MiB of writes) the
 * operands piled up without bound, and with the option set every write walked the pile (issue 12:
 * a fill of one container fell from 20,000 to 520 rows/s).
 *
 * <p>Why the fold is exact without serialising writers: writers hold their counters' stripes
 * shared across the write, the fold holds its key's stripe exclusively across its read and its
 * write, so no operand lands between the sum it reads and the value it writes. It needs no sync of
 * its own: it only restates operands written before it in the same WAL, which a recovery replays
 * as a prefix, so a lost fold loses nothing.
 */
final class Counters {
    private static final Logger log = LoggerFactory.getLogger(Counters.class);
    /** Operands of one key between folds: a lookup applies at most about this many. */
    static final int FOLD_AFTER = 64;
    /** Keys tracked at once; past this every tracked key is folded, so memory stays bounded. */
    private static final int MAX_TRACKED = 1 << 16;

    private final Striped<ReadWriteLock> stripes = new Striped<>(1024, ReentrantReadWriteLock::new);
    /** Operands written per key since its last fold (keys wrapped for content equality). */
    private final Map<ByteBuffer, AtomicInteger> operands = new ConcurrentHashMap<>();
    private final AtomicBoolean foldingAll = new AtomicBoolean();
    private final Consumer<byte[]> fold;

    /** @param fold reads a counter and writes its value back whole (called under the key's stripe) */
    Counters(Consumer<byte[]> fold) {
        this.fold = fold;
    }

    /**
     * Runs {@code write}, a batch that changes the counters {@code keys}, holding their stripes
     * shared (in stripe order, so two writers and a fold cannot deadlock), then folds those that are due.
     */
    void write(List<byte[]> keys, Runnable write) {
        int[] order = keys.stream().mapToInt(stripes::indexOf).sorted().distinct().toArray();
        int locked = 0;
        try {
            for (int stripe : order) {
                stripes.at(stripe).readLock().lock();
                locked++;
            }
            write.run();
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                stripes.at(order[i]).readLock().unlock();
            }
        }
        for (byte[] key : keys) {
            written(key);
        }
    }

    private void written(byte[] key) {
        ByteBuffer tracked = ByteBuffer.wrap(key);
        AtomicInteger count = operands.computeIfAbsent(tracked, k -> new AtomicInteger());
        if (count.incrementAndGet() == FOLD_AFTER) {
            operands.remove(tracked, count);
            foldNow(key);
        }
        if (operands.size() > MAX_TRACKED && foldingAll.compareAndSet(false, true)) {
            try {
                for (ByteBuffer k : operands.keySet()) {
                    operands.remove(k);
                    foldNow(k.array());
                }
            } finally {
                foldingAll.set(false);
            }
        }
    }

    private void foldNow(byte[] key) {
        ReadWriteLock stripe = stripes.get(key);
        stripe.writeLock().lock();
        try {
            fold.accept(key);
        } catch (RuntimeException e) {
            // The caller's own write is done; an unfolded counter is only slower to read.
            log.debug("could not fold a usage counter (it stays exact, only slower to read)", e);
        } finally {
            stripe.writeLock().unlock();
        }
    }
}
