package io.tessera.store.embedded;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.tessera.store.ExpiringObject;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.MetadataStore.PutOutcome;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import io.tessera.store.embedded.Keys.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Object versions: one row per name ({@code account|container|name}), holding the current version.
 *
 * <p>Each change of a name runs read-decide-write under that name's lock, so last-write-wins and
 * IF_ABSENT are exact on this node, and writes the row plus the counter deltas of its container and
 * account in one batch, so the counters are exact too. Object changes hold their container's lock
 * shared; deleting a container holds it exclusively, so "empty" cannot change under its check.
 */
final class ObjectTable {
    private final EmbeddedDb db;
    private final Striped<ReadWriteLock> containerLocks = new Striped<>(256, ReentrantReadWriteLock::new);
    private final Striped<Lock> objectLocks = new Striped<>(1024, ReentrantLock::new);
    private final Timer putTimer;

    ObjectTable(EmbeddedDb db, MetricRegistry metrics) {
        this.db = db;
        this.putTimer = metrics.timer(EmbeddedStore.METRICS + "object.put");
    }

    ReadWriteLock containerLock(String account, String container) {
        return containerLocks.get(Keys.objectsOf(account, container));
    }

    Optional<ObjectVersion> get(String account, String container, String name) {
        byte[] row = db.get(Cf.OBJECTS, Keys.object(account, container, name));
        return Optional.ofNullable(row).map(r -> Rows.decodeObject(account, container, name, r));
    }

    PutOutcome put(ObjectVersion version, PutCondition condition) {
        String account = version.account();
        String container = version.container();
        byte[] key = Keys.object(account, container, version.name());
        try (Timer.Context ignored = putTimer.time()) {
            Lock shared = containerLock(account, container).readLock();
            Lock mine = objectLocks.get(key);
            shared.lock();
            mine.lock();
            try {
                if (db.get(Cf.CONTAINERS, Keys.container(account, container)) == null) {
                    throw new io.tessera.store.NoSuchContainerException(account, container);
                }
                Optional<ObjectVersion> current = get(account, container, version.name());
                if (current.isPresent()) {
                    if (condition == PutCondition.IF_ABSENT) {
                        return PutOutcome.EXISTS;
                    }
                    if (current.get().timestamp().isAfter(version.timestamp())) {
                        return PutOutcome.SUPERSEDED;
                    }
                }
                try (EmbeddedDb.Batch batch = db.batch()) {
                    batch.put(Cf.OBJECTS, key, Rows.encodeObject(version));
                    long deleteAt = MetadataStore.deleteAtOf(version);
                    if (deleteAt >= 0) {
                        batch.put(Cf.EXPIRY, Keys.expiry(new ExpiringObject(deleteAt, account, container,
                                version.name(), version.timestamp())), new byte[0]);
                    }
                    addUsage(batch, account, container, current.isEmpty() ? 1 : 0,
                            version.length() - current.map(ObjectVersion::length).orElse(0L));
                    batch.write();
                }
                return PutOutcome.PUBLISHED;
            } finally {
                mine.unlock();
                shared.unlock();
            }
        }
    }

    boolean replaceEtag(ObjectVersion current, String etag) {
        byte[] key = Keys.object(current.account(), current.container(), current.name());
        Lock shared = containerLock(current.account(), current.container()).readLock();
        Lock mine = objectLocks.get(key);
        shared.lock();
        mine.lock();
        try {
            Optional<ObjectVersion> now = get(current.account(), current.container(), current.name());
            if (now.isEmpty() || !now.get().timestamp().equals(current.timestamp()) || !now.get().map().equals(current.map())
                    || !now.get().etag().equals(current.etag())) {
                return false;
            }
            ObjectVersion v = now.get();
            try (EmbeddedDb.Batch batch = db.batch()) {
                batch.put(Cf.OBJECTS, key, Rows.encodeObject(new ObjectVersion(v.account(), v.container(), v.name(),
                        v.timestamp(), v.map(), etag, v.contentType(), v.metadata())));
                batch.write();
            }
            return true;
        } finally {
            mine.unlock();
            shared.unlock();
        }
    }

    Optional<ObjectVersion> delete(String account, String container, String name, Timestamp timestamp) {
        byte[] key = Keys.object(account, container, name);
        Lock shared = containerLock(account, container).readLock();
        Lock mine = objectLocks.get(key);
        shared.lock();
        mine.lock();
        try {
            Optional<ObjectVersion> current = get(account, container, name);
            if (current.isEmpty() || current.get().timestamp().isAfter(timestamp)) {
                return Optional.empty();
            }
            try (EmbeddedDb.Batch batch = db.batch()) {
                batch.delete(Cf.OBJECTS, key);
                addUsage(batch, account, container, -1, -current.get().length());
                batch.write();
            }
            return current;
        } finally {
            mine.unlock();
            shared.unlock();
        }
    }

    List<ExpiringObject> dueExpiries(long nowSeconds, int limit) {
        List<ExpiringObject> due = new ArrayList<>();
        db.scan(Cf.EXPIRY, new byte[0], Keys.expiryAfter(nowSeconds), false, limit,
                (key, value) -> due.add(Keys.expiryOf(key)));
        return due;
    }

    void removeExpiry(ExpiringObject entry) {
        try (EmbeddedDb.Batch batch = db.batch()) {
            batch.delete(Cf.EXPIRY, Keys.expiry(entry)).write();
        }
    }

    /** Whether the container holds any object (callers hold its lock exclusively). */
    boolean any(String account, String container) {
        return db.anyWithPrefix(Cf.OBJECTS, Keys.objectsOf(account, container));
    }

    List<ObjectVersion> list(String account, String container, ListQuery query) {
        List<NameListing.Row> rows = NameListing.page(db, Cf.OBJECTS, Keys.objectsOf(account, container), query);
        List<ObjectVersion> page = new ArrayList<>(rows.size());
        for (NameListing.Row row : rows) {
            page.add(Rows.decodeObject(account, container, row.name(), row.value()));
        }
        return page;
    }

    static void addUsage(EmbeddedDb.Batch batch, String account, String container, long objects, long bytes) {
        batch.add(Keys.containerCounter(account, container, Counter.OBJECTS), objects)
                .add(Keys.containerCounter(account, container, Counter.BYTES), bytes)
                .add(Keys.accountCounter(account, Counter.OBJECTS), objects)
                .add(Keys.accountCounter(account, Counter.BYTES), bytes);
    }
}
