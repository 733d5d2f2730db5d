package io.tessera.swift.etag;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.swift.context.InfoSource;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.http.MetadataReplies;
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
        Object etag = response.getHeaders().getFirst("ETag");
        if (etag == null) {
            return;
        }
        Optional<RequestContext> context = RequestContext.ifAny(request);
        Optional<SwiftPath> path = context.flatMap(RequestContext::validPath).filter(SwiftPath::isObject);
        if (path.isPresent()) {
            String value = etag.toString();
            String sent = asSent(context.get(), path.get().account(), path.get().container(), value);
            if (!sent.equals(value)) {
                response.getHeaders().putSingle("ETag", sent);
            }
        }
    }

    /** An object's ETag as its reply carries it: quoted where the container (or account) asks for it. */
    public static String asSent(InfoSource info, String account, String container, String etag) {
        boolean quoted = (etag.startsWith("\"") || etag.startsWith("W/\"")) && etag.endsWith("\"") && etag.length() > 1;
        return quoted || etag.isEmpty() || !enabled(info, account, container) ? etag : "\"" + etag + "\"";
    }


    /** Whether ETags are quoted in this container (its rows as the infocache has them). */
    private static boolean enabled(InfoSource info, String account, String container) {
        String flag = info.container(account, container).map(ContainerInfo::metadata).map(m -> m.get(FLAG))
                .orElse(null);
        if (flag == null) {
            flag = info.account(account).map(AccountInfo::metadata).map(m -> m.get(FLAG)).orElse(null);
        }
        return flag != null && flag.toLowerCase(Locale.ROOT).equals("true");
    }
}
