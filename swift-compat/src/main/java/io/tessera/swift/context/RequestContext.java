package io.tessera.swift.context;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.Timestamp;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.http.TransactionIds;
import io.tessera.swift.tempurl.TempUrlGrant;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One request as every middleware sees it, made once when it arrives ({@link RequestContextFilter}):
 * its transaction id and time, its storage path parsed once, who it acts as once authenticated, a
 * temporary URL's grant, and the account and container rows of its own path, each read at most once
 * (through the shared {@link InfoCache}) and again only if this server has changed rows since. Swift
 * keeps the same things in its WSGI environ ({@code swift.infocache}, {@code swift.authorize}...).
 *
 * <p>Rows of other accounts and containers (a copy's source, a symlink's target, segments) are read
 * from the shared cache as they come: a request may name thousands (a bulk delete), and only its own
 * are worth holding.
 */
public final class RequestContext implements InfoSource, ContainerRows {
    /**
     * The request attribute (JAX-RS property) a context is kept under. A context the plain-read path
     * made before it handed the request on is kept there too, and taken up by {@link RequestContextFilter}.
     */
    public static final String PROPERTY = "tessera.requestContext";
    private static final String PREFIX = "/v1/";

    private final String transactionId;
    private final Timestamp time;
    private final String method;
    private final String rawPath;
    private final SwiftPath path;            // null: not below /v1/, or a path Swift refuses (then badPath)
    private final SwiftException badPath;
    private final InfoCache shared;
    private Optional<Principal> principal;   // null until the request is authenticated
    private TempUrlGrant tempUrl;
    private boolean corsApplies;
    private Seen<AccountInfo> account;
    private Seen<ContainerInfo> container;

    /**
     * A row as this request read it, the cache's generation then, whether it came from the store itself,
     * and when: a long request (a large object's segments) sees another frontend's change within the
     * cache's TTL, as separate requests do.
     */
    private record Seen<T>(long generation, Optional<T> row, boolean fromStore, long readAtNanos) {
        boolean isCurrent(long generationNow) {
            return generation == generationNow && System.nanoTime() - readAtNanos < InfoCache.TTL.toNanos();
        }
    }

    private RequestContext(String transactionId, Timestamp time, String method, String rawPath, SwiftPath path,
                           SwiftException badPath, InfoCache shared) {
        this.transactionId = transactionId;
        this.time = time;
        this.method = method;
        this.rawPath = rawPath;
        this.path = path;
        this.badPath = badPath;
        this.shared = shared;
    }

    /** The context of a request that has just arrived; its path (raw, still percent-encoded) is parsed here, once. */
    public static RequestContext arriving(String method, String rawPath, String transIdExtra, InfoCache shared,
                                          SwiftConstraints limits) {
        SwiftPath path = null;
        SwiftException bad = null;
        if (rawPath != null && rawPath.startsWith(PREFIX)) {
            try {
                if (rawPath.length() == PREFIX.length()) {
                    throw SwiftError.PRECONDITION_FAILED.exception("Bad URL"); // "/v1/": a version and no account
                }
                path = SwiftPath.parse(rawPath.substring(PREFIX.length()), limits);
            } catch (SwiftException refused) {
                bad = refused;
            }
        }
        return new RequestContext(TransactionIds.generate(transIdExtra), Timestamp.now(), method, rawPath, path, bad,
                shared);
    }

    public void attachTo(ContainerRequestContext request) {
        request.setProperty(PROPERTY, this);
    }

    /** The request's context; made by {@link RequestContextFilter} before any other filter runs. */
    public static RequestContext of(ContainerRequestContext request) {
        if (request.getProperty(PROPERTY) instanceof RequestContext context) {
            return context;
        }
        throw new IllegalStateException("no request context: RequestContextFilter is not registered");
    }

    /** The request's context, if it got one (a reply to a request Jersey refused before any filter has none). */
    public static Optional<RequestContext> ifAny(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof RequestContext context ? Optional.of(context) : Optional.empty();
    }

    /**
     * The same request as it reaches another object of its container (static web's index pages and
     * listings): same principal and grant, same rows of its account and container.
     */
    public synchronized RequestContext forObject(String object) {
        SwiftPath own = path();
        RequestContext other = new RequestContext(transactionId, time, method, rawPath,
                new SwiftPath(own.account(), own.container(), object), null, shared);
        other.principal = principal;
        other.tempUrl = tempUrl;
        other.corsApplies = corsApplies;
        other.account = account;
        other.container = container;
        return other;
    }

    /**
     * The same request (transaction id, time, method) as it reaches an object it does not name: a public
     * link's object. Nothing is authenticated yet, and no row is read.
     */
    public RequestContext at(String account, String container, String object) {
        return new RequestContext(transactionId, time, method, rawPath, new SwiftPath(account, container, object),
                null, shared);
    }

