package io.tessera.swift.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.SwiftConstraints;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One context per request: its path parsed once, and the rows of its own account and container read
 * at most once however many middlewares ask, again only after this server changed rows. The shared
 * cache here keeps nothing (TTL zero), so every read that reaches it reaches the store and is counted.
 */
class RequestContextTest {
    private final AtomicInteger containerReads = new AtomicInteger();
    private final AtomicInteger accountReads = new AtomicInteger();
    private final MetadataStore store = (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
            new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getContainer" -> {
                    containerReads.incrementAndGet();
                    yield Optional.of(new ContainerInfo((String) args[0], (String) args[1], Timestamp.now(), Map.of(),
                            containerReads.get(), 0));
                }
                case "getAccount" -> {
                    accountReads.incrementAndGet();
                    yield Optional.empty();
                }
                case "putObject" -> MetadataStore.PutOutcome.PUBLISHED;
                default -> throw new UnsupportedOperationException(method.getName());
            });
    private final InfoCache uncached = new InfoCache(store, Duration.ZERO, 100);
    private final MetadataStore writes = new InvalidatingMetadataStore(store, uncached);

    private RequestContext arriving(String rawPath) {
        return RequestContext.arriving("PUT", rawPath, null, uncached, SwiftConstraints.DEFAULTS);
    }

    @Test
    void theRowsOfTheRequestsOwnPathAreReadOnceHoweverManyMiddlewaresAsk() {
        RequestContext context = arriving("/v1/AUTH_a/c/o");
        for (int i = 0; i < 5; i++) { // authorization, quotas, CORS, etag quoting, temp URL keys...
            context.container("AUTH_a", "c");
            context.account("AUTH_a");
        }
        assertThat(containerReads).hasValue(1);
        assertThat(accountReads).hasValue(1);
        // Without a context each of them asked the shared cache: here, five reads of each.
        for (int i = 0; i < 5; i++) {
            uncached.container("AUTH_a", "c");
        }
        assertThat(containerReads).hasValue(6);
    }

    @Test
    void aWriteByThisServerDuringTheRequestIsSeenByWhatAsksAfterIt() {
        RequestContext context = arriving("/v1/AUTH_a/c/o");
        long before = context.container("AUTH_a", "c").orElseThrow().objectCount();
        writes.putObject(new ObjectVersion("AUTH_a", "c", "o", Timestamp.now(), null, "etag", "text/plain", Map.of()),
                PutCondition.NONE);
        assertThat(context.container("AUTH_a", "c").orElseThrow().objectCount()).isGreaterThan(before);
        assertThat(containerReads).hasValue(2);
    }

    @Test
    void theWriteChecksRowComesFromTheStoreOnceAndServesTheRestOfTheRequest() {
        InfoCache caching = new InfoCache(store, Duration.ofMinutes(1), 100);
        caching.container("AUTH_a", "c"); // a row another frontend may since have deleted
        RequestContext context = RequestContext.arriving("PUT", "/v1/AUTH_a/c/o", null, caching, SwiftConstraints.DEFAULTS);
        context.containerFromStore("AUTH_a", "c"); // the object write's check
        context.fromStore().container("AUTH_a", "c"); // legacy versioning
        context.fromStore().container("AUTH_a", "c"); // object versioning
        context.container("AUTH_a", "c"); // quotas
        assertThat(containerReads).as("one read before the request, one for it").hasValue(2);
    }

    @Test
    void rowsOfOtherContainersAreNotHeldByTheRequest() {
        RequestContext context = arriving("/v1/AUTH_a/c/o");
        for (int i = 0; i < 1_000; i++) { // a bulk delete, a manifest's segments
            context.container("AUTH_a", "segments" + i);
        }
        context.container("AUTH_a", "segments0");
        assertThat(containerReads).as("each from the shared cache, none kept here").hasValue(1_001);
    }

    @Test
    void thePathIsParsedOnceAndARefusedPathIsSwiftsAnswer() {
        RequestContext object = arriving("/v1/AUTH_a/c/dir//o/");
        assertThat(object.path().object()).isEqualTo("dir//o/");
        assertThat(object.endsWithSlash()).isTrue();
        assertThat(object.forObject("index.html").path().object()).isEqualTo("index.html");

        RequestContext versionOnly = arriving("/v1/");
        assertThat(versionOnly.isStorage()).isTrue();
        assertThat(versionOnly.validPath()).isEmpty();
        assertThatThrownBy(versionOnly::path).isInstanceOfSatisfying(SwiftException.class,
                e -> assertThat(e.error().code()).isEqualTo(412));

        RequestContext info = arriving("/info");
        assertThat(info.isStorage()).isFalse();
        assertThat(info.validPath()).isEmpty();
        assertThatThrownBy(info::principal).isInstanceOf(IllegalStateException.class);
    }
}
