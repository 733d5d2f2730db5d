package io.tessera.store.embedded;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.ExpiringObject;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PublicLink;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import io.tessera.store.embedded.Keys.Counter;
import io.tessera.store.embedded.Rows.Entity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accounts, containers and settings; object versions are in {@link ObjectTable}. Read-modify-write
 * of one row happens under that row's stripe lock; counters are RocksDB merges in the same batch as
 * the change that moves them (folded by {@link Counters}, so reading them stays cheap).
 */
final class EmbeddedMetadataStore implements MetadataStore {
    private final EmbeddedDb db;
    private final ObjectTable objects;
    private final Striped<Lock> accountLocks = new Striped<>(256, ReentrantLock::new);
    private final Lock settingsLock = new ReentrantLock();
    /** Claims of public link tokens: rare (a publish), so one lock is enough. */
    private final Lock publicLinksLock = new ReentrantLock();

    EmbeddedMetadataStore(EmbeddedDb db, ObjectTable objects) {
        this.db = db;
        this.objects = objects;
    }

    // ---- accounts ----

    @Override
    public Optional<AccountInfo> getAccount(String account) {
        byte[] row = db.get(Cf.ACCOUNTS, Keys.account(account));
        if (row == null) {
            return Optional.empty();
        }
        Entity entity = Rows.decodeEntity(row);
        List<byte[]> counters = db.multiGet(Cf.COUNTERS, List.of(
                Keys.accountCounter(account, Counter.CONTAINERS),
                Keys.accountCounter(account, Counter.OBJECTS),
                Keys.accountCounter(account, Counter.BYTES)));
        return Optional.of(new AccountInfo(account, entity.created(), entity.metadata(),
                Rows.counterValue(counters.get(0)), Rows.counterValue(counters.get(1)), Rows.counterValue(counters.get(2))));
    }