    /**
     * The context of a sub-request of this one on another object, possibly in another container or
     * account (a Pithos move's source, each object of a bulk copy, move or delete): the same
     * transaction and principal; rows of other containers are read afresh.
     */
    public synchronized RequestContext forPath(String accountName, String containerName, String object) {
        if (path != null && accountName.equals(path.account()) && containerName.equals(path.container())) {
            return forObject(object);
        }
        RequestContext other = new RequestContext(transactionId, time, method, rawPath,
                new SwiftPath(accountName, containerName, object), null, shared);
        other.principal = principal;
        other.tempUrl = tempUrl;
        other.corsApplies = corsApplies;
        if (path != null && accountName.equals(path.account())) {
            other.account = account;
        }
        return other;
    }

    public String transactionId() {
        return transactionId;
    }

    public Timestamp time() {
        return time;
    }

    public String method() {
        return method;
    }

    /** The request's path as it came, still percent-encoded. */
    public String rawPath() {
        return rawPath;
    }

    /** Whether the request is below {@code /v1/} (a storage request), whether or not its path is valid. */
    public boolean isStorage() {
        return path != null || badPath != null;
    }

    /** Whether the raw path ends with a slash (static web tells {@code dir/} from {@code dir}). */
    public boolean endsWithSlash() {
        return rawPath != null && rawPath.endsWith("/");
    }

    /** The storage path; the answer Swift gives for a path it refuses (404, 412, 400) is thrown. */
    public SwiftPath path() {
        if (badPath != null) {
            throw badPath;
        }
        if (path == null) {
            throw SwiftError.PRECONDITION_FAILED.exception("Bad URL"); // routed here without "/v1/" in front
        }
        return path;
    }

    /** The storage path, or empty when the request has none that Swift would accept. */
    public Optional<SwiftPath> validPath() {
        return Optional.ofNullable(path);
    }

    public synchronized void authenticated(Optional<Principal> who) {
        this.principal = Objects.requireNonNull(who, "who");
    }

    /** Who the request acts as (empty: anonymous); only once {@link #authenticated} has run. */
    public synchronized Optional<Principal> principal() {
        if (principal == null) {
            throw new IllegalStateException("the request has not been authenticated yet");
        }
        return principal;
    }

    public synchronized void grant(TempUrlGrant grant) {
        this.tempUrl = grant;
    }

    /** The temporary URL that let this request in, if one did. */
    public synchronized Optional<TempUrlGrant> tempUrl() {
        return Optional.ofNullable(tempUrl);
    }

    /** From here on the request's replies get CORS headers when its container allows the origin. */
    public synchronized void corsApplies() {
        this.corsApplies = true;
    }

    public synchronized boolean isCorsApplied() {
        return corsApplies;
    }

    @Override
    public synchronized Optional<AccountInfo> account(String name) {
        if (path == null || !name.equals(path.account())) {
            return shared.account(name);
        }
        account = fresh(account, () -> shared.account(name));
        return account.row();
    }

    @Override
    public synchronized Optional<ContainerInfo> container(String accountName, String name) {
        if (!isOwnContainer(accountName, name)) {
            return shared.container(accountName, name);
        }
        container = fresh(container, () -> shared.container(accountName, name));
        return container.row();
    }

    /**
     * The container's row as the store has it now: for the check before an object is written into it,
     * which must not trust a row another frontend may have deleted a moment ago. What it reads is the
     * row this request sees from then on.
     */
    public synchronized Optional<ContainerInfo> containerFromStore(String accountName, String name) {
        if (!isOwnContainer(accountName, name)) {
            return shared.containerFromStore(accountName, name);
        }
        long generation = shared.generation();
        if (container == null || !container.fromStore() || !container.isCurrent(generation)) {
            container = new Seen<>(generation, shared.containerFromStore(accountName, name), true, System.nanoTime());
        }
        return container.row();
    }

    /** What writes act on: {@link #containerFromStore}. */
    public ContainerRows fromStore() {
        return this::containerFromStore;
    }

    private boolean isOwnContainer(String accountName, String name) {
        return path != null && name.equals(path.container()) && accountName.equals(path.account());
    }

    /** What was seen, unless this server has changed rows since (then the cache is asked again). */
    private <T> Seen<T> fresh(Seen<T> seen, Supplier<Optional<T>> load) {
        long generation = shared.generation();
        if (seen != null && seen.isCurrent(generation)) {
            return seen;
        }
        long readAt = System.nanoTime();
        return new Seen<>(generation, load.get(), false, readAt);
    }
}
