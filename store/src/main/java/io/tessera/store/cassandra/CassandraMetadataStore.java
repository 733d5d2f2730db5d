package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.ExpiringObject;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PublicLink;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import io.tessera.store.cassandra.UsageCounters.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Accounts, containers and settings; objects are in {@link ObjectTable}.
 *
 * <p>Only the two operations the SPI marks as compare-and-set use lightweight transactions (IF_ABSENT
 * puts, in ObjectTable, and {@link #putSettingIfAbsent}); creating an account or container is a read and
 * then an idempotent write, so two racing creators may both report "created" and the later one's
 * metadata wins whole (the create replaces the metadata map). Metadata changes are map-element
 * additions and removals in one single-partition batch: no read, and concurrent changes to different
 * keys both survive.
 */
final class CassandraMetadataStore implements MetadataStore {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CassandraMetadataStore.class);
    private final Cql cql;
    private final UsageCounters usage;
    private final ObjectTable objects;
    private final ExpiryIndex expiries;
    private final PreparedStatement selectAccount;
    private final PreparedStatement createAccount;
    private final PreparedStatement addAccountMeta;
    private final PreparedStatement removeAccountMeta;
    private final PreparedStatement selectContainer;
    private final PreparedStatement createContainer;
    private final PreparedStatement addContainerMeta;
    private final PreparedStatement removeContainerMeta;
    private final PreparedStatement deleteContainer;
    private final PreparedStatement allContainers;
    private volatile long lastPassLivenessChecks;
    private final PreparedStatement[] containerSlices = new PreparedStatement[4];
    private final PreparedStatement selectUsageRange;
    private final PreparedStatement selectSetting;
    private final PreparedStatement insertSetting;
    private final PreparedStatement selectPublicLink;
    private final PreparedStatement insertPublicLink;
    private final PreparedStatement deletePublicLink;
    private final PreparedStatement putIndex;
    private final PreparedStatement removeIndex;
    private final PreparedStatement listIndexFirst;
    private final PreparedStatement hasIndexEntry;
    private final PreparedStatement listIndexAfter;

    /** A container row as listed; {@code created} is null for a row left by a change racing a delete. */
    private record ContainerRow(String name, Row row) {
        boolean exists() {
            return !row.isNull("created");
        }
    }

    CassandraMetadataStore(Cql cql, UsageCounters usage, ObjectTable objects, ExpiryIndex expiries) {
        this.cql = cql;
        this.expiries = expiries;
        this.usage = usage;
        this.objects = objects;
        selectAccount = cql.prepare("SELECT created, metadata FROM {ks}.accounts WHERE account = ?");
        createAccount = cql.prepare("UPDATE {ks}.accounts SET created = ? WHERE account = ?");
        addAccountMeta = cql.prepare("UPDATE {ks}.accounts SET metadata = metadata + ? WHERE account = ?");
        removeAccountMeta = cql.prepare("UPDATE {ks}.accounts SET metadata = metadata - ? WHERE account = ?");
        String containerKey = " WHERE account = ? AND container = ?";
        selectContainer = cql.prepare("SELECT container, created, metadata, incarnation FROM {ks}.containers" + containerKey);
        // Create and delete are compare-and-sets, serialized by Paxos: of two creates of one name one wins (the
        // other's incarnation would otherwise replace it and orphan what was put under the first), and a
        // delete removes only the incarnation it found empty.
        createContainer = cql.prepare("UPDATE {ks}.containers SET created = ?, metadata = ?, incarnation = ?" + containerKey
                + " IF created = null");
        addContainerMeta = cql.prepare("UPDATE {ks}.containers SET metadata = metadata + ?" + containerKey);
        removeContainerMeta = cql.prepare("UPDATE {ks}.containers SET metadata = metadata - ?" + containerKey);
        deleteContainer = cql.prepare("DELETE FROM {ks}.containers" + containerKey + " IF incarnation = ?");
        String slice = "SELECT container, created, metadata, incarnation FROM {ks}.containers WHERE account = ? AND container >= ?";
        containerSlices[0] = cql.prepare(slice + " ORDER BY container ASC LIMIT ?");
        containerSlices[1] = cql.prepare(slice + " AND container < ? ORDER BY container ASC LIMIT ?");
        containerSlices[2] = cql.prepare(slice + " ORDER BY container DESC LIMIT ?");
        containerSlices[3] = cql.prepare(slice + " AND container < ? ORDER BY container DESC LIMIT ?");
        selectUsageRange = cql.prepare("SELECT container, objects, bytes FROM {ks}.container_usage"
                + " WHERE account = ? AND container >= ? AND container < ?");
        allContainers = cql.prepare("SELECT account, container, created, incarnation FROM {ks}.containers");
        selectSetting = cql.prepare("SELECT value FROM {ks}.settings WHERE key = ?");
        putIndex = cql.prepare("INSERT INTO {ks}.path_index (part, entry, value) VALUES (?, ?, ?)");
        removeIndex = cql.prepare("DELETE FROM {ks}.path_index WHERE part = ? AND entry = ?");
        listIndexFirst = cql.prepare("SELECT entry, value FROM {ks}.path_index WHERE part = ? LIMIT ?");
        hasIndexEntry = cql.prepare("SELECT entry FROM {ks}.path_index WHERE part = ? AND entry = ?");
        listIndexAfter = cql.prepare("SELECT entry, value FROM {ks}.path_index WHERE part = ? AND entry > ? LIMIT ?");
        insertSetting = cql.prepare("INSERT INTO {ks}.settings (key, value) VALUES (?, ?) IF NOT EXISTS");
        selectPublicLink = cql.prepare("SELECT account, container, object FROM {ks}.public_links WHERE id = ?");
        insertPublicLink = cql.prepare("INSERT INTO {ks}.public_links (id, account, container, object)"
                + " VALUES (?, ?, ?, ?) IF NOT EXISTS");
        // Rows of this table are written by LWT only: a plain delete's client timestamp could fall below the
        // insert's Paxos timestamp and be shadowed by it.
        deletePublicLink = cql.prepare("DELETE FROM {ks}.public_links WHERE id = ? IF EXISTS");
    }

    // ---- accounts ----

    @Override
    public Optional<AccountInfo> getAccount(String account) {
        Row row = cql.execute(selectAccount.bind(account).setIdempotent(true), "reading account " + account).one();
        if (row == null || row.isNull("created")) {
            return Optional.empty();
        }
        Usage u = usage.account(account);
        return Optional.of(new AccountInfo(account, new Timestamp(row.getLong("created")), metadata(row),
                u.containers(), u.objects(), u.bytes()));
    }

    @Override
    public void ensureAccount(String account, Timestamp created) {
        Row row = cql.execute(selectAccount.bind(account).setIdempotent(true), "reading account " + account).one();
        if (row == null || row.isNull("created")) {
            cql.execute(createAccount.bind(created.micros(), account).setIdempotent(true), "creating account " + account);
        }
    }

    @Override
    public void updateAccountMetadata(String account, Map<String, String> changes) {
        ensureAccount(account, Timestamp.now());
        applyChanges(changes, addAccountMeta, removeAccountMeta, account);
    }

    // ---- containers ----

    @Override
    public boolean createContainer(String account, String container, Timestamp created, Map<String, String> metadata) {
        ensureAccount(account, created);
        if (readContainer(account, container).isPresent()) {
            return false;
        }
        // Replacing the whole map also clears any metadata a change racing an earlier delete left behind.
        // A new incarnation: rows a put left under an earlier one of this name stay unreachable.
        Row applied = cql.execute(createContainer.bind(created.micros(), withoutRemovals(metadata),
                        ContainerKey.newIncarnation(), account, container).setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL),
                "creating container " + account + "/" + container).one();
        if (applied != null && !applied.getBoolean("[applied]")) {
            return false; // a racing create made it first: keep its incarnation
        }
        usage.addContainers(account, 1);
        return true;
    }

    @Override
    public Optional<ContainerInfo> getContainer(String account, String container) {
        return readContainer(account, container).map(row -> {
            Usage u = usage.container(account, keyOf(container, row).key());
            return toInfo(account, container, row, u);
        });
    }

    @Override
    public boolean updateContainerMetadata(String account, String container, Map<String, String> changes) {
        if (readContainer(account, container).isEmpty()) {
            return false;
        }
        applyChanges(changes, addContainerMeta, removeContainerMeta, account, container);
        return true;
    }

    @Override
    public DeleteContainerOutcome deleteContainer(String account, String container) {
        Optional<ContainerKey> key = containerKey(account, container);
        if (key.isEmpty()) {
            return DeleteContainerOutcome.NOT_FOUND;
        }
        // The rows decide, not the counters, which may drift. A put that read the container's key before
        // this delete may still write under it after: its row is unreachable (no container has that key
        // any more) and the collector's pass (removeUnreachableObjects) deletes it.
        if (objects.anyLive(account, key.get())) {
            return DeleteContainerOutcome.NOT_EMPTY;
        }
        Row applied = cql.execute(deleteContainer.bind(account, container, key.get().incarnation())
                .setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL), "deleting container " + account + "/" + container).one();
        if (applied != null && !applied.getBoolean("[applied]")) {
            // Deleted, or deleted and created again, since it was read: decide again on what is there now.
            return deleteContainer(account, container);
        }
        usage.deleteContainer(account, key.get().key());
        return DeleteContainerOutcome.DELETED;
    }

    @Override
    public List<ContainerInfo> listContainers(String account, ListQuery query) {
        // One account's containers share a partition; the merge over one "shard" gives paging with
        // refetch past rows left by deletes.
        List<ContainerRow> rows = new ShardedListing<ContainerRow>(cql, 1,
                (shard, range, reverse, limit) -> fetchContainers(account, range, reverse, limit),
                ContainerRow::name, ContainerRow::exists).list(query);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Usage> usages = usageOf(account, rows.get(0).name(), rows.get(rows.size() - 1).name(), query.reverse());
        List<ContainerInfo> page = new ArrayList<>(rows.size());
        for (ContainerRow r : rows) {
            page.add(toInfo(account, r.name(), r.row(), usages.getOrDefault(keyOf(r.name(), r.row()).key(), Usage.ZERO)));
        }
        return page;
    }

    // ---- objects ----

    @Override
    public Optional<ObjectVersion> getObject(String account, String container, String name) {
        return containerKey(account, container).flatMap(key -> objects.get(account, key, name));
    }

    @Override
    public PutOutcome putObject(ObjectVersion version, PutCondition condition) {
        // The container row gives the key the object's partition is under (ContainerKey).
        ContainerKey key = containerKey(version.account(), version.container()).orElseThrow(() ->
                new io.tessera.store.NoSuchContainerException(version.account(), version.container()));
        return objects.put(version, condition, key);
    }

    @Override
    public boolean replaceEtag(ObjectVersion current, String etag) {
        return containerKey(current.account(), current.container())
                .map(key -> objects.replaceEtag(current, etag, key)).orElse(false);
    }

    @Override
    public Optional<ObjectVersion> deleteObject(String account, String container, String name, Timestamp timestamp) {
        return containerKey(account, container).flatMap(key -> objects.delete(account, key, name, timestamp));
    }

    @Override
    public List<ObjectVersion> listObjects(String account, String container, ListQuery query) {
        return containerKey(account, container).map(key -> objects.list(account, key, query)).orElse(List.of());
    }

    @Override
    public long removeUnreachableObjects() {
        LiveContainerKeys live = LiveContainerKeys.scan(cql, allContainers);
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        long removed = objects.removeUnreachable((account, key) -> {
            if (live.mightBeLive(account, key)) {
                return true; // kept this pass; were it dead after all, a later pass (a new salt) finds it
            }
            reads.incrementAndGet();
            return isLiveKey(account, key); // a container created since the scan is live
        });
        lastPassLivenessChecks = reads.get();
        log.info("unreachable-rows pass: {} live versions removed, {} container keys checked by reading their rows"
                + " (a {}-byte filter of the keys at the scan answered the rest)", removed, reads.get(), live.sizeBytes());
        return removed;
    }

    /** How many keys the last unreachable-rows pass checked by reading container rows (for tests). */
    long lastPassLivenessChecks() {
        return lastPassLivenessChecks;
    }

    /**
     * Whether a container has {@code key} now: a container created before migration 5 named {@code key}
     * (no incarnation), or the container whose name and incarnation {@code key} is made of. Read from
     * the container rows, never inferred from the key alone (hidden names hold U+0000 too).
     */
    private boolean isLiveKey(String account, String key) {
        if (readContainer(account, key).filter(row -> row.isNull("incarnation")).isPresent()) {
            return true;
        }
        String name = ContainerKey.nameIfIncarnated(key);
        return name != null && readContainer(account, name)
                .filter(row -> ContainerKey.incarnationOf(key).equals(row.getString("incarnation"))).isPresent();
    }

    // ---- usage reconciliation ----

    @Override
    public void adjustContainerUsage(String account, String container, long objects, long bytes) {
        // Under the key the container has now: a container created again meanwhile has a row of its own.
        containerKey(account, container).ifPresent(key -> usage.addObjects(account, key.key(), objects, bytes));
    }

    @Override
    public void adjustAccountUsage(String account, long containers, long objects, long bytes) {
        usage.addAccount(account, containers, objects, bytes);
    }

    // ---- expiring objects ----

    @Override
    public List<ExpiringObject> dueExpiries(long nowSeconds, int limit) {
        return expiries.due(nowSeconds, limit);
    }

    @Override
    public void removeExpiry(ExpiringObject entry) {
        expiries.remove(entry);
    }

    // ---- path indexes ----

    @Override
    public void putIndexEntry(String partition, String entry, String value) {
        cql.execute(putIndex.bind(partition, entry, value).setIdempotent(true), "writing index entry " + partition);
    }

    @Override
    public boolean hasIndexEntry(String partition, String entry) {
        return cql.execute(hasIndexEntry.bind(partition, entry).setIdempotent(true), "reading index " + partition).one() != null;
    }

    @Override
    public void removeIndexEntry(String partition, String entry) {
        cql.execute(removeIndex.bind(partition, entry).setIdempotent(true), "removing index entry " + partition);
    }

    @Override
    public List<io.tessera.store.IndexEntry> listIndex(String partition, String startAfter, int limit) {
        int n = Math.max(1, Math.min(limit, 1000));
        var rows = cql.execute((startAfter == null ? listIndexFirst.bind(partition, n)
                : listIndexAfter.bind(partition, startAfter, n)).setIdempotent(true), "listing index " + partition);
        List<io.tessera.store.IndexEntry> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        for (Row r : rows.currentPage()) {
            out.add(new io.tessera.store.IndexEntry(r.getString("entry"), r.getString("value")));
        }
        return out;
    }

    // ---- settings ----

    @Override
    public Optional<String> getSetting(String key) {
        // Settings are written by LWT: a serial read also completes any LWT left half done.
        Row row = cql.execute(selectSetting.bind(key).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL)
                .setIdempotent(true), "reading setting " + key).one();
        return row == null ? Optional.empty() : Optional.ofNullable(row.getString("value"));
    }

    @Override
    public String putSettingIfAbsent(String key, String value) {
        Row row = cql.execute(insertSetting.bind(key, value).setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL),
                "storing setting " + key).one();
        return row == null || row.getBoolean("[applied]") ? value : row.getString("value");
    }

    // ---- public links ----

    @Override
    public boolean putPublicLinkIfAbsent(String token, PublicLink target) {
        Row row = cql.execute(insertPublicLink.bind(token, target.account(), target.container(), target.object())
                .setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL), "claiming a public link").one();
        return row == null || row.getBoolean("[applied]");
    }

    @Override
    public Optional<PublicLink> getPublicLink(String token) {
        // A plain LOCAL_QUORUM read, not a serial one: the claim's LWT committed at quorum before the object's
        // row could name the token, and a reader that misses a half-done claim finds no row naming it anyway.
        Row row = cql.execute(selectPublicLink.bind(token).setIdempotent(true), "reading a public link").one();
        if (row == null || row.isNull("account") || row.isNull("container") || row.isNull("object")) {
            return Optional.empty();
        }
        return Optional.of(new PublicLink(row.getString("account"), row.getString("container"), row.getString("object")));
    }

    @Override
    public void removePublicLink(String token) {
        cql.execute(deletePublicLink.bind(token).setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL),
                "removing a public link");
    }

    // ---- internals ----

    private Optional<Row> readContainer(String account, String container) {
        Row row = cql.execute(selectContainer.bind(account, container).setIdempotent(true),
                "reading container " + account + "/" + container).one();
        return row == null || row.isNull("created") ? Optional.empty() : Optional.of(row);
    }

    /** The key of an existing container's rows, or empty if there is no such container. */
    private Optional<ContainerKey> containerKey(String account, String container) {
        return readContainer(account, container).map(row -> keyOf(container, row));
    }

    private static ContainerKey keyOf(String container, Row row) {
        return ContainerKey.of(container, row.getString("incarnation"));
    }

    private CompletionStage<List<ContainerRow>> fetchContainers(String account, NameRange range, boolean reverse, int limit) {
        BoundStatement st = range.upper() == null
                ? containerSlices[reverse ? 2 : 0].bind(account, range.lower(), limit)
                : containerSlices[reverse ? 3 : 1].bind(account, range.lower(), range.upper(), limit);
        return cql.executeAsync(st.setIdempotent(true).setPageSize(limit)).thenApply(rs -> {
            List<ContainerRow> rows = new ArrayList<>();
            rs.currentPage().forEach(row -> rows.add(new ContainerRow(row.getString("container"), row)));
            return rows;
        });
    }

    /**
     * The counters of every container from {@code first} to {@code last}, by container key: one slice
     * of the account's partition. The keys of a name n are n and n + U+0000..., all below n + U+0001.
     */
    private Map<String, Usage> usageOf(String account, String first, String last, boolean reverse) {
        String low = reverse ? last : first;
        String high = (reverse ? first : last) + "\u0001";
        Map<String, Usage> usages = new HashMap<>();
        List<Row> rows = cql.await(CassandraMapStore.allRows(
                cql.executeAsync(selectUsageRange.bind(account, low, high).setIdempotent(true))), "reading usage of " + account);
        for (Row row : rows) {
            usages.put(row.getString("container"), UsageCounters.toUsage(row, false));
        }
        return usages;
    }

    private static ContainerInfo toInfo(String account, String container, Row row, Usage u) {
        return new ContainerInfo(account, container, new Timestamp(row.getLong("created")), metadata(row),
                u.objects(), u.bytes());
    }

    private static Map<String, String> metadata(Row row) {
        Map<String, String> m = row.getMap("metadata", String.class, String.class);
        return m == null ? Map.of() : m;
    }

    /** Sets the non-empty values and removes the keys given with an empty value, in one atomic batch. */
    private void applyChanges(Map<String, String> changes, PreparedStatement add, PreparedStatement remove,
                              String... key) {
        Map<String, String> set = withoutRemovals(changes);
        Set<String> removed = new HashSet<>();
        changes.forEach((k, v) -> {
            if (v == null || v.isEmpty()) {
                removed.add(k);
            }
        });
        BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED).setIdempotence(true);
        if (!set.isEmpty()) {
            batch.addStatement(add.bind(prepend(set, key)));
        }
        if (!removed.isEmpty()) {
            batch.addStatement(remove.bind(prepend(removed, key)));
        }
        if (batch.getStatementsCount() > 0) {
            cql.execute(batch.build(), "changing metadata of " + String.join("/", key));
        }
    }

    private static Map<String, String> withoutRemovals(Map<String, String> changes) {
        Map<String, String> set = new HashMap<>();
        changes.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                set.put(k, v);
            }
        });
        return set;
    }

    private static Object[] prepend(Object first, String[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
