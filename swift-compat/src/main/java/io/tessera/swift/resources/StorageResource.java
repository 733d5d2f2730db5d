package io.tessera.swift.resources;

import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.SwiftPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /v1/...}: parses the raw path once (names may hold any character, empty segments and
 * trailing slashes, which JAX-RS templates would mangle), authorizes the request (token, owner,
 * container ACLs), and hands it to the resource for its level: account, container or object.
 */
@Path("/v1")
public final class StorageResource {
    private final SwiftServices services;

    public StorageResource(SwiftServices services) {
        this.services = services;
    }

    /** {@code /v1} alone names a version and no account. */
    @GET
    public Response versionOnlyGet() {
        throw SwiftException.preconditionFailed("Bad URL");
    }

    @PUT
    public Response versionOnlyPut() {
        throw SwiftException.preconditionFailed("Bad URL");
    }

    @Path("{any: .*}")
    public Object locate(@Context UriInfo uri, @Context HttpHeaders headers, @Context Request request) {
        String raw = uri.getRequestUri().getRawPath();
        int start = raw.indexOf("/v1/");
        if (start < 0 || raw.length() == start + 4) {
            throw SwiftException.preconditionFailed("Bad URL"); // "/v1" or "/v1/": a version and no account
        }
        SwiftPath path = SwiftPath.parse(raw.substring(start + 4), services.limits());
        Authorizer auth = services.authorizer();
        String token = headers.getHeaderString("X-Auth-Token");
        Optional<Principal> who = auth.authenticate(token != null ? token : headers.getHeaderString("X-Storage-Token"),
                path.account());
        boolean reads = READS.contains(request.getMethod());
        String referer = headers.getHeaderString("Referer");
        if (path.isAccount()) {
            auth.check(who, Authorizer.Access.ACCOUNT, path.account(), null, referer);
            return new AccountResource(services, path.account(), who);
        }
        if (path.isContainer()) {
            auth.check(who, reads ? Authorizer.Access.CONTAINER_READ : Authorizer.Access.CONTAINER_WRITE,
                    path.account(), path.container(), referer);
            return new ContainerResource(services, path.account(), path.container());
        }
        // A COPY reads here and writes where Destination says: ObjectResource checks that side.
        boolean objectRead = reads || "COPY".equals(request.getMethod());
        auth.check(who, objectRead ? Authorizer.Access.OBJECT_READ : Authorizer.Access.OBJECT_WRITE,
                path.account(), path.container(), referer);
        return new ObjectResource(services, who, referer, path);
    }

    private static final Set<String> READS = Set.of("GET", "HEAD");
}
