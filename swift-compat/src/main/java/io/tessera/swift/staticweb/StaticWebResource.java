package io.tessera.swift.staticweb;

import io.tessera.swift.context.InfoSource;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.http.UrlQuote;
import io.tessera.swift.listing.ListingPager;
import io.tessera.swift.listing.ListingRequest;
import io.tessera.swift.objects.ObjectHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Swift's staticweb: serves a container as a web site to anonymous requests (and to authenticated ones
 * that send {@code X-Web-Mode: true}). A directory (the container, or a name ending in {@code /}, or a
 * name with objects below it) answers with its {@code Web-Index} object, else an HTML listing when
 * {@code Web-Listings} is on; a directory named without its trailing slash is redirected (301) to it;
 * directory marker objects read as absent; errors may be served from {@code <status><Web-Error>}
 * objects. Everything else is the usual API answer, authorized as usual.
 */
public final class StaticWebResource {
    /** How static web reaches the rest of the API: the requests it makes on the requester's behalf. */
    public interface Passthrough {
        /** The request as the API answers it without static web (authorized as usual). */
        Response asUsual(boolean head);

        /** A GET (or HEAD) of an object of the same container, authorized as the requester; throws on errors. */
        Response object(String name, boolean head);
    }

    private static final int LISTING_LIMIT = 10_000;

    private final MetadataStore metadata;
    private final InfoSource info;
    private final Authorizer auth;
    private final Optional<Principal> who;
    private final String referer;
    private final SwiftPath path;
    private final boolean trailingSlash;
    private final Passthrough passthrough;

    public StaticWebResource(MetadataStore metadata, InfoSource info, Authorizer auth, Optional<Principal> who, String referer,
                             SwiftPath path, boolean trailingSlash, Passthrough passthrough) {
        this.metadata = metadata;
        this.info = info;
        this.auth = auth;
        this.who = who;
        this.referer = referer;
        this.path = path;
        this.trailingSlash = trailingSlash;
        this.passthrough = passthrough;
    }

    /** Whether static web handles a request: GET or HEAD below an account, anonymous or in web mode. */
    public static boolean applies(String method, SwiftPath path, Optional<Principal> who, String webModeHeader) {
        return (method.equals("GET") || method.equals("HEAD")) && path.container() != null
                && (who.isEmpty() || ObjectHeaders.isTrue(webModeHeader));
    }

    @GET
    public Response get(@Context HttpHeaders headers, @Context UriInfo uri) {
        return handle(false, new Request(headers, uri.getRequestUri().getScheme()));
    }

    @HEAD
    public Response head(@Context HttpHeaders headers, @Context UriInfo uri) {
        return handle(true, new Request(headers, uri.getRequestUri().getScheme()));
    }

    /** What a redirect needs of the request: the host and scheme the client used. */
    private record Request(HttpHeaders headers, String scheme) {
        String header(String name) {
            return headers.getHeaderString(name);
        }
    }

    private Response handle(boolean head, Request headers) {
        return path.object() == null ? container(head, headers) : object(head, headers);
    }

    private Response container(boolean head, Request headers) {
        WebSettings web = settings();
        try {
            auth.authorize(who, "GET", path.account(), path.container(), null, referer);
        } catch (SwiftException refused) {
            return errorPage(refused, web);
        }
        if (!web.mentionsListings() && !web.hasIndex()) {
            if (ObjectHeaders.isTrue(headers.header("X-Web-Mode"))) {
                throw SwiftError.NOT_FOUND.exception();
            }
            return passthrough.asUsual(head);
        }
        if (!trailingSlash) {
            return redirectWithSlash(headers);
        }
        if (!web.hasIndex()) {
            return listing("", web);
        }
        try {
            return passthrough.object(web.index(), head);
        } catch (SwiftException e) {
            if (e.error() == SwiftError.NOT_FOUND) {
                return listing("", web);
            }
            if (e.error().isRedirection()) {
                throw e;
            }
            return errorPage(e, web);
        }
    }

    private Response object(boolean head, Request headers) {
        String name = path.object();
        Response found = null;
        SwiftException failure = null;
        try {
            found = passthrough.object(name, head);
        } catch (SwiftException e) {
            failure = e;
        }
        if (found != null && !mayBeDirectoryMarker(found)) {
            return found;
        }
        if (found == null && failure.error() != SwiftError.NOT_FOUND) {
            throw failure; // other errors and redirections as they are, without error pages
        }
        WebSettings web = settings();
        if (found != null && !isDirectoryMarker(found, web)) {
            return found;
        }
        if (!web.mentionsListings() && !web.hasIndex()) {
            if (found != null) {
                return found;
            }
            throw failure;
        }
        if (web.hasIndex()) {
            String index = (name.endsWith("/") ? name : name + "/") + web.index();
            try {
                Response page = passthrough.object(index, head);
                return trailingSlash ? page : redirectWithSlash(headers);
            } catch (SwiftException e) {
                if (e.error().isRedirection()) {
                    if (!trailingSlash) {
                        return redirectWithSlash(headers);
                    }
                    throw e;
                }
                if (e.error() != SwiftError.NOT_FOUND) {
                    throw e;
                }
            }
        }
        if (!trailingSlash) {
            if (hasChildren(name + "/")) {
                return redirectWithSlash(headers);
            }
            return errorPage(SwiftError.NOT_FOUND.exception(), web);
        }
        return listing(name, web);
    }

