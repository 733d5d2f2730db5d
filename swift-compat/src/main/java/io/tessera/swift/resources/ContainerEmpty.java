package io.tessera.swift.resources;

import io.tessera.swift.SwiftServices;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.pithos.PrefixOperations;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.core.Response;

/**
 * Pithos' {@code DELETE /v1/<account>/<container>?delimiter=/}: empties the container and keeps it
 * (kamaki {@code container empty}, {@code container delete -r} before its plain DELETE). Each object
 * is deleted as its own DELETE would be (authorization, versioning), its names read a page at a time;
 * the account's owner's only, as in Pithos.
 */
public final class ContainerEmpty {
    private final SwiftServices services;
    private final RequestContext context;
    private final String referer;

    ContainerEmpty(SwiftServices services, RequestContext context, String referer) {
        this.services = services;
        this.context = context;
        this.referer = referer;
    }

    /** Whether a container request is this one. */
    static boolean applies(String method, jakarta.ws.rs.core.MultivaluedMap<String, String> query) {
        // with ?until it is a purge of history, which ignores the delimiter (Pithos' delete_container)
        return method.equals("DELETE") && !query.containsKey("until") && PrefixOperations.delimiter(query) != null;
    }

    @DELETE
    public Response empty() {
        String account = context.path().account();
        String container = context.path().container();
        PrefixOperations.requireOwner(context.principal(), account);
        if (context.containerFromStore(account, container).isEmpty()) {
            throw SwiftError.NOT_FOUND.exception();
        }
        PrefixOperations.forEachUnder(services.store().metadata(), account, container, null, null, n -> {
            services.authorizer(context).authorize(context.principal(), "DELETE", account, container, n, referer);
            new ObjectResource(services, context.forObject(n), referer).deleteOne(new ObjectLocation(account, container, n));
        });
        return Response.noContent().build();
    }
}
