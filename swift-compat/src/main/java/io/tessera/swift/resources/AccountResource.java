package io.tessera.swift.resources;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.store.ListQuery;
import io.tessera.store.Timestamp;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.AccountAcl;
import io.tessera.swift.auth.OwnerHeaders;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.etag.EtagQuoter;
import io.tessera.swift.http.AccountSpaceHeaders;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.MetadataHeaders;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.listing.ListingFormat;
import io.tessera.swift.listing.ListingPager;
import io.tessera.swift.listing.ListingRequest;
import io.tessera.swift.pithos.versions.UntilListing;
import io.tessera.swift.publiclinks.PublicListing;
import io.tessera.swift.quota.Quotas;
import io.tessera.swift.sharing.Groups;
import io.tessera.swift.sharing.SharedListings;
import io.tessera.swift.sharing.SharedViews;
import io.tessera.swift.sharing.SharingWrites;
import io.tessera.swift.versioning.ObjectVersioning;
import io.tessera.swift.versioning.Versioning;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code /v1/<account>}: usage and metadata (HEAD), container listings (GET), metadata updates (POST). */
public final class AccountResource {
    private final SwiftServices services;
    private final String account;
    /** Whether the requester owns the account: only owners see and set ACLs and temporary URL keys. */
    private final boolean owner;
    /** Whether the requester is a reseller admin: only they set the account's quota. */
    private final boolean reseller;

    private RequestContext context;
    private Principal reader;
    /** Allowed only because something in it is shared with the reader (Pithos): a limited view. */
    private boolean grantee;

    AccountResource(SwiftServices services, String account, boolean owner, boolean reseller) {
        this.services = services;
        this.account = account;
        this.owner = owner;
        this.reseller = reseller;
    }

    /** Who reads, and whether only sharing lets them (then they see what is shared with them). */
    AccountResource viewedBy(RequestContext context, Principal reader,
                             boolean grantee) {
        this.context = context;
        this.reader = reader;
        this.grantee = grantee;
        return this;
    }

    @HEAD
    public Response head(@Context UriInfo uri) {
        if (grantee) {
            return SharedViews.accountHead(info()).build();
        }
        Response.ResponseBuilder reply = headers(RawContentType.set(Response.noContent(), ListingFormat.PLAIN.contentType()), info());
        if (UntilListing.asked(uri.getQueryParameters())) {
            UntilListing.replyHeader(reply, "Account", UntilListing.until(uri.getQueryParameters(), owner));
        }
        return AccountSpaceHeaders.add(reply, services.store(), account).build();
    }

    @GET
    public Response list(@Context UriInfo uri, @Context HttpHeaders headers) {
        AccountInfo info = info();
        ListingRequest req = ListingRequest.from(uri.getQueryParameters(), services.limits().accountListingLimit());
        ListingFormat format = ListingFormat.choose(uri.getQueryParameters().getFirst("format"),
                headers.getHeaderString("Accept"));
        Function<ListQuery, List<ContainerInfo>> scan =
                q -> services.store().metadata().listContainers(account, Versioning.withoutReserved(q));
        if (grantee || (owner && uri.getQueryParameters().containsKey("shared"))) {
            SharedViews.refuseUntil(grantee, uri.getQueryParameters());
            scan = new SharedListings(services.store().metadata(),
                    context != null ? context : services.store().info(), account,
                    grantee ? reader : null).containers(scan);
        } else if (PublicListing.asked(uri.getQueryParameters(), owner)) {
            scan = PublicListing.containers(scan, services.store().metadata(), account);
        }
        ListingPager<ContainerInfo> pager = new ListingPager<>(scan, ContainerInfo::name);
        ObjectVersioning versioning = new ObjectVersioning(services.store().metadata());
        Timestamp until = UntilListing.asked(uri.getQueryParameters())
                ? UntilListing.until(uri.getQueryParameters(), owner) : null;
        List<ListingPager.Entry<ContainerInfo>> rows = until != null
                // Pithos' time travel: the containers there were then
                ? new UntilListing(services.store().metadata()).containers(account, req, until, versioning::withVersionBytes)
                : pager.page(req).stream()
                .map(e -> e.item() == null ? e : new ListingPager.Entry<>(versioning.withVersionBytes(e.item()), null))
                .toList();
        if (grantee) {
            Response.ResponseBuilder limited = rows.isEmpty() && format == ListingFormat.PLAIN ? Response.noContent()
                    : Response.ok(format.containers(account, rows));
            return RawContentType.set(SharedViews.accountHeaders(limited, info), format.contentType()).build();
        }
        Response.ResponseBuilder reply = rows.isEmpty() && format == ListingFormat.PLAIN
                ? headers(RawContentType.set(Response.noContent(), ListingFormat.PLAIN.contentType()), info)
                : headers(RawContentType.set(Response.ok(format.containers(account, rows)), format.contentType()), info);
        if (until != null) {
            UntilListing.replyHeader(reply, "Account", until);
        }
        return reply.build();
    }

