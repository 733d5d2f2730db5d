package io.tessera.swift.auth;

import io.tessera.swift.context.InfoSource;
import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Who may do what, decided as Swift's tempauth does, in its order:
 * <ol>
 *   <li>a temporary URL reaches its account (account key) or container (container key), nothing else;</li>
 *   <li>the owner (an admin of the account, or a reseller admin) does everything;</li>
 *   <li>container ACLs: {@code X-Container-Read} for GET/HEAD (referrers read objects, and list with
 *       {@code .rlistings}; named users/projects do both), {@code X-Container-Write} for object writes;</li>
 *   <li>the account ACL ({@code X-Account-Access-Control}): admin acts as owner, read-write does
 *       anything below the account and reads it, read-only reads;</li>
 *   <li>Pithos sharing ({@code sharing.SharingAccess}), last, so that neither ACLs nor sharing widen
 *       the other: a {@link Decision#shared} decision, with the limited view it implies.</li>
 * </ol>
 * A refused request is 401 when anonymous (or by temporary URL), 403 when authenticated.
 */
public final class Authorizer {
    private final TokenService tokens;
    private final InfoSource info;
    private final ObjectGrant objectGrant;
    private io.tessera.swift.sharing.SharingAccess sharing;
    /** Where the sharing step reads rows, made into {@link #sharing} on first use (most requests never get there). */
    private final io.tessera.store.MetadataStore sharingRows;

    /**
     * A grant to one object that no ACL gives, asked last, only for an authenticated user's read of an
     * object: a Pithos public object is readable by every user.
     */
    @FunctionalInterface
    public interface ObjectGrant {
        ObjectGrant NONE = (account, container, object) -> false;

        boolean grantsRead(String account, String container, String object);
    }

    /** With the sharing step over {@code sharingRows} (null: none), its state made only when a request gets that far. */
    public Authorizer(TokenService tokens, InfoSource info, ObjectGrant objectGrant,
                      io.tessera.store.MetadataStore sharingRows) {
        this.tokens = tokens;
        this.info = info;
        this.objectGrant = objectGrant;
        this.sharingRows = sharingRows;
    }

    private io.tessera.swift.sharing.SharingAccess sharing() {
        if (sharing == null && sharingRows != null) {
            sharing = new io.tessera.swift.sharing.SharingAccess(sharingRows, info);
        }
        return sharing;
    }

    /** The principal behind a token, empty for an anonymous request; 401 for a token that is not valid. */
    public Optional<Principal> authenticate(String token, String account) {
        if (token == null) {
            return Optional.empty();
        }
        return Optional.of(tokens.verify(token).map(Principal::new).orElseThrow(() -> unauthorized(account)));
    }

    /**
     * An allowed request; {@code owner} (Swift's swift_owner) may also see and set {@link OwnerHeaders};
     * {@code shared}: allowed only because something is shared with the requester (Pithos), who then
     * sees a limited view (listings of what is shared with them, no account or container metadata).
     */
    public record Decision(boolean owner, boolean shared) {
        static final Decision OWNER = new Decision(true);
        static final Decision MEMBER = new Decision(false);
        public static final Decision SHARED = new Decision(false, true);

        public Decision(boolean owner) {
            this(owner, false);
        }
    }

    /**
     * Decides a request, or throws 401/403.
     *
     * @param method    the HTTP method; COPY counts as a read of its source (its destination is a write,
     *                  checked with {@link #mayWrite})
     * @param container null for an account request
     * @param object    null for an account or container request
     */
    public Decision authorize(Optional<Principal> who, String method, String account, String container,
                              String object, String referer) {
        Principal p = who.orElse(null);
        if (p != null && p.isTempUrl()) {
            if (p.tempUrl().allows(account, container)) {
                return Decision.MEMBER;
            }
            throw unauthorized(account);
        }
        if (p != null && p.owns(account)) {
            return Decision.OWNER;
        }
        boolean reads = method.equals("GET") || method.equals("HEAD") || method.equals("COPY");
        if (container != null && allowedByContainerAcl(p, reads, account, container, object != null, referer)) {
            return Decision.MEMBER;
        }
        if (p != null) {
            Optional<AccountAcl> acl = info.account(account).map(AccountInfo::metadata)
                    .flatMap(AccountAcl::fromMetadata);
            switch (acl.map(a -> a.levelOf(p.groups())).orElse(AccountAcl.Level.NONE)) {
                case ADMIN -> {
                    return Decision.OWNER;
                }
                case READ_WRITE -> {
                    if (container != null || reads) {
                        return Decision.MEMBER;
                    }
                }
                case READ_ONLY -> {
                    if (reads) {
                        return Decision.MEMBER;
                    }
                }
                case NONE -> {
                }
            }
            if (reads && object != null && !object.isEmpty() && objectGrant.grantsRead(account, container, object)) {
                return Decision.MEMBER;
            }
        }
        io.tessera.swift.sharing.SharingAccess sharing = p == null ? null : sharing();
        if (sharing != null && sharing.allows(p, method, account, container, object)) {
            return Decision.SHARED;
        }
        throw denied(who, account);
    }

    /**
     * Whether {@code who} acts as the account's owner (its admin, a reseller, or the account ACL's
     * admin): who alone may change sharing and groups.
     */
    public boolean actsAsOwner(Optional<Principal> who, String account) {
        Principal p = who.orElse(null);
        if (p == null || p.isTempUrl()) {
            return false;
        }
        if (p.owns(account)) {
            return true;
        }
        return info.account(account).map(AccountInfo::metadata).flatMap(AccountAcl::fromMetadata)
                .map(a -> a.levelOf(p.groups()) == AccountAcl.Level.ADMIN).orElse(false);
    }

    /** Whether {@code who} may read that object (a copy's source), sharing included. */
    public boolean mayReadObject(Optional<Principal> who, String account, String container, String object, String referer) {
        return allows(who, "GET", account, container, object, referer);
    }

    /** Whether {@code who} may write that object (a copy's destination), sharing included. */
    public boolean mayWriteObject(Optional<Principal> who, String account, String container, String object) {
        return allows(who, "PUT", account, container, object, null);
    }

    /** Whether {@code who} may read objects of {@code account}/{@code container} (copy sources, segments). */
    public boolean mayRead(Optional<Principal> who, String account, String container, String referer) {
        return allows(who, "GET", account, container, referer);
    }

    /** Whether {@code who} may write objects into {@code account}/{@code container} (copy destinations). */
    public boolean mayWrite(Optional<Principal> who, String account, String container) {
        return allows(who, "PUT", account, container, null);
    }

    private boolean allows(Optional<Principal> who, String method, String account, String container, String referer) {
        return allows(who, method, account, container, "", referer);
    }

    private boolean allows(Optional<Principal> who, String method, String account, String container, String object,
                           String referer) {
        try {
            authorize(who, method, account, container, object, referer);
            return true;
        } catch (SwiftException refused) {
            return false;
        }
    }

    private boolean allowedByContainerAcl(Principal p, boolean reads, String account, String container,
                                          boolean objectLevel, String referer) {
        if (!reads && !objectLevel) {
            return false; // creating, changing or deleting a container is for the owner (or account ACLs)
        }
        Optional<ContainerInfo> row = info.container(account, container);
        if (row.isEmpty()) {
            return false;
        }
        Map<String, String> meta = row.get().metadata();
        ContainerAcl acl = ContainerAcl.parse(meta.get(reads ? "x-container-read" : "x-container-write"));
        if (acl.allowsReferrer(referer) && (objectLevel || acl.allowsListings())) {
            return true;
        }
        return p != null && acl.grants(p.groups(), p.user().name());
    }

    /** The refusal tempauth gives: 403 to an authenticated user, 401 to anyone else. */
    public static SwiftException denied(Optional<Principal> who, String account) {
        return who.isPresent() && !who.get().isTempUrl() ? SwiftError.FORBIDDEN.exception() : unauthorized(account);
    }

    public static SwiftException unauthorized(String account) {
        String realm = URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20");
        return SwiftError.UNAUTHORIZED.exception().withHeader("Www-Authenticate", "Swift realm=\"" + realm + "\"");
    }
}
