package io.tessera.swift.sharing;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HttpDates;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * What a grantee sees of another's account or container (Pithos {@code get_account_meta},
 * {@code get_container_meta} for a user who is not the owner): its name and times, and for a container
 * what an upload into it needs (its block size and hash); no usage, metadata, ACLs or groups.
 */
public final class SharedViews {
    private SharedViews() {
    }

    public static Response.ResponseBuilder accountHead(AccountInfo info) {
        return accountHeaders(Response.noContent(), info);
    }

    public static Response.ResponseBuilder accountHeaders(Response.ResponseBuilder reply, AccountInfo info) {
        return reply.header("X-Timestamp", info.created().toSwift())
                .header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(info.created())));
    }

    public static Response.ResponseBuilder containerHeaders(Response.ResponseBuilder reply, ContainerInfo info,
                                                            io.tessera.store.Timestamp modified) {
        return reply.header("X-Timestamp", info.created().toSwift())
                .header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(modified)))
                .header("Accept-Ranges", "bytes");
    }

    /** {@code until} on another's account or container is refused (Pithos: 403); so is {@code ?public}. */
    public static void refuseUntil(boolean grantee, MultivaluedMap<String, String> query) {
        if (grantee && (query.containsKey("until") || query.containsKey("public"))) {
            throw SwiftError.FORBIDDEN.exception();
        }
    }
}
