package io.tessera.swift.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The middlewares' infocache: read once per TTL, dropped by this server's own writes, bounded. */
class InfoCacheTest {
    private final AtomicInteger containerReads = new AtomicInteger();
    private final Map<String, Long> objects = new java.util.concurrent.ConcurrentHashMap<>();

    /** A store whose container rows count their reads and their objects (what a put changes). */
    private MetadataStore store() {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getContainer" -> {
                        containerReads.incrementAndGet();
                        String c = (String) args[1];
                        yield c.startsWith("missing") ? Optional.empty() : Optional.of(new ContainerInfo("a", c,
                                Timestamp.now(), Map.of(), objects.getOrDefault(c, 0L), 0));
                    }
                    case "getAccount" -> Optional.empty();
                    case "putObject" -> {
                        objects.merge(((ObjectVersion) args[0]).container(), 1L, Long::sum);
                        yield MetadataStore.PutOutcome.PUBLISHED;
                    }
                    case "createContainer", "updateContainerMetadata" -> true;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aRowIsReadOncePerTtlAndAgainAfterThisServersWrite() throws Exception {
        MetadataStore backing = store();
        InfoCache cache = new InfoCache(backing, Duration.ofMinutes(1), 100);
        MetadataStore writes = new InvalidatingMetadataStore(backing, cache);
        for (int i = 0; i < 5; i++) {
            assertThat(cache.container("a", "c").orElseThrow().objectCount()).isZero();
        }
        assertThat(containerReads).hasValue(1);

        writes.putObject(new ObjectVersion("a", "c", "o", Timestamp.now(), null, "etag", "text/plain", Map.of()),
                PutCondition.NONE);
        assertThat(cache.container("a", "c").orElseThrow().objectCount()).as("seen at once").isEqualTo(1);
        assertThat(containerReads).hasValue(2);

        assertThat(cache.container("a", "missing")).isEmpty();
        assertThat(cache.container("a", "missing")).isEmpty();
        assertThat(containerReads).as("an absent row is remembered too").hasValue(3);
        writes.createContainer("a", "missing", Timestamp.now(), Map.of());
        cache.container("a", "missing");
        assertThat(containerReads).as("and forgotten when this server creates it").hasValue(4);
    }

    @Test
    void entriesExpireAndStayBounded() throws Exception {
        InfoCache cache = new InfoCache(store(), Duration.ofMillis(50), 10);
        cache.container("a", "c");
        Thread.sleep(120);
        cache.container("a", "c");
        assertThat(containerReads).as("a change by another frontend is seen after the TTL").hasValue(2);

        for (int i = 0; i < 1_000; i++) {
            cache.container("a", "c" + i);
        }
        int before = containerReads.get();
        cache.container("a", "c0");
        assertThat(containerReads.get()).as("the oldest of 1,000 rows was evicted (10 kept)").isEqualTo(before + 1);
    }

    @Test
    void aReadThatRacesAWriteDoesNotCacheTheOldRow() throws Exception {
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
        MetadataStore counting = store();
        MetadataStore slowFirstRead = (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    Object result = method.invoke(counting, args);
                    if (method.getName().equals("getContainer") && reading.getCount() > 0) {
                        reading.countDown(); // the old row is read; the write lands before it is cached
                        written.await();
                    }
                    return result;
                });
        InfoCache cache = new InfoCache(slowFirstRead, Duration.ofMinutes(1), 100);
        MetadataStore writes = new InvalidatingMetadataStore(slowFirstRead, cache);
        Thread reader = new Thread(() -> cache.container("a", "c"));
        reader.start();
        reading.await();
        writes.putObject(new ObjectVersion("a", "c", "o", Timestamp.now(), null, "etag", "text/plain", Map.of()),
                PutCondition.NONE);
        written.countDown();
        reader.join();
        assertThat(cache.container("a", "c").orElseThrow().objectCount())
                .as("the row the write replaced is not served for a TTL after the writer was answered").isEqualTo(1);
    }
}
