package io.tessera.swift.auth;

import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import io.tessera.swift.errors.SwiftException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who may do what, as Swift's tempauth decides it: the owner (an admin of the account) does
 * everything; others only what the container's ACLs grant — reading objects ({@code X-Container-Read}:
 * users or referrers), listing ({@code .rlistings}, or a user grant), writing objects
 * ({@code X-Container-Write}: users). An anonymous request that is refused gets 401, an authenticated
 * one 403.
 */
public final class Authorizer {
    private final TokenService tokens;
    private final MetadataStore metadata;

    public Authorizer(TokenService tokens, MetadataStore metadata) {
        this.tokens = tokens;
        this.metadata = metadata;
    }

    /** The principal behind a token, empty for an anonymous request; 401 for a token that is not valid. */
    public Optional<Principal> authenticate(String token, String account) {
        if (token == null) {
            return Optional.empty();
        }
        return Optional.of(tokens.verify(token).map(Principal::new).orElseThrow(() -> unauthorized(account)));
    }

    /** The level of a request, for {@link #check}. */
    public enum Access { ACCOUNT, CONTAINER_READ, CONTAINER_WRITE, OBJECT_READ, OBJECT_WRITE }

    /** Throws 401 or 403 unless {@code who} may have this access to {@code account}/{@code container}. */
    public void check(Optional<Principal> who, Access access, String account, String container, String referer) {
        if (who.isPresent() && who.get().owns(account)) {
            return;
        }
        if (access != Access.ACCOUNT && access != Access.CONTAINER_WRITE
                && allowedByAcl(who, access, account, container, referer)) {
            return;
        }
        throw who.isPresent() ? SwiftException.forbidden() : unauthorized(account);
    }

    public boolean mayRead(Optional<Principal> who, String account, String container, String referer) {
        return (who.isPresent() && who.get().owns(account))
                || allowedByAcl(who, Access.OBJECT_READ, account, container, referer);
    }

    public boolean mayWrite(Optional<Principal> who, String account, String container) {
        return (who.isPresent() && who.get().owns(account))
                || allowedByAcl(who, Access.OBJECT_WRITE, account, container, null);
    }

    private boolean allowedByAcl(Optional<Principal> who, Access access, String account, String container,
                                 String referer) {
        Optional<ContainerInfo> info = metadata.getContainer(account, container);
        if (info.isEmpty()) {
            return false;
        }
        if (access == Access.OBJECT_WRITE) {
            ContainerAcl write = ContainerAcl.parse(info.get().metadata().get("x-container-write"));
            return who.isPresent() && write.grants(who.get().user());
        }
        ContainerAcl read = ContainerAcl.parse(info.get().metadata().get("x-container-read"));
        if (who.isPresent() && read.grants(who.get().user())) {
            return true;
        }
        boolean referrerOk = read.allowsReferrer(referer);
        return access == Access.CONTAINER_READ ? referrerOk && read.allowsListings() : referrerOk;
    }

    public static SwiftException unauthorized(String account) {
        String realm = URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20");
        return SwiftException.unauthorized().withHeader("Www-Authenticate", "Swift realm=\"" + realm + "\"");
    }
}