    /** Only a successful reply of at most one byte can be a directory marker (the container need not be read otherwise). */
    private static boolean mayBeDirectoryMarker(Response r) {
        Object length = r.getHeaders().getFirst("Content-Length");
        return r.getStatusInfo().getFamily() == Response.Status.Family.SUCCESSFUL
                && (length == null || Long.parseLong(length.toString()) <= 1);
    }

    /** Directory markers (0 or 1 byte of the directory content type) read as absent. */
    private static boolean isDirectoryMarker(Response r, WebSettings web) {
        Object type = r.getHeaders().getFirst(RawContentType.RESPONSE_HEADER);
        return mayBeDirectoryMarker(r) && type != null && type.toString().equals(web.directoryContentType());
    }

    /** The HTML listing of the pseudo-directory {@code prefix} ("" for the container). */
    private Response listing(String prefix, WebSettings web) {
        String label = label(web);
        if (!web.listingsEnabled()) {
            String disabled = ListingPage.disabled(label, prefix, web.listingsCss(), web.index());
            return errorPage(SwiftError.NOT_FOUND.exception(disabled), web);
        }
        List<ListingPager.Entry<ObjectVersion>> rows;
        try {
            rows = list(prefix, LISTING_LIMIT);
        } catch (SwiftException refused) {
            return errorPage(refused, web);
        }
        if (!prefix.isEmpty() && rows.isEmpty()) {
            return errorPage(SwiftError.NOT_FOUND.exception(), web);
        }
        byte[] page = ListingPage.listing(label, prefix, web.listingsCss(), rows).getBytes(StandardCharsets.UTF_8);
        return RawContentType.set(Response.ok(page), "text/html; charset=UTF-8").header("Content-Length", page.length).build();
    }

    private boolean hasChildren(String prefix) {
        try {
            return !list(prefix, 1).isEmpty();
        } catch (SwiftException refused) {
            return false;
        }
    }

    /** A listing with delimiter {@code /}, authorized as the requester's container GET would be. */
    private List<ListingPager.Entry<ObjectVersion>> list(String prefix, int limit) {
        auth.authorize(who, "GET", path.account(), path.container(), null, referer);
        ListingPager<ObjectVersion> pager = new ListingPager<>(
                q -> metadata.listObjects(path.account(), path.container(), q), ObjectVersion::name);
        return pager.page(new ListingRequest(prefix.isEmpty() ? null : prefix, "/", null, null, limit, false, false));
    }

    /** The {@code <status><Web-Error>} object with the error's status, when there is one; else the error. */
    private Response errorPage(SwiftException failure, WebSettings web) {
        if (web.hasError()) {
            int status = failure.error().code();
            try {
                Response page = passthrough.object(status + web.error(), false);
                if (page.getStatusInfo().getFamily() == Response.Status.Family.SUCCESSFUL) {
                    return Response.fromResponse(page).status(status).build();
                }
            } catch (SwiftException noPage) {
                // no error page for this status: the plain error
            }
        }
        throw failure;
    }

    /** Swift redirects to the absolute URL, on the host the client asked for. */
    private Response redirectWithSlash(Request request) {
        String host = request.header("Host");
        String scheme = request.scheme() != null ? request.scheme() : "http";
        String location = scheme + "://" + (host != null ? host : "localhost") + UrlQuote.quote(decodedPath() + "/");
        byte[] body = SwiftError.MOVED_PERMANENTLY.page().getBytes(StandardCharsets.UTF_8);
        Response.ResponseBuilder moved = Response.status(SwiftError.MOVED_PERMANENTLY.code()).header("Location", location);
        return RawContentType.set(moved, "text/html; charset=UTF-8")
                .header("Content-Length", body.length).entity(body).build();
    }

    private String decodedPath() {
        return "/v1/" + path.account() + "/" + path.container() + (path.object() != null ? "/" + path.object() : "");
    }

    /** "Listing of ..." names the request's path, or the container's Web-Listings-Label and the path below it. */
    private String label(WebSettings web) {
        String full = decodedPath() + (trailingSlash && path.object() == null ? "/" : "");
        if (web.listingsLabel().isEmpty()) {
            return full;
        }
        return web.listingsLabel() + "/" + (path.object() != null ? path.object() : "");
    }

    private WebSettings settings() {
        return WebSettings.of(info.container(path.account(), path.container()));
    }
}
