package io.tessera.swift.resources;

import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.bulk.BulkDeleteResource;
import io.tessera.swift.bulk.BulkDeleter;
import io.tessera.swift.bulk.BulkLimits;
import io.tessera.swift.bulk.ExtractArchiveResource;
import io.tessera.swift.cors.CorsPreflight;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.formpost.FormPostResource;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.pithos.BlockUpload;
import io.tessera.swift.staticweb.StaticWebResource;
import io.tessera.swift.tempurl.TempUrlGrant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /v1/...}: parses the raw path once (names may hold any character, empty segments and
 * trailing slashes, which JAX-RS templates would mangle), then routes the request as Swift's
 * middleware pipeline would: CORS preflights ({@code OPTIONS}) and form posts need no token; a
 * temporary URL (verified by TempUrlFilter) acts within its scope; anonymous and web-mode reads may
 * be served as a static web site; everything else is authorized (token, owner, container and account
 * ACLs) and handed to the resource for its level: account, container or object.
 */
@Path("/v1")
public final class StorageResource {
    private final SwiftServices services;

    public StorageResource(SwiftServices services) {
        this.services = services;
    }

    /**
     * {@code /v1} alone names a version and no account; {@code /v1/} is Pithos' top level (the accounts
     * that share with the requester, {@link io.tessera.swift.sharing.SharersResource}).
     */
    @GET
    public Response versionOnlyGet(@Context ContainerRequestContext request, @Context HttpHeaders headers,
                                   @Context UriInfo uri) {
        return topLevel(request).map(t -> t.list(headers, uri))
                .orElseThrow(() -> SwiftError.PRECONDITION_FAILED.exception("Bad URL"));
    }

    @PUT
    public Response versionOnlyPut(@Context ContainerRequestContext request) {
        return topLevel(request).map(io.tessera.swift.sharing.SharersResource::put)
                .orElseThrow(() -> SwiftError.PRECONDITION_FAILED.exception("Bad URL"));
    }

    @jakarta.ws.rs.HEAD
    public Response versionOnlyHead(@Context ContainerRequestContext request) {
        return topLevel(request).map(io.tessera.swift.sharing.SharersResource::head)
                .orElseThrow(() -> SwiftError.PRECONDITION_FAILED.exception("Bad URL"));
    }

    @jakarta.ws.rs.POST
    public Response versionOnlyPost(@Context ContainerRequestContext request) {
        return topLevel(request).map(io.tessera.swift.sharing.SharersResource::post)
                .orElseThrow(SwiftError.METHOD_NOT_ALLOWED::exception);
    }

    @jakarta.ws.rs.DELETE
    public Response versionOnlyDelete(@Context ContainerRequestContext request) {
        return topLevel(request).map(io.tessera.swift.sharing.SharersResource::delete)
                .orElseThrow(SwiftError.METHOD_NOT_ALLOWED::exception);
    }

    private Optional<io.tessera.swift.sharing.SharersResource> topLevel(ContainerRequestContext request) {
        RequestContext context = RequestContext.of(request);
        if (!io.tessera.swift.sharing.SharersResource.isTopLevel(context.rawPath())) {
            return Optional.empty();
        }
        return Optional.of(new io.tessera.swift.sharing.SharersResource(services, services.authorizer(context), context));
    }

    @Path("{any: .*}")
    public Object locate(@Context UriInfo uri, @Context HttpHeaders headers, @Context ContainerRequestContext request) {
        RequestContext context = RequestContext.of(request);
        SwiftPath path = context.path();
        String method = context.method();
        if (method.equals("OPTIONS")) {
            return new CorsPreflight(context, path.account(), path.container(), path.isObject());
        }
        String boundary = FormPostResource.boundaryOf(method, RawContentType.of(request));
        if (boundary != null && path.container() != null) {
            return new FormPostResource(services, context, SwiftPath.decode(uri.getRequestUri().getRawPath()), boundary,
                    Clock.systemUTC());
        }
        Authorizer auth = services.authorizer(context);
        Optional<Principal> who = principal(auth, headers, context, path.account());
        context.authenticated(who);
        String referer = headers.getHeaderString("Referer");
        Object bulk = bulkRequest(uri, context);
        if (bulk != null) {
            return bulk; // each of its deletes or writes is authorized on its own, as its own request would be
        }
        if (path.container() != null) {
            context.corsApplies();
        }
        if (StaticWebResource.applies(method, path, who, headers.getHeaderString("X-Web-Mode"))) {
            return new StaticWebResource(services.store().metadata(), context, auth, who, referer, path,
                    context.endsWithSlash(), new UsualAnswers(context, headers, uri));
        }
        if (path.isContainer() && method.equals("POST") && BlockUpload.applies(RawContentType.of(request),
                headers.getHeaderString("Content-Length"), headers.getHeaderString("Transfer-Encoding"))) {
            return blockUpload(auth, who, path, referer);
        }
        // A COPY reads here and writes where Destination says: ObjectResource checks that side.
        Authorizer.Decision allowed = auth.authorize(who, method, path.account(), path.container(), path.object(), referer);
        if (path.isAccount()) {
            return new AccountResource(services, path.account(), allowed.owner(),
                    who.map(p -> p.user() != null && p.user().isResellerAdmin()).orElse(false))
                    .viewedBy(context, who.orElse(null), allowed.shared());
        }
        if (path.isContainer() && ContainerEmpty.applies(method, uri.getQueryParameters())) {
            return new ContainerEmpty(services, context, referer); // Pithos: empty it, keep it
        }
        if (path.isContainer()) {
            return new ContainerResource(services, path.account(), path.container(), allowed.owner())
                    .viewedBy(context, who.orElse(null), allowed.shared());
        }
        return new ObjectResource(services, context, referer);
    }

