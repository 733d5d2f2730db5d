package io.tessera.swift.context;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Swift's infocache: the account and container rows the middlewares consult (ACLs, quotas, temp URL
 * keys, CORS, static web, versioning, etag quoting), shared across requests for a few seconds so a
 * plain object request does not read them again and again. Bounded in entries. This server's own
 * writes invalidate what they change ({@link InvalidatingMetadataStore}); a change made through another
 * frontend is seen within {@link #TTL}, as with Swift's shared cache.
 *
 * <p>Middlewares read through a request's {@link RequestContext}, which asks here at most once per
 * row. Answers about the rows themselves (a container HEAD or listing, an account HEAD) read the
 * store; the container check before an object write reads it too ({@link #containerFromStore}).
 *
 * <p>A read that races a write must not put back the row the write replaced: a load that began before
 * an invalidation would otherwise cache the old row for a whole TTL after the writer was answered
 * (Guava's own invalidate skips an entry still loading). So every invalidation counts in
 * {@link #invalidations}, and a load that sees the count move while it read drops what it put.
 */
public final class InfoCache implements InfoSource {
    public static final Duration TTL = Duration.ofSeconds(3);
    static final long MAX_ENTRIES = 20_000;

    private final MetadataStore metadata;
    private final Cache<String, Optional<AccountInfo>> accounts;
    private final Cache<ContainerKey, Optional<ContainerInfo>> containers;
    private final AtomicLong invalidations = new AtomicLong();

    private record ContainerKey(String account, String container) {
    }

    public InfoCache(MetadataStore metadata) {
        this(metadata, TTL, MAX_ENTRIES);
    }

    InfoCache(MetadataStore metadata, Duration ttl, long maxEntries) {
        this.metadata = metadata;
        this.accounts = CacheBuilder.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).build();
        this.containers = CacheBuilder.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).build();
    }

    @Override
    public Optional<AccountInfo> account(String account) {
        return cached(accounts, account, () -> metadata.getAccount(account));
    }

    @Override
    public Optional<ContainerInfo> container(String account, String container) {
        return cached(containers, new ContainerKey(account, container), () -> metadata.getContainer(account, container));
    }

    /**
     * The container's row as the store has it now, for a check that must not act on a row up to
     * {@link #TTL} old (may an object be written into it?); the cache keeps what was read.
     */
    Optional<ContainerInfo> containerFromStore(String account, String container) {
        return load(containers, new ContainerKey(account, container), () -> metadata.getContainer(account, container));
    }

    /** Moves on every invalidation: a row read when it had another value may be out of date. */
    long generation() {
        return invalidations.get();
    }

    private <K, V> V cached(Cache<K, V> cache, K key, Supplier<V> load) {
        V hit = cache.getIfPresent(key);
        return hit != null ? hit : load(cache, key, load);
    }

    private <K, V> V load(Cache<K, V> cache, K key, Supplier<V> load) {
        long before = invalidations.get();
        V loaded = load.get();
        cache.put(key, loaded);
        if (invalidations.get() != before) {
            cache.invalidate(key); // a write landed while we read: what we read may be the old row
        }
        return loaded;
    }

    void invalidateAccount(String account) {
        invalidations.incrementAndGet();
        accounts.invalidate(account);
    }

    void invalidateContainer(String account, String container) {
        invalidations.incrementAndGet();
        containers.invalidate(new ContainerKey(account, container));
        accounts.invalidate(account); // its counters move with the container's
    }

    void invalidateAll() {
        invalidations.incrementAndGet();
        accounts.invalidateAll();
        containers.invalidateAll();
    }
}
