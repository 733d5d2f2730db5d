package io.tessera.swift.etag;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.objects.ObjectHeaders;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Swift's etag_quoter middleware: with {@code X-Account-Rfc-Compliant-Etags: true} on the account, or
 * {@code X-Container-Rfc-Compliant-Etags: true} on the container (which wins either way), object replies
 * carry their ETag double-quoted as RFC 7232 wants ({@code "d41d8..."}); by default they stay bare MD5s,
 * which most Swift clients compare. The flag is kept as an internal key and shown under its header name.
 */
public final class EtagQuoter implements ContainerResponseFilter {
    static final String FLAG = MetadataReplies.INTERNAL_PREFIX + "rfc-compliant-etags";

    private final MetadataStore metadata;
    private final SwiftConstraints limits;

    public EtagQuoter(MetadataStore metadata, SwiftConstraints limits) {
        this.metadata = metadata;
        this.limits = limits;
    }

    /** {@code /info}'s {@code etag_quoter} entry. */
    public static Map<String, Object> info() {
        return Map.of("enable_by_default", false);
    }

    /** Adds to an account or container POST/PUT's {@code changes} what its Rfc-Compliant-Etags header asks for. */
    public static void changes(MultivaluedMap<String, String> headers, String kind, Map<String, String> changes) {
        String header = "x-" + kind + "-rfc-compliant-etags";
        String value = headers.getFirst(header);
        if (value != null) {
            changes.put(FLAG, value.isEmpty() ? "" : (ObjectHeaders.isTrue(value) ? "True" : "False"));
        }
        String remove = headers.getFirst("x-remove-" + kind + "-rfc-compliant-etags");
        if (remove != null && !remove.isEmpty()) {
            changes.put(FLAG, "");
        }
    }

    /** Shows the flag of an account or container, as set. */
    public static void replyHeaders(Response.ResponseBuilder reply, String kind, Map<String, String> metadata) {
        String flag = metadata.get(FLAG);
        if (flag != null) {
            reply.header("X-" + Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + "-Rfc-Compliant-Etags", flag);
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (changesAFlag(request)) {
            cache.clear(); // this frontend sees its own changes at once; others within the cache's seconds
        }
        Object etag = response.getHeaders().getFirst("ETag");
        if (etag == null) {
            return;
        }
        String value = etag.toString();
        if ((value.startsWith("\"") || value.startsWith("W/\"")) && value.endsWith("\"") && value.length() > 1) {
            return;
        }
        Optional<SwiftPath> path = objectPath(request);
        if (path.isPresent() && enabled(path.get().account(), path.get().container())) {
            response.getHeaders().putSingle("ETag", "\"" + value + "\"");
        }
    }

    private static boolean changesAFlag(ContainerRequestContext request) {
        String method = request.getMethod();
        if (!method.equals("POST") && !method.equals("PUT")) {
            return false;
        }
        for (String header : request.getHeaders().keySet()) {
            if (header.toLowerCase(Locale.ROOT).endsWith("-rfc-compliant-etags")) {
                return true;
            }
        }
        return false;
    }

    private Optional<SwiftPath> objectPath(ContainerRequestContext request) {
        String raw = request.getUriInfo().getRequestUri().getRawPath();
        int start = raw.indexOf("/v1/");
        if (start < 0) {
            return Optional.empty();
        }
        try {
            SwiftPath p = SwiftPath.parse(raw.substring(start + 4), limits);
            return p.isAccount() || p.isContainer() ? Optional.empty() : Optional.of(p);
        } catch (RuntimeException notAPath) {
            return Optional.empty();
        }
    }

    /**
     * Whether ETags are quoted in this container. Remembered for a few seconds (Swift caches container
     * and account info for longer), so object reads do not pay two metadata reads each.
     */
    private boolean enabled(String account, String container) {
        String key = account + "/" + container;
        long now = System.nanoTime();
        Cached c = cache.get(key);
        if (c != null && now - c.at() < CACHE_NANOS) {
            return c.enabled();
        }
        if (cache.size() > CACHE_ENTRIES) {
            cache.clear(); // crude but bounded: entries are cheap to rebuild
        }
        boolean enabled = lookup(account, container);
        cache.put(key, new Cached(enabled, now));
        return enabled;
    }

    private record Cached(boolean enabled, long at) {
    }

    private static final long CACHE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
    private static final int CACHE_ENTRIES = 10_000;
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean lookup(String account, String container) {
        String flag = metadata.getContainer(account, container).map(ContainerInfo::metadata).map(m -> m.get(FLAG))
                .orElse(null);
        if (flag == null) {
            flag = metadata.getAccount(account).map(AccountInfo::metadata).map(m -> m.get(FLAG)).orElse(null);
        }
        return flag != null && flag.toLowerCase(Locale.ROOT).equals("true");
    }
}