    /**
     * A Pithos block upload to a container is authorized as a write of objects into it (its owner, its
     * write ACL, an account ACL), never by a temporary URL, which names objects.
     */
    private Object blockUpload(Authorizer auth, Optional<Principal> who, SwiftPath path, String referer) {
        if (who.isPresent() && who.get().isTempUrl()) {
            throw Authorizer.unauthorized(path.account());
        }
        auth.authorize(who, "PUT", path.account(), path.container(), "", referer);
        return new BlockUpload(services.store().blocks(), services.store().blockSize(),
                services.limits().maxFileSize(), services.metrics());
    }

    /** Swift's bulk middleware: {@code ?bulk-delete} (POST or DELETE) and {@code ?extract-archive} (PUT), at any level. */
    private Object bulkRequest(UriInfo uri, RequestContext context) {
        var query = uri.getQueryParameters();
        String method = context.method();
        if (query.containsKey("bulk-delete") && (method.equals("POST") || method.equals("DELETE"))) {
            BulkLimits limits = BulkLimits.DEFAULTS;
            return new BulkDeleteResource(new BulkDeleter(services.store().metadata(), services.authorizer(context),
                    context.principal(), context.path().account(), limits.maxFailedDeletes(),
                    services.metrics().meter("swift.bulk.deleted")), limits);
        }
        if (query.containsKey("extract-archive") && method.equals("PUT")) {
            return new ExtractArchiveResource(services, context, query.getFirst("extract-archive"), BulkLimits.DEFAULTS);
        }
        return null;
    }

    /** The user behind the token, the bearer of a verified temporary URL, or nobody. */
    private static Optional<Principal> principal(Authorizer auth, HttpHeaders headers, RequestContext context,
                                                 String account) {
        Optional<TempUrlGrant> grant = context.tempUrl();
        if (grant.isPresent()) {
            return Optional.of(Principal.tempUrl(grant.get().scope()));
        }
        String token = headers.getHeaderString("X-Auth-Token");
        return auth.authenticate(token != null ? token : headers.getHeaderString("X-Storage-Token"), account);
    }

    /** How static web gets the API's usual answers, authorized as the requester. */
    private final class UsualAnswers implements StaticWebResource.Passthrough {
        private final RequestContext context;
        private final Optional<Principal> who;
        private final String referer;
        private final SwiftPath path;
        private final HttpHeaders headers;
        private final UriInfo uri;

        UsualAnswers(RequestContext context, HttpHeaders headers, UriInfo uri) {
            this.context = context;
            this.who = context.principal();
            this.referer = headers.getHeaderString("Referer");
            this.path = context.path();
            this.headers = headers;
            this.uri = uri;
        }

        @Override
        public Response asUsual(boolean head) {
            Authorizer.Decision allowed = services.authorizer(context).authorize(who, head ? "HEAD" : "GET", path.account(),
                    path.container(), null, referer);
            ContainerResource container = new ContainerResource(services, path.account(), path.container(), allowed.owner());
            return head ? container.head(uri) : container.list(uri, headers);
        }

        @Override
        public Response object(String name, boolean head) {
            services.authorizer(context).authorize(who, head ? "HEAD" : "GET", path.account(), path.container(), name, referer);
            ObjectResource object = new ObjectResource(services, context.forObject(name), referer);
            return head ? object.head(headers, uri) : object.get(headers, uri);
        }
    }
}
