package io.tessera.swift.publiclinks;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.auth.TempUrlScope;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.reads.ObjectRead;
import io.tessera.swift.reads.ObjectReader;
import io.tessera.swift.reads.ObjectSources;
import io.tessera.swift.reads.ReadChain;
import io.tessera.swift.resources.COPY;
import io.tessera.swift.slo.StaticLargeObject;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.versioning.VersionNames;
import io.tessera.swift.versioning.VersionedObjects;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /public/<token>}: a public object, to anyone, without a token (Pithos {@code api/public.py}).
 * GET and HEAD only (anything else 405, {@code Allow: GET, HEAD}). The read goes down the same
 * {@link ReadChain} as an API GET, so ranges and conditional headers behave as there; it reaches the
 * published object and nothing else: a symlink or a large object (SLO, DLO) behind a public link is a
 * 404, since whoever may write the object could point it at any of the owner's objects. The request's query is not passed on (a public link names the current version of the
 * object; only {@code disposition-type} counts). The reply carries only what Pithos's restricted headers
 * carry: no {@code X-Object-*} header (not even the public URL), no {@code X-Timestamp}, no metadata.
 */
@Path("/public")
public final class PublicResource {
    /**
     * The headers a public reply keeps (any case), and the one that carries its Content-Type to the filter
     * that writes it out ({@link RawContentType}). Jetty adds Date; the API's filters add X-Trans-Id and an
     * X-Timestamp that is the request's time (the resource sets none), not the object's.
     */
    private static final Set<String> SHOWN = Set.of("content-type", "content-length", "content-range", "etag",
            "last-modified", "accept-ranges", "content-encoding", "content-disposition",
            RawContentType.RESPONSE_HEADER.toLowerCase(Locale.ROOT));
    private static final String ALLOW = "GET, HEAD";

    private final SwiftServices services;
    private final PublicLinks links;

    public PublicResource(SwiftServices services) {
        this.services = services;
        this.links = new PublicLinks(services.store().metadata());
    }

    @GET
    @Path("{token: .*}")
    public Response get(@PathParam("token") String token, @Context HttpHeaders headers, @Context UriInfo uri,
                        @Context ContainerRequestContext request) {
        return read(false, token, headers, uri, request);
    }

    @HEAD
    @Path("{token: .*}")
    public Response head(@PathParam("token") String token, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context ContainerRequestContext request) {
        return read(true, token, headers, uri, request);
    }

    @GET
    public Response bare() {
        throw notFound();
    }

    @HEAD
    public Response bareHead() {
        throw notFound();
    }

    @PUT
    @Path("{token: .*}")
    public Response put() {
        throw notAllowed();
    }

    @POST
    @Path("{token: .*}")
    public Response post() {
        throw notAllowed();
    }

    @DELETE
    @Path("{token: .*}")
    public Response delete() {
        throw notAllowed();
    }

    @COPY
    @Path("{token: .*}")
    public Response copy() {
        throw notAllowed();
    }

    @OPTIONS
    @Path("{token: .*}")
    public Response options() {
        throw notAllowed();
    }

    private Response read(boolean head, String token, HttpHeaders headers, UriInfo uri, ContainerRequestContext request) {
        Optional<ObjectVersion> published = links.lookup(token);
        if (published.isEmpty()) {
            throw notFound();
        }
        ObjectVersion v = published.get();
        if (reachesBeyond(v)) {
            throw notFound();
        }
        RequestContext context = RequestContext.of(request).at(v.account(), v.container(), v.name());
        // The bearer reaches this object and nothing else: a symlink's target, a large object's segments are
        // refused (404, above and below), whoever wrote them. Whoever may write the published object (a
        // container's writer, a user it is shared with for writing) could otherwise point it at anything of
        // the owner's. The scope is the container's versions (object versioning's link at the path leads
        // there, to this object's own version), which no request can name.
        context.authenticated(Optional.of(Principal.tempUrl(TempUrlScope.container(v.account(),
                VersionNames.hiddenContainer(v.container())))));
        ObjectReader chain = ReadChain.of(services, new ObjectSources(services, context, null));
        ObjectReader.Replied replied;
        try {
            replied = chain.read(ObjectRead.of(head, headers, new MultivaluedHashMap<>()));
        } catch (SwiftException e) {
            throw restricted(e);
        }
        // The chain read the path's row again: serve only if it is still the row this token publishes (an
        // unpublish or delete between the two reads wins).
        if (!PublicLinks.holds(replied.read().found(), token) || reachesBeyond(replied.read().found())) {
            throw notFound();
        }
        Response r = replied.reply();
        Response.ResponseBuilder reply = Response.status(r.getStatusInfo()).entity(r.getEntity());
        r.getHeaders().forEach((name, values) -> {
            if (SHOWN.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> reply.header(name, value));
            }
        });
        if (!head) {
            disposition(reply, r.getHeaderString("Content-Disposition"), uri.getQueryParameters().getFirst("disposition-type"),
                    v.name());
        }
        return reply.build();
    }

    /**
     * As Pithos ({@code put_object_headers}): {@code disposition-type=inline|attachment} gives
     * {@code <type>; filename="<name>"}; without a valid one, the object's own Content-Disposition stays, or
     * the type is {@code inline}.
     */
    private static void disposition(Response.ResponseBuilder reply, String own, String asked, String name) {
        boolean valid = "inline".equals(asked) || "attachment".equals(asked);
        if (own != null && !valid) {
            return;
        }
        reply.header("Content-Disposition", null);
        reply.header("Content-Disposition", (valid ? asked : "inline") + "; filename=\"" + quoted(name) + "\"");
    }

    /** The name percent-encoded where a quoted-string or a latin-1 header could not hold it as it is. */
    private static String quoted(String name) {
        StringBuilder b = new StringBuilder(name.length() + 8);
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** A refusal from the chain without the object's internals: out of the link's reach is 404. */
    private static SwiftException restricted(SwiftException e) {
        int status = e.error().code();
        if (status == 401 || status == 403 || status == 404) {
            return notFound();
        }
        e.headers().keySet().removeIf(h -> !SHOWN.contains(h.toLowerCase(Locale.ROOT)));
        return e;
    }

    /** A symlink or a large object: its bytes are other objects', out of a public link's reach. */
    private static boolean reachesBeyond(ObjectVersion v) {
        return (Symlink.isLink(v) && !VersionedObjects.isVersionLink(v))
                || StaticLargeObject.isSlo(v)
                || v.metadata().containsKey(ObjectBodies.DLO_MANIFEST);
    }

    private static SwiftException notFound() {
        return SwiftError.NOT_FOUND.exception("Object does not exist");
    }

    private static SwiftException notAllowed() {
        return SwiftError.METHOD_NOT_ALLOWED.exception(null).withHeader("Allow", ALLOW);
    }

    /** For tests: the headers a public reply may carry. */
    static List<String> shown() {
        return List.copyOf(SHOWN);
    }
}
