package io.tessera.store.gc;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.VolumeStore;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Corrects the usage counters from the rows, during the mark, which lists every object version of every
 * container anyway (store/GC.md, "Usage counters"). Counters drift on a cluster (Cassandra: a counter
 * update that timed out may or may not have been applied, two racing overwrites of a new name both count
 * it); the rows are the truth.
 *
 * <p>Per container: its counters are read before its objects are listed and again after; the listing
 * counts its live versions and their bytes. Only if the counters did not move in between (nobody wrote the
 * container while it was counted) is the difference added to them, as an increment
 * ({@link MetadataStore#adjustContainerUsage}, which moves the account's counters by the same amount, as
 * the missed or doubled update would have). An increment, never a set: a put that lands after the second
 * read keeps its own count. A container written during its count is left for the next cycle.
 *
 * <p>Per account, the same once its containers are done: if its counters moved only by this pass's own
 * corrections, its containers, objects and bytes are set right against the sums of what was counted
 * ({@link MetadataStore#adjustAccountUsage}), which also fixes a drift of the account's row alone.
 */
final class UsageReconciler implements Roots.Visitor {
    private static final Logger log = LoggerFactory.getLogger(UsageReconciler.class);

    private final MetadataStore meta;
    private final GcProgress progress;
    private final BiConsumer<String, String> beforeCount;
    private final BiConsumer<String, String> afterCount;

    private AccountInfo accountBefore;
    private long containersSeen;
    private long objectsSeen;
    private long bytesSeen;
    private long appliedObjects;
    private long appliedBytes;
    private boolean accountCountable;

    private ContainerInfo containerBefore;
    private long objects;
    private long bytes;

    /**
     * @param beforeCount runs after a container's counters are read and before its objects are listed (tests)
     * @param afterCount  runs after they are read again and before a correction is applied (tests)
     */
    UsageReconciler(MetadataStore meta, GcProgress progress, BiConsumer<String, String> beforeCount,
                    BiConsumer<String, String> afterCount) {
        this.meta = meta;
        this.progress = progress;
        this.beforeCount = beforeCount;
        this.afterCount = afterCount;
    }

    @Override
    public void account(String account) {
        accountBefore = meta.getAccount(account).orElse(null);
        accountCountable = accountBefore != null;
        containersSeen = objectsSeen = bytesSeen = appliedObjects = appliedBytes = 0;
    }

    @Override
    public void container(String account, String container) {
        containerBefore = meta.getContainer(account, container).orElse(null);
        objects = bytes = 0;
        beforeCount.accept(account, container);
    }

    @Override
    public void object(ObjectVersion version) {
        objects++;
        bytes += version.length();
    }

    @Override
    public void containerDone(String account, String container) {
        containersSeen++;
        objectsSeen += objects;
        bytesSeen += bytes;
        Optional<ContainerInfo> after = meta.getContainer(account, container);
        afterCount.accept(account, container);
        if (containerBefore == null || after.isEmpty() || !sameCounters(containerBefore, after.get())) {
            // Written (or deleted, or created again) while it was counted: what was counted is a mix of
            // before and after. The next cycle tries again; the account cannot be set right either.
            progress.usageSkipped.incrementAndGet();
            accountCountable = false;
            return;
        }
        long dObjects = objects - containerBefore.objectCount();
        long dBytes = bytes - containerBefore.bytesUsed();
        if (dObjects != 0 || dBytes != 0) {
            log.info("usage of {}/{} corrected by {} objects and {} bytes (counted {} objects of {} bytes)",
                    account, container, dObjects, dBytes, objects, bytes);
            meta.adjustContainerUsage(account, container, dObjects, dBytes);
            appliedObjects += dObjects;
            appliedBytes += dBytes;
            progress.usageCorrected.incrementAndGet();
        }
    }

    @Override
    public void accountDone(String account) {
        if (!accountCountable) {
            return;
        }
        AccountInfo now = meta.getAccount(account).orElse(null);
        boolean quiet = now != null && now.containerCount() == accountBefore.containerCount()
                && now.objectCount() == accountBefore.objectCount() + appliedObjects
                && now.bytesUsed() == accountBefore.bytesUsed() + appliedBytes;
        if (!quiet) {
            progress.usageSkipped.incrementAndGet();
            return;
        }
        long dContainers = containersSeen - now.containerCount();
        long dObjects = objectsSeen - now.objectCount();
        long dBytes = bytesSeen - now.bytesUsed();
        if (dContainers != 0 || dObjects != 0 || dBytes != 0) {
            log.info("usage of account {} corrected by {} containers, {} objects and {} bytes", account, dContainers,
                    dObjects, dBytes);
            meta.adjustAccountUsage(account, dContainers, dObjects, dBytes);
            progress.usageCorrected.incrementAndGet();
        }
    }

    @Override
    public void volume(VolumeStore.VolumeRecord volume, Map<Long, VolumeStore.Entry> overlay) {
    }

    @Override
    public void hashJob(VolumeStore.HashJob job) {
    }

    private static boolean sameCounters(ContainerInfo a, ContainerInfo b) {
        return a.created().equals(b.created()) && a.objectCount() == b.objectCount() && a.bytesUsed() == b.bytesUsed();
    }
}
