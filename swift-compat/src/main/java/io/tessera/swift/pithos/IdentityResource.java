package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.swift.auth.TokenService;
import io.tessera.swift.auth.User;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.RawContentType;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The part of Synnefo's identity service (Astakos) that Pithos clients cannot do without, over
 * Tessera's own tokens. kamaki authenticates every command first with {@code POST /identity/v2.0/tokens}
 * and stops unless the reply has a Keystone v2 shaped body with an {@code astakos_account} endpoint
 * (astakosclient's {@code _fill_endpoints}); {@link UserCatalogsResource} answers the account URL
 * that catalog names.
 *
 * <p>It only describes a token someone already has (from {@code /auth/v1.0}): a token that is not
 * valid is a 401, and nothing here issues one. A body with no token gets only the service catalog,
 * as Astakos answers it.
 */
@Path("/identity/v2.0")
public final class IdentityResource {
    static final String UI_PATH = "/ui";
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'")
            .withZone(ZoneOffset.UTC);

    private final TokenService tokens;
    private final String publicUrl;

    /** @param publicUrl the base URL clients should use (e.g. behind a proxy), or null to use the request's */
    public IdentityResource(TokenService tokens, String publicUrl) {
        this.tokens = tokens;
        this.publicUrl = publicUrl;
    }

    @POST
    @Path("tokens")
    public Response tokens(@Context UriInfo uri, InputStream body) {
        JsonNode request = SmallJson.read(body);
        ObjectNode access = SmallJson.mapper().createObjectNode();
        String token = token(request);
        if (token != null) {
            TokenService.Valid valid = tokens.validate(token).orElseThrow(IdentityResource::unauthorized);
            String claimed = text(request.path("auth").path("passwordCredentials").path("username"));
            String tenant = text(request.path("auth").path("tenantName"));
            User user = valid.user();
            if ((claimed != null && !claimed.equals(user.account()) && !claimed.equals(user.name()))
                    || (tenant != null && !tenant.equals(user.account()))) {
                throw unauthorized();
            }
            ObjectNode t = access.putObject("token");
            t.put("id", token);
            t.put("expires", EXPIRES.format(Instant.ofEpochSecond(valid.expiresAtEpochSecond())));
            ObjectNode tenantNode = t.putObject("tenant");
            tenantNode.put("id", user.account());
            tenantNode.put("name", user.name());
            ObjectNode u = access.putObject("user");
            u.put("id", user.account());
            u.put("name", user.name());
            ObjectNode role = u.putArray("roles").addObject();
            role.put("id", 1);
            role.put("name", "default");
            u.putArray("roles_links");
        }
        catalog(access.putArray("serviceCatalog"), base(uri));
        ObjectNode reply = SmallJson.mapper().createObjectNode();
        reply.set("access", access);
        return json(Response.ok(reply.toString()));
    }

    /** The token a body presents: {@code auth.token.id}, or {@code auth.passwordCredentials.password}. */
    private static String token(JsonNode request) {
        if (request == null) {
            return null;
        }
        if (!request.isObject()) {
            throw SwiftError.BAD_REQUEST.exception("Invalid JSON body");
        }
        JsonNode auth = request.path("auth");
        String id = text(auth.path("token").path("id"));
        if (id != null) {
            return id;
        }
        String password = text(auth.path("passwordCredentials").path("password"));
        if (password != null) {
            return password;
        }
        if (auth.has("token") || auth.has("passwordCredentials")) {
            throw unauthorized(); // credentials of a kind, but no token in them
        }
        return null;
    }

    static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    static void catalog(ArrayNode catalog, String base) {
        service(catalog, "astakos_identity", "identity", "v2.0", base + "/identity/v2.0", base);
        service(catalog, "astakos_account", "account", "v1.0", base + "/account/v1.0", base);
        // kamaki appends the account to the object store's URL: it must not name one.
        service(catalog, "pithos_object-store", "object-store", "v1", base + "/v1", base);
    }

    private static void service(ArrayNode catalog, String name, String type, String version, String url, String base) {
        ObjectNode s = catalog.addObject();
        s.put("name", name);
        s.put("type", type);
        s.putArray("endpoints_links");
        ObjectNode e = s.putArray("endpoints").addObject();
        e.put("versionId", version);
        e.put("publicURL", url);
        e.put("SNF:uiURL", base + UI_PATH);
    }

    private String base(UriInfo uri) {
        String base = publicUrl != null ? publicUrl : uri.getBaseUri().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    static Response json(Response.ResponseBuilder r) {
        return RawContentType.set(r, "application/json; charset=utf-8").build();
    }

    static SwiftException unauthorized() {
        return SwiftError.UNAUTHORIZED.exception();
    }
}