    @POST
    public Response update(@Context HttpHeaders headers, @Context UriInfo uri) {
        Quotas.checkAccountHeaders(headers.getRequestHeaders(), reseller);
        Map<String, String> changes = OwnerHeaders.visibleTo(owner,
                MetadataHeaders.changes(headers.getRequestHeaders(), "account", services.limits()));
        EtagQuoter.changes(headers.getRequestHeaders(), "account", changes);
        String acl = headers.getHeaderString(AccountAcl.HEADER);
        if (acl != null && owner) {
            changes.put(AccountAcl.METADATA_KEY, AccountAcl.validate(acl));
        }
        MetadataHeaders.checkTotal(info().metadata(), changes, "account", services.limits());
        // Pithos groups (X-Account-Group-*): the owner's, replaced whole or merged with ?update.
        boolean update = uri.getQueryParameters().containsKey("update");
        var groups = Groups.fromRequest(headers.getRequestHeaders());
        if (!groups.isEmpty() && owner) {
            changes.putAll(Groups.changes(info().metadata(), groups, update));
            SharingWrites.groupsChanging(services, account, groups);
        }
        services.store().metadata().updateAccountMetadata(account, changes);
        return update ? Response.accepted().build() : Response.noContent().build();
    }

    @PUT
    public Response create() {
        throw SwiftError.METHOD_NOT_ALLOWED.exception(); // accounts are created on first use (autocreate)
    }

    @DELETE
    public Response delete() {
        throw SwiftError.METHOD_NOT_ALLOWED.exception();
    }

    private AccountInfo info() {
        return services.store().metadata().getAccount(account)
                .orElseGet(() -> new AccountInfo(account, Timestamp.now(), Map.of(), 0, 0, 0));
    }

    private Response.ResponseBuilder headers(Response.ResponseBuilder reply, AccountInfo info) {
        reply.header("X-Account-Container-Count", info.containerCount())
                .header("X-Account-Object-Count", info.objectCount())
                .header("X-Account-Bytes-Used", info.bytesUsed())
                .header("X-Timestamp", info.created().toSwift())
                .header("X-Account-Storage-Policy-Default-Container-Count", info.containerCount())
                .header("X-Account-Storage-Policy-Default-Object-Count", info.objectCount())
                .header("X-Account-Storage-Policy-Default-Bytes-Used", info.bytesUsed());
        MetadataReplies.addAll(reply::header, OwnerHeaders.visibleTo(owner, info.metadata()));
        if (owner) {
            Groups.replyHeaders(reply::header, info.metadata());
        }
        EtagQuoter.replyHeaders(reply, "account", info.metadata());
        String acl = owner ? AccountAcl.replyHeader(info.metadata()) : null;
        if (acl != null) {
            reply.header(AccountAcl.HEADER, acl);
        }
        return reply;
    }
}
