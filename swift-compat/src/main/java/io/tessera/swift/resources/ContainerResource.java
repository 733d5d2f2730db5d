package io.tessera.swift.resources;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.ContainerAcl;
import io.tessera.swift.auth.OwnerHeaders;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.InfoSource;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.etag.EtagQuoter;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.MetadataHeaders;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.listing.ListingFormat;
import io.tessera.swift.listing.ListingPager;
import io.tessera.swift.listing.ListingRequest;
import io.tessera.swift.pithos.BlockUpload;
import io.tessera.swift.pithos.versions.ContainerPolicy;
import io.tessera.swift.pithos.versions.HistoryPurge;
import io.tessera.swift.pithos.versions.PithosVersions;
import io.tessera.swift.pithos.versions.UntilListing;
import io.tessera.swift.publiclinks.PublicLinks;
import io.tessera.swift.publiclinks.PublicListing;
import io.tessera.swift.quota.Quotas;
import io.tessera.swift.sharing.SharedListings;
import io.tessera.swift.sharing.SharedViews;
import io.tessera.swift.sharing.SharingAccess;
import io.tessera.swift.versioning.LegacyVersioning;
import io.tessera.swift.versioning.ObjectVersioning;
import io.tessera.swift.versioning.VersionListing;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code /v1/<account>/<container>}: create, metadata, listings, delete when empty. */
public final class ContainerResource {
    /** Container headers stored as they are, besides {@code X-Container-Meta-*}. */
    private static final List<String> STORED_HEADERS = List.of("x-container-read", "x-container-write",
            "x-container-sync-key");
    /**
     * When the container was last PUT or POSTed (Swift's put_timestamp): its Last-Modified. Stored
     * with the metadata under an internal key, which replies never show.
     */
    static final String MODIFIED = MetadataReplies.INTERNAL_PREFIX + "put-timestamp";

    private final SwiftServices services;
    private final String account;
    private final String container;
    /** Whether the requester owns the account: only owners see and set ACLs, sync and temporary URL keys. */
    private final boolean owner;

    private RequestContext context;
    private Principal reader;
    /** Allowed only because something in it is shared with the reader (Pithos): a limited view. */
    private boolean grantee;

    ContainerResource(SwiftServices services, String account, String container, boolean owner) {
        this.services = services;
        this.account = account;
        this.container = container;
        this.owner = owner;
    }

    /** Who reads, and whether only sharing lets them (then they see what is shared with them). */
    ContainerResource viewedBy(RequestContext context, Principal reader,
                               boolean grantee) {
        this.context = context;
        this.reader = reader;
        this.grantee = grantee;
        return this;
    }

    @PUT
    public Response create(@Context HttpHeaders headers) {
        String policy = headers.getHeaderString("X-Storage-Policy");
        if (policy != null && !policy.isBlank() && !policy.trim().equalsIgnoreCase("default")) {
            throw SwiftError.BAD_REQUEST.exception("Invalid X-Storage-Policy '" + policy.trim() + "'");
        }
        MultivaluedMap<String, String> h = ContainerPolicy.asSwift(headers.getRequestHeaders()); // Pithos policies
        Map<String, String> changes = changes(h);
        MetadataStore meta = services.store().metadata();
        versioning().containerChanges(account, container, h,
                meta.getContainer(account, container).map(ContainerInfo::metadata).orElse(Map.of()), changes);
        if (meta.createContainer(account, container, Timestamp.now(), MetadataHeaders.withoutRemovals(changes))) {
            return Response.status(Response.Status.CREATED).build();
        }
        update(changes);
        return Response.status(Response.Status.ACCEPTED).build();
    }

    @POST
    public Response post(@Context HttpHeaders headers, @Context UriInfo uri) {
        MultivaluedMap<String, String> h = ContainerPolicy.asSwift(headers.getRequestHeaders()); // Pithos policies
        Map<String, String> changes = changes(h);
        versioning().containerChanges(account, container, h, info().metadata(), changes);
        update(changes);
        // Pithos (kamaki checks it) answers 202 to a POST ?update; Swift 204
        return uri.getQueryParameters().containsKey("update") ? Response.accepted().build() : Response.noContent().build();
    }

