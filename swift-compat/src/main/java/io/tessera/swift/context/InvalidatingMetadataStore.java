package io.tessera.swift.context;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.ExpiringObject;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata store as the Swift API writes it: every write passes through to the store, then drops
 * what it changed from the {@link InfoCache}. Being the only way the API writes, it is the one home of
 * the cache's invalidation. Reads are the store's own (fresh).
 */
final class InvalidatingMetadataStore implements MetadataStore {
    private final MetadataStore store;
    private final InfoCache cache;

    InvalidatingMetadataStore(MetadataStore store, InfoCache cache) {
        this.store = store;
        this.cache = cache;
    }

    @Override
    public Optional<AccountInfo> getAccount(String account) {
        return store.getAccount(account);
    }

    @Override
    public void ensureAccount(String account, Timestamp created) {
        store.ensureAccount(account, created);
        cache.invalidateAccount(account);
    }

    @Override
    public void updateAccountMetadata(String account, Map<String, String> changes) {
        store.updateAccountMetadata(account, changes);
        cache.invalidateAccount(account);
    }

    @Override
    public boolean createContainer(String account, String container, Timestamp created, Map<String, String> metadata) {
        try {
            return store.createContainer(account, container, created, metadata);
        } finally {
            cache.invalidateContainer(account, container);
        }
    }

    @Override
    public Optional<ContainerInfo> getContainer(String account, String container) {
        return store.getContainer(account, container);
    }

    @Override
    public boolean updateContainerMetadata(String account, String container, Map<String, String> changes) {
        try {
            return store.updateContainerMetadata(account, container, changes);
        } finally {
            cache.invalidateContainer(account, container);
        }
    }

    @Override
    public DeleteContainerOutcome deleteContainer(String account, String container) {
        try {
            return store.deleteContainer(account, container);
        } finally {
            cache.invalidateContainer(account, container);
        }
    }

    @Override
    public List<ContainerInfo> listContainers(String account, ListQuery query) {
        return store.listContainers(account, query);
    }

    @Override
    public Optional<ObjectVersion> getObject(String account, String container, String name) {
        return store.getObject(account, container, name);
    }

    @Override
    public PutOutcome putObject(ObjectVersion version, PutCondition condition) {
        try {
            return store.putObject(version, condition);
        } finally {
            cache.invalidateContainer(version.account(), version.container());
        }
    }

    @Override
    public boolean replaceEtag(ObjectVersion current, String etag) {
        return store.replaceEtag(current, etag); // no account or container row changes
    }

    @Override
    public Optional<ObjectVersion> deleteObject(String account, String container, String name, Timestamp timestamp) {
        try {
            return store.deleteObject(account, container, name, timestamp);
        } finally {
            cache.invalidateContainer(account, container);
        }
    }

    @Override
    public List<ObjectVersion> listObjects(String account, String container, ListQuery query) {
        return store.listObjects(account, container, query);
    }

    @Override
    public List<ExpiringObject> dueExpiries(long nowSeconds, int limit) {
        return store.dueExpiries(nowSeconds, limit);
    }

    @Override
    public void removeExpiry(ExpiringObject entry) {
        store.removeExpiry(entry);
    }

    @Override
    public long removeUnreachableObjects() {
        try {
            return store.removeUnreachableObjects();
        } finally {
            cache.invalidateAll();
        }
    }

    @Override
    public void adjustContainerUsage(String account, String container, long objects, long bytes) {
        store.adjustContainerUsage(account, container, objects, bytes);
        cache.invalidateContainer(account, container);
    }

    @Override
    public void adjustAccountUsage(String account, long containers, long objects, long bytes) {
        store.adjustAccountUsage(account, containers, objects, bytes);
        cache.invalidateAccount(account);
    }

    @Override
    public Optional<String> getSetting(String key) {
        return store.getSetting(key);
    }

    @Override
    public String putSettingIfAbsent(String key, String value) {
        return store.putSettingIfAbsent(key, value);
    }

    @Override
    public boolean putPublicLinkIfAbsent(String token, io.tessera.store.PublicLink target) {
        return store.putPublicLinkIfAbsent(token, target);
    }

    @Override
    public Optional<io.tessera.store.PublicLink> getPublicLink(String token) {
        return store.getPublicLink(token);
    }

    @Override
    public void removePublicLink(String token) {
        store.removePublicLink(token);
    }

    @Override
    public void putIndexEntry(String partition, String entry, String value) {
        store.putIndexEntry(partition, entry, value);
    }

    @Override
    public boolean hasIndexEntry(String partition, String entry) {
        return store.hasIndexEntry(partition, entry);
    }

    @Override
    public void removeIndexEntry(String partition, String entry) {
        store.removeIndexEntry(partition, entry);
    }

    @Override
    public List<io.tessera.store.IndexEntry> listIndex(String partition, String startAfter, int limit) {
        return store.listIndex(partition, startAfter, limit);
    }
}