    @Override
    public void ensureAccount(String account, Timestamp created) {
        byte[] key = Keys.account(account);
        Lock lock = accountLocks.get(key);
        lock.lock();
        try {
            if (db.get(Cf.ACCOUNTS, key) == null) {
                db.put(Cf.ACCOUNTS, key, Rows.encodeEntity(new Entity(created, Map.of())));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void updateAccountMetadata(String account, Map<String, String> changes) {
        byte[] key = Keys.account(account);
        Lock lock = accountLocks.get(key);
        lock.lock();
        try {
            byte[] row = db.get(Cf.ACCOUNTS, key);
            Entity current = row == null ? new Entity(Timestamp.now(), Map.of()) : Rows.decodeEntity(row);
            db.put(Cf.ACCOUNTS, key, Rows.encodeEntity(
                    new Entity(current.created(), Rows.applyChanges(current.metadata(), changes))));
        } finally {
            lock.unlock();
        }
    }

    // ---- containers ----

    @Override
    public boolean createContainer(String account, String container, Timestamp created, Map<String, String> metadata) {
        byte[] key = Keys.container(account, container);
        Lock exclusive = objects.containerLock(account, container).writeLock();
        exclusive.lock();
        try {
            if (db.get(Cf.CONTAINERS, key) != null) {
                return false;
            }
            ensureAccount(account, created);
            try (EmbeddedDb.Batch batch = db.batch()) {
                batch.put(Cf.CONTAINERS, key, Rows.encodeEntity(new Entity(created, Rows.applyChanges(Map.of(), metadata))))
                        .add(Keys.accountCounter(account, Counter.CONTAINERS), 1)
                        .write();
            }
            return true;
        } finally {
            exclusive.unlock();
        }
    }

    @Override
    public Optional<ContainerInfo> getContainer(String account, String container) {
        byte[] row = db.get(Cf.CONTAINERS, Keys.container(account, container));
        return Optional.ofNullable(row).map(r -> containerInfo(account, container, Rows.decodeEntity(r),
                db.multiGet(Cf.COUNTERS, containerCounterKeys(account, container)), 0));
    }

    @Override
    public boolean updateContainerMetadata(String account, String container, Map<String, String> changes) {
        byte[] key = Keys.container(account, container);
        Lock exclusive = objects.containerLock(account, container).writeLock();
        exclusive.lock();
        try {
            byte[] row = db.get(Cf.CONTAINERS, key);
            if (row == null) {
                return false;
            }
            Entity current = Rows.decodeEntity(row);
            db.put(Cf.CONTAINERS, key, Rows.encodeEntity(
                    new Entity(current.created(), Rows.applyChanges(current.metadata(), changes))));
            return true;
        } finally {
            exclusive.unlock();
        }
    }

    @Override
    public DeleteContainerOutcome deleteContainer(String account, String container) {
        byte[] key = Keys.container(account, container);
        Lock exclusive = objects.containerLock(account, container).writeLock();
        exclusive.lock();
        try {
            if (db.get(Cf.CONTAINERS, key) == null) {
                return DeleteContainerOutcome.NOT_FOUND;
            }
            if (objects.any(account, container)) {
                return DeleteContainerOutcome.NOT_EMPTY;
            }
            try (EmbeddedDb.Batch batch = db.batch()) {
                batch.delete(Cf.CONTAINERS, key);
                for (byte[] counter : containerCounterKeys(account, container)) {
                    batch.deleteCounter(counter); // zero when empty; a recreated container starts afresh
                }
                batch.add(Keys.accountCounter(account, Counter.CONTAINERS), -1).write();
            }
            return DeleteContainerOutcome.DELETED;
        } finally {
            exclusive.unlock();
        }
    }

    @Override
    public List<ContainerInfo> listContainers(String account, ListQuery query) {
        List<String> names = new ArrayList<>();
        List<Entity> entities = new ArrayList<>();
        for (NameListing.Row row : NameListing.page(db, Cf.CONTAINERS, Keys.account(account), query)) {
            names.add(row.name());
            entities.add(Rows.decodeEntity(row.value()));
        }
        List<byte[]> counterKeys = new ArrayList<>();
        names.forEach(name -> counterKeys.addAll(containerCounterKeys(account, name)));
        List<byte[]> counters = db.multiGet(Cf.COUNTERS, counterKeys);
        List<ContainerInfo> page = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            page.add(containerInfo(account, names.get(i), entities.get(i), counters, 2 * i));
        }
        return page;
    }

    private static List<byte[]> containerCounterKeys(String account, String container) {
        return List.of(Keys.containerCounter(account, container, Counter.OBJECTS),
                Keys.containerCounter(account, container, Counter.BYTES));
    }

    private static ContainerInfo containerInfo(String account, String container, Entity entity,
                                               List<byte[]> counters, int at) {
        return new ContainerInfo(account, container, entity.created(), entity.metadata(),
                Rows.counterValue(counters.get(at)), Rows.counterValue(counters.get(at + 1)));
    }

    // ---- objects ----

    @Override
    public Optional<ObjectVersion> getObject(String account, String container, String name) {
        return objects.get(account, container, name);
    }

    @Override
    public PutOutcome putObject(ObjectVersion version, PutCondition condition) {
        return objects.put(version, condition);
    }

    @Override
    public boolean replaceEtag(ObjectVersion current, String etag) {
        return objects.replaceEtag(current, etag);
    }

    @Override
    public Optional<ObjectVersion> deleteObject(String account, String container, String name, Timestamp timestamp) {
        return objects.delete(account, container, name, timestamp);
    }

    @Override
    public List<ObjectVersion> listObjects(String account, String container, ListQuery query) {
        return objects.list(account, container, query);
    }

    // ---- expiring objects ----

    @Override
    public List<ExpiringObject> dueExpiries(long nowSeconds, int limit) {
        return objects.dueExpiries(nowSeconds, limit);
    }

    @Override
    public void removeExpiry(ExpiringObject entry) {
        objects.removeExpiry(entry);
    }

    // ---- usage reconciliation ----

    @Override
    public void adjustContainerUsage(String account, String container, long objects, long bytes) {
        // Shared, as a put holds it: a container delete (exclusive) cannot drop the counters between the
        // check and the write, which would leave counters of a container that does not exist.
        Lock shared = this.objects.containerLock(account, container).readLock();
        shared.lock();
        try {
            if (db.get(Cf.CONTAINERS, Keys.container(account, container)) == null) {
                return;
            }
            try (EmbeddedDb.Batch batch = db.batch()) {
                ObjectTable.addUsage(batch, account, container, objects, bytes);
                batch.write();
            }
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void adjustAccountUsage(String account, long containers, long objects, long bytes) {
        try (EmbeddedDb.Batch batch = db.batch()) {
            batch.add(Keys.accountCounter(account, Counter.CONTAINERS), containers)
                    .add(Keys.accountCounter(account, Counter.OBJECTS), objects)
                    .add(Keys.accountCounter(account, Counter.BYTES), bytes)
                    .write();
        }
    }

    // ---- path indexes ----

    @Override
    public void putIndexEntry(String partition, String entry, String value) {
        db.put(Cf.PATH_INDEX, Keys.concat(Keys.indexPartition(partition), Keys.utf8(entry)), Keys.utf8(value));
    }

    @Override
    public boolean hasIndexEntry(String partition, String entry) {
        return db.get(Cf.PATH_INDEX, Keys.concat(Keys.indexPartition(partition), Keys.utf8(entry))) != null;
    }

    @Override
    public void removeIndexEntry(String partition, String entry) {
        try (EmbeddedDb.Batch batch = db.batch()) {
            batch.delete(Cf.PATH_INDEX, Keys.concat(Keys.indexPartition(partition), Keys.utf8(entry))).write();
        }
    }

    @Override
    public List<io.tessera.store.IndexEntry> listIndex(String partition, String startAfter, int limit) {
        byte[] base = Keys.indexPartition(partition);
        byte[] from = startAfter == null ? base : Keys.concat(base, Keys.utf8(startAfter), new byte[] {0});
        List<io.tessera.store.IndexEntry> out = new ArrayList<>();
        db.scan(Cf.PATH_INDEX, from, Keys.successorOfPrefix(base), false, Math.min(limit, 1000), (key, value) -> {
            out.add(new io.tessera.store.IndexEntry(
                    new String(key, base.length, key.length - base.length, StandardCharsets.UTF_8),
                    new String(value, StandardCharsets.UTF_8)));
            return true;
        });
        return out;
    }

    // ---- settings ----

    @Override
    public Optional<String> getSetting(String key) {
        return Optional.ofNullable(db.get(Cf.SETTINGS, Keys.utf8(key)))
                .map(value -> new String(value, StandardCharsets.UTF_8));
    }

    @Override
    public String putSettingIfAbsent(String key, String value) {
        settingsLock.lock(); // settings are few and rarely written: one lock is enough
        try {
            Optional<String> current = getSetting(key);
            if (current.isPresent()) {
                return current.get();
            }
            db.put(Cf.SETTINGS, Keys.utf8(key), Keys.utf8(value));
            return value;
        } finally {
            settingsLock.unlock();
        }
    }

    // ---- public links ----

    @Override
    public boolean putPublicLinkIfAbsent(String token, PublicLink target) {
        publicLinksLock.lock();
        try {
            if (db.get(Cf.PUBLIC_LINKS, Keys.utf8(token)) != null) {
                return false;
            }
            db.put(Cf.PUBLIC_LINKS, Keys.utf8(token), Rows.publicLink(target));
            return true;
        } finally {
            publicLinksLock.unlock();
        }
    }

    @Override
    public Optional<PublicLink> getPublicLink(String token) {
        return Optional.ofNullable(db.get(Cf.PUBLIC_LINKS, Keys.utf8(token))).map(Rows::publicLink);
    }

    @Override
    public void removePublicLink(String token) {
        try (EmbeddedDb.Batch batch = db.batch()) {
            batch.delete(Cf.PUBLIC_LINKS, Keys.utf8(token)).write();
        }
    }
}