    @HEAD
    public Response head(@Context UriInfo uri) {
        if (grantee) {
            ContainerInfo info = info();
            Response.ResponseBuilder reply = SharedViews.containerHeaders(
                    RawContentType.set(Response.noContent(), ListingFormat.PLAIN.contentType()), info, modified(info));
            BlockUpload.containerHeaders(reply, services.store().blockSize());
            return reply.build();
        }
        Response.ResponseBuilder reply = headers(RawContentType.set(Response.noContent(), ListingFormat.PLAIN.contentType()), info());
        if (UntilListing.asked(uri.getQueryParameters())) {
            UntilListing.replyHeader(reply, "Container", UntilListing.until(uri.getQueryParameters(), owner));
        }
        return reply.build();
    }

    @GET
    public Response list(@Context UriInfo uri, @Context HttpHeaders headers) {
        ContainerInfo info = info();
        ListingRequest req = ListingRequest.from(uri.getQueryParameters(), services.limits().containerListingLimit());
        if (VersionListing.asked(uri.getQueryParameters())) {
            VersionListing.checkAcceptable(uri.getQueryParameters().getFirst("format"), headers.getHeaderString("Accept"));
            byte[] page = new VersionListing(services.store().metadata(), account, container)
                    .page(uri.getQueryParameters(), req, info.metadata());
            return headers(RawContentType.set(Response.ok(page), ListingFormat.JSON.contentType()), info).build();
        }
        ListingFormat format = ListingFormat.choose(uri.getQueryParameters().getFirst("format"),
                headers.getHeaderString("Accept"));
        SharedViews.refuseUntil(grantee, uri.getQueryParameters());
        Timestamp until = UntilListing.asked(uri.getQueryParameters())
                ? UntilListing.until(uri.getQueryParameters(), owner) : null;
        List<ListingPager.Entry<ObjectVersion>> rows;
        if (until != null) {
            // Pithos' time travel: the container as it was then
            rows = new UntilListing(services.store().metadata()).objects(account, container, info.metadata(), req, until);
        } else {
            Function<ListQuery, List<ObjectVersion>> scan =
                    q -> services.store().metadata().listObjects(account, container, q);
            if (grantee || (owner && uri.getQueryParameters().containsKey("shared"))) {
                scan = new SharedListings(services.store().metadata(), rows(), account,
                        grantee ? reader : null).objects(container, scan);
            } else if (PublicListing.asked(uri.getQueryParameters(), owner)) {
                scan = PublicListing.objects(scan);
            }
            rows = new ListingPager<>(scan, ObjectVersion::name).page(req);
        }
        var groups = new SharingAccess(services.store().metadata(), rows()).groupsOf(account);
        String publicBase = owner ? PublicLinks.base(services.publicUrl(), uri.getBaseUri()) : null;
        boolean pithosFields = grantee || PithosVersions.extendedListing(uri.getQueryParameters());
        // Each feature's fields for the viewer: sharing's, public links' (owner only), and Pithos'
        // extended ones where the request is a Pithos client's (Swift's own rows stay as Swift has them).
        Function<ObjectVersion, Map<String, Object>> viewed = v -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            if (pithosFields) {
                fields.putAll(PithosVersions.listingFields(v));
            }
            fields.putAll(SharedListings.fields(v, reader, owner, groups));
            fields.putAll(PublicLinks.listingFields(v, publicBase));
            return fields;
        };
        if (grantee) {
            Response.ResponseBuilder limited = rows.isEmpty() && format == ListingFormat.PLAIN ? Response.noContent()
                    : Response.ok(format.objects(container, rows, viewed));
            limited = SharedViews.containerHeaders(limited, info, modified(info));
            BlockUpload.containerHeaders(limited, services.store().blockSize());
            return RawContentType.set(limited, format.contentType()).build();
        }
        Response.ResponseBuilder reply;
        if (rows.isEmpty() && format == ListingFormat.PLAIN) {
            reply = headers(RawContentType.set(Response.noContent(), ListingFormat.PLAIN.contentType()), info);
        } else {
            reply = headers(RawContentType.set(Response.ok(format.objects(container, rows, viewed)), format.contentType()), info);
        }
        if (until != null) {
            UntilListing.replyHeader(reply, "Container", until);
        }
        return reply.build();
    }

    @DELETE
    public Response delete(@Context UriInfo uri) {
        if (HistoryPurge.asked(uri.getQueryParameters())) {
            // Pithos' DELETE ?until=: the container's history up to then; its objects stay. A container that
            // is then empty goes, as a plain DELETE would: kamaki's `container delete` ends with
            // `DELETE ?until=<now, a float>`, which Pithos' integer-only parsing turns into a plain delete.
            if (!owner) {
                throw SwiftError.FORBIDDEN.exception();
            }
            Timestamp until = HistoryPurge.until(uri.getQueryParameters());
            new HistoryPurge(services.store().metadata(), account, container, info().metadata()).purgeContainer(until);
            new ObjectVersioning(services.store().metadata()).deleteIfEmpty(account, container);
            return Response.noContent().build();
        }
        versioning().beforeContainerDelete(account, container);
        return switch (services.store().metadata().deleteContainer(account, container)) {
            case DELETED -> Response.noContent().build();
            case NOT_FOUND -> throw SwiftError.NOT_FOUND.exception();
            case NOT_EMPTY -> throw SwiftError.CONFLICT.exception("There was a conflict when trying to complete your request.");
        };
    }

    private void update(Map<String, String> changes) {
        MetadataHeaders.checkTotal(info().metadata(), changes, "container", services.limits());
        changes.put(MODIFIED, String.valueOf(Timestamp.now().micros()));
        if (!services.store().metadata().updateContainerMetadata(account, container, changes)) {
            throw SwiftError.NOT_FOUND.exception();
        }
    }

    private Map<String, String> changes(MultivaluedMap<String, String> headers) {
        Quotas.checkContainerHeaders(headers);
        Map<String, String> changes = MetadataHeaders.changes(headers, "container", services.limits());
        LegacyVersioning.containerChanges(headers, changes, services.limits());
        EtagQuoter.changes(headers, "container", changes);
        for (String name : STORED_HEADERS) {
            String value = headers.getFirst(name);
            if (value != null) {
                String text = HeaderText.fromWire(value.trim());
                changes.put(name, name.startsWith("x-container-sync") ? text : ContainerAcl.clean(name, text));
            }
            if (headers.containsKey("x-remove-" + name.substring(2))) {
                changes.put(name, "");
            }
        }
        return OwnerHeaders.visibleTo(owner, changes);
    }

    static Timestamp modified(ContainerInfo info) {
        String m = info.metadata().get(MODIFIED);
        return m != null ? new Timestamp(Long.parseLong(m)) : info.created();
    }

    /** The rows the sharing checks read: the request's, or the shared cache (static web's listings). */
    private InfoSource rows() {
        return context != null ? context : services.store().info();
    }

    private ContainerInfo info() {
        return services.store().metadata().getContainer(account, container).orElseThrow(SwiftError.NOT_FOUND::exception);
    }

    private ObjectVersioning versioning() {
        return new ObjectVersioning(services.store().metadata());
    }

    private Response.ResponseBuilder headers(Response.ResponseBuilder reply, ContainerInfo info) {
        reply.header("X-Container-Object-Count", info.objectCount())
                .header("X-Container-Bytes-Used", versioning().bytesUsed(info))
                .header("X-Timestamp", info.created().toSwift())
                .header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(modified(info))))
                .header("X-Storage-Policy", "default")
                .header("Accept-Ranges", "bytes");
        BlockUpload.containerHeaders(reply, services.store().blockSize());
        MetadataReplies.addAll(reply::header, OwnerHeaders.visibleTo(owner, info.metadata()));
        LegacyVersioning.replyHeaders(reply, info.metadata());
        ObjectVersioning.replyHeaders(reply, info.metadata());
        ContainerPolicy.replyHeaders(reply, info.metadata());
        EtagQuoter.replyHeaders(reply, "container", info.metadata());
        return reply;
    }
}
