package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.swift.auth.TokenService;
import io.tessera.swift.auth.User;
import io.tessera.swift.auth.UserDirectory;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Optional;

/**
 * Astakos' {@code POST /account/v1.0/user_catalogs}: {@code {"uuids":[...],"displaynames":[...]}} gives
 * {@code {"uuid_catalog":{account: name}, "displayname_catalog":{name: account}}}, for the names it
 * knows (kamaki's {@code -A/--account}, {@code sharer list -l}). Tessera's "uuids" are account names and
 * its display names user names; an account's display name is its first user's. Any valid token may ask
 * (Astakos' rule); none gets 401. At most {@link #MAX_NAMES} names a request.
 */
@Path("/account/v1.0")
public final class UserCatalogsResource {
    static final int MAX_NAMES = 1000;

    private final TokenService tokens;
    private final UserDirectory users;

    public UserCatalogsResource(TokenService tokens, UserDirectory users) {
        this.tokens = tokens;
        this.users = users;
    }

    @POST
    @Path("user_catalogs")
    public Response userCatalogs(@HeaderParam("X-Auth-Token") String token, InputStream body) {
        if (token == null || tokens.validate(token).isEmpty()) {
            throw IdentityResource.unauthorized();
        }
        JsonNode request = SmallJson.read(body);
        ObjectNode reply = SmallJson.mapper().createObjectNode();
        ObjectNode byUuid = reply.putObject("uuid_catalog");
        ObjectNode byName = reply.putObject("displayname_catalog");
        if (request != null) {
            if (request.path("uuids").size() + request.path("displaynames").size() > MAX_NAMES) {
                throw SwiftError.BAD_REQUEST.exception("At most " + MAX_NAMES + " names a request");
            }
            for (JsonNode uuid : request.path("uuids")) {
                String account = IdentityResource.text(uuid);
                Optional<User> u = account == null ? Optional.empty() : users.firstOfAccount(account);
                u.ifPresent(user -> byUuid.put(account, user.name()));
            }
            for (JsonNode displayName : request.path("displaynames")) {
                String name = IdentityResource.text(displayName);
                Optional<User> u = name == null ? Optional.empty() : users.find(name);
                u.ifPresent(user -> byName.put(name, user.account()));
            }
        }
        return IdentityResource.json(Response.ok(reply.toString()));
    }
}
