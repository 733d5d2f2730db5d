package io.tessera.swift.auth;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.ClientAddress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Swift's v1.0 authentication (tempauth): {@code GET /auth/v1.0} with {@code X-Auth-User} and
 * {@code X-Auth-Key} (or the older {@code X-Storage-User}/{@code X-Storage-Pass}) gives a token and the
 * storage URL of the user's account.
 */
@Path("/auth")
public final class AuthResource {
    private final KeyChecks keys;
    private final TokenService tokens;
    private final String publicUrl;

    /** @param publicUrl the base URL clients should use (e.g. behind a proxy), or null to use the request's */
    public AuthResource(KeyChecks keys, TokenService tokens, String publicUrl) {
        this.keys = keys;
        this.tokens = tokens;
        this.publicUrl = publicUrl;
    }

    @GET
    @Path("{version: v1\\.0|v1}")
    public Response authenticate(@HeaderParam("X-Auth-User") String authUser,
                                 @HeaderParam("X-Auth-Key") String authKey,
                                 @HeaderParam("X-Storage-User") String storageUser,
                                 @HeaderParam("X-Storage-Pass") String storagePass,
                                 @Context UriInfo uri,
                                 @Context ContainerRequestContext request) {
        String name = authUser != null ? authUser : storageUser;
        String key = authKey != null ? authKey : storagePass;
        if (name == null || key == null) {
            throw SwiftError.UNAUTHORIZED.exception().withHeader("Www-Authenticate", "Swift realm=\"unknown\"");
        }
        User user = keys.authenticate(name, key, ClientAddress.of(request))
                .orElseThrow(() -> SwiftError.UNAUTHORIZED.exception().withHeader("Www-Authenticate", "Swift realm=\"unknown\""));
        TokenService.Issued issued = tokens.issue(user);
        String base = publicUrl != null ? publicUrl : uri.getBaseUri().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        long secondsLeft = Math.max(0, issued.expiresAtEpochSecond() - System.currentTimeMillis() / 1000);
        return Response.ok()
                .header("X-Auth-Token", issued.token())
                .header("X-Storage-Token", issued.token())
                .header("X-Auth-Token-Expires", secondsLeft)
                .header("X-Storage-Url", base + "/v1/" + user.account())
                .build();
    }
}
