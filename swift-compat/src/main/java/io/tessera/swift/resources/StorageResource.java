package io.tessera.swift.resources;

import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.auth.User;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.SwiftPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

/**
 * {@code /v1/...}: parses the raw path once (names may hold any character, empty segments and
 * trailing slashes, which JAX-RS templates would mangle), checks the token, and hands the request to
 * the resource for its level: account, container or object.
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
    public Object locate(@Context UriInfo uri, @Context HttpHeaders headers) {
        String raw = uri.getRequestUri().getRawPath();
        int start = raw.indexOf("/v1/");
        if (start < 0 || raw.length() == start + 4) {
            throw SwiftException.preconditionFailed("Bad URL"); // "/v1" or "/v1/": a version and no account
        }
        SwiftPath path = SwiftPath.parse(raw.substring(start + 4), services.limits());
        Principal principal = authenticate(headers, path);
        if (path.isAccount()) {
            return new AccountResource(services, path.account());
        }
        if (path.isContainer()) {
            return new ContainerResource(services, path.account(), path.container());
        }
        return new ObjectResource(services, principal, path);
    }

    private Principal authenticate(HttpHeaders headers, SwiftPath path) {
        String token = headers.getHeaderString("X-Auth-Token");
        if (token == null) {
            token = headers.getHeaderString("X-Storage-Token");
        }
        String realm = "Swift realm=\"" + java.net.URLEncoder.encode(path.account(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "\"";
        if (token == null) {
            throw SwiftException.unauthorized().withHeader("Www-Authenticate", realm);
        }
        User user = services.tokens().verify(token)
                .orElseThrow(() -> SwiftException.unauthorized().withHeader("Www-Authenticate", realm));
        Principal principal = new Principal(user);
        if (!principal.owns(path.account())) {
            throw SwiftException.forbidden();
        }
        return principal;
    }
}
