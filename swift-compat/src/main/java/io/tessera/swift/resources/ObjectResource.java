package io.tessera.swift.resources;

import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.ByteRanges;
import io.tessera.swift.http.ContainerNames;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.Preconditions;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.objects.ObjectBody;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.pithos.HashmapBody;
import io.tessera.swift.pithos.HashmapPut;
import io.tessera.swift.pithos.ObjectUpdate;
import io.tessera.swift.pithos.PithosQuery;
import io.tessera.swift.pithos.PrefixOperations;
import io.tessera.swift.pithos.UpdateMetadata;
import io.tessera.swift.pithos.versions.HistoryPurge;
import io.tessera.swift.pithos.versions.PithosStamp;
import io.tessera.swift.pithos.versions.PithosVersions;
import io.tessera.swift.pithos.versions.VersionList;
import io.tessera.swift.publiclinks.PublicLinks;
import io.tessera.swift.reads.ObjectRead;
import io.tessera.swift.reads.ObjectReader;
import io.tessera.swift.reads.ObjectSources;
import io.tessera.swift.reads.ReadChain;
import io.tessera.swift.sharing.SharingWrites;
import io.tessera.swift.slo.SloRequests;
import io.tessera.swift.slo.StaticLargeObject;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.symlink.SymlinkRequest;
import io.tessera.swift.symlink.Symlinks;
import io.tessera.swift.versioning.LegacyVersioning;
import io.tessera.swift.versioning.VersionedObjects;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.PathFeatures;
import io.tessera.swift.writes.Publisher;
import io.tessera.swift.writes.WriteContent;
import io.tessera.swift.writes.WritePipeline;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /v1/<account>/<container>/<object>}: the HTTP face of object reads and writes. */
public final class ObjectResource {
    private final SwiftServices services;
    private final RequestContext context;
    private final Optional<Principal> who;
    private final String referer;
    private final String account;
    private final String container;
    private final String name;
    private final ObjectWriter writer;
    private final ObjectSources sources;
    private final ObjectReader reads;

    ObjectResource(SwiftServices services, RequestContext context, String referer) {
        SwiftPath path = context.path();
        this.services = services;
        this.context = context;
        this.who = context.principal();
        this.referer = referer;
        this.account = path.account();
        this.container = path.container();
        this.name = path.object();
        this.writer = WritePipeline.of(services, context, referer);
        this.sources = new ObjectSources(services, context, referer);
        this.reads = ReadChain.of(services, sources);
    }

    @GET
    public Response get(@Context HttpHeaders headers, @Context UriInfo uri) {
        if (VersionList.asked(uri.getQueryParameters())) {
            sources.requireHistoryReader(account, container, name);
            requireContainer(container);
            return new VersionList(services.store().metadata(), account, container, name,
                    context.containerFromStore(account, container).orElseThrow().metadata())
                    .reply(uri.getQueryParameters(), headers.getHeaderString("Accept"));
        }
        return ownerView(reads.read(ObjectRead.of(false, headers, uri.getQueryParameters())), uri);
    }

    @HEAD
    public Response head(@Context HttpHeaders headers, @Context UriInfo uri) {
        return ownerView(reads.read(ObjectRead.of(true, headers, uri.getQueryParameters())), uri);
    }

    /** What only the owner sees of the path's row: its public URL (a Pithos public link). */
    private Response ownerView(ObjectReader.Replied replied, UriInfo uri) {
        if (who.isEmpty() || !who.get().owns(account) || PublicLinks.tokenOf(replied.read().found()) == null) {
            return replied.reply();
        }
        Response.ResponseBuilder reply = Response.fromResponse(replied.reply());
        PublicLinks.ownerHeader(reply::header, replied.read().found(), PublicLinks.base(services.publicUrl(), uri.getBaseUri()));
        return reply.build();
    }

    private PublicLinks publicLinks() {
        return new PublicLinks(services.store().metadata());
    }

    private HashmapPut hashmapPut() {
        return new HashmapPut(writer, new HashmapBody(services.store().blockSize()),
                services.md5s(), services.metrics().meter("pithos.hashmap.missing"));
    }

    private SloRequests slo() {
        return new SloRequests(services, context, referer);
    }


    @PUT
    public Response put(@Context HttpHeaders headers, @Context ContainerRequestContext request, @Context UriInfo uri,
                        InputStream body) {
        MultivaluedMap<String, String> h = headers.getRequestHeaders();
        if (ObjectRead.versionId(uri.getQueryParameters()) != null) {
            // PUT ?version-id=: that version becomes the current one (the body must be empty).
            requireContainer(container);
            long length = contentLength(headers);
            if (length > 0 || (length < 0 && hasByte(body))) {
                throw SwiftError.BAD_REQUEST.exception("PUT version-id requests require a zero byte body");
            }
            sources.requireOwner();
            return created(sources.versions().makeLatest(name, ObjectRead.versionId(uri.getQueryParameters()))).build();
        }
        boolean ifNoneMatchStar = ifNoneMatchStar(headers.getHeaderString("If-None-Match"));
        Boolean makePublic = PublicLinks.requested(h.getFirst(PublicLinks.HEADER)); // 400 before anything is written
        String copyFrom = headers.getHeaderString("X-Copy-From");
        if (copyFrom != null && "put".equals(uri.getQueryParameters().getFirst("multipart-manifest"))) {
            throw SwiftError.METHOD_NOT_ALLOWED.exception("Multipart Manifest PUTs cannot be COPY requests");
        }
        String moveFrom = headers.getHeaderString("X-Move-From");
        if (moveFrom != null) {
            if (copyFrom != null) {
                throw SwiftError.BAD_REQUEST.exception("X-Copy-From and X-Move-From cannot both be given");
            }
            // Pithos: the source's account is X-Source-Account (the requester's by default)
            ObjectLocation source = ObjectLocation.parse(moveFrom, sourceAccount(headers.getHeaderString("X-Source-Account")), "X-Move-From");
            return move(source, here(), headers, request, uri, ifNoneMatchStar);
        }
        if (copyFrom == null) {
            requireContainer(container);
        } else {
            String fromAccount = headers.getHeaderString("X-Copy-From-Account");
            ObjectLocation source = ObjectLocation.parse(copyFrom, sourceAccount(fromAccount != null ? fromAccount
                    : headers.getHeaderString("X-Source-Account")), "X-Copy-From");
            // As in Swift, the source is read (and refused or found missing) before the destination is checked.
            return copyOrBulk(source, here(), headers, request, uri, ifNoneMatchStar);
        }
        boolean manifestPut = "put".equals(uri.getQueryParameters().getFirst("multipart-manifest"));
        if (!manifestPut) {
            SloRequests.refuseReservedHeader(h.getFirst("X-Static-Large-Object"));
        }
        long length = contentLength(headers);
        Map<String, String> metadata = ObjectHeaders.fromRequest(h, services.limits());
        SharingWrites sharing = SharingWrites.of(services, context, h, account, container, name); // 400/403 first
        SymlinkRequest link = SymlinkRequest.of(h);
        // A link's type, when the client names none, is the symlink stage's to choose.
        String contentType = link != null ? RawContentType.of(request) : ObjectHeaders.contentType(
                RawContentType.of(request), ObjectHeaders.isTrue(h.getFirst("X-Detect-Content-Type")), name);
        SharingWrites.refuseDirectoryByGrantee(services, context, account,
                () -> services.store().metadata().getObject(account, container, name), contentType);
        if (PithosQuery.hashmap(uri.getQueryParameters()) && !manifestPut) {
            if (link != null) {
                // A link has no content of its own to name by hashmap; it is made by a plain PUT.
                throw SwiftError.BAD_REQUEST.exception("A symlink cannot be made from a hashmap: PUT it without ?hashmap");
            }
            return created(sharing.applied(madePublic(hashmapPut().put(new ObjectLocation(account, container, name), contentType, metadata,
                    ifNoneMatchStar, body, length, uri.getQueryParameters(), headers.getHeaderString("Accept")), makePublic), below())).build();
        }
        if (manifestPut) {
            if (sharing.asked() || makePublic != null) {
                // A manifest PUT may answer before it is written (heartbeat): its path state is set by a POST.
                throw SwiftError.BAD_REQUEST.exception("Set X-Object-Sharing and X-Object-Public of a manifest with a POST");
            }
            return slo().put(account, container, name, contentType, metadata, link,
                    headers.getHeaderString("ETag"), ifNoneMatchStar, ObjectHeaders.isTrue(uri.getQueryParameters().getFirst("heartbeat")),
                    headers.getHeaderString("Accept"), body, length);
        }
        ObjectVersion v = writer.write(new ObjectWrite(new ObjectLocation(account, container, name), contentType,
                metadata, headers.getHeaderString("ETag"), ifNoneMatchStar, new WriteContent.Body(body, length), link));
        return created(sharing.applied(madePublic(v, makePublic), below())).build();
    }

    @COPY
    public Response copyTo(@Context HttpHeaders headers, @Context ContainerRequestContext request, @Context UriInfo uri) {
        String destination = headers.getHeaderString("Destination");
        if (destination == null) {
            throw SwiftError.PRECONDITION_FAILED.exception("You must provide a Destination header");
        }
        String destAccount = headers.getHeaderString("Destination-Account");
        ObjectLocation target = ObjectLocation.parse(destination, destAccount != null ? SwiftPath.decode(destAccount) : account, "Destination");
        return copyOrBulk(here(), target, headers, request, uri, ifNoneMatchStar(headers.getHeaderString("If-None-Match")));
    }

    /** Pithos' MOVE: the source's map moves to {@code Destination} (no block is read or written). */
    @MOVE
    public Response moveTo(@Context HttpHeaders headers, @Context ContainerRequestContext request, @Context UriInfo uri) {
        String destination = headers.getHeaderString("Destination");
        if (destination == null) {
            throw SwiftError.BAD_REQUEST.exception("Missing Destination header");
        }
        String destAccount = headers.getHeaderString("Destination-Account");
        ObjectLocation target = ObjectLocation.parse(destination, destAccount != null ? SwiftPath.decode(destAccount) : account, "Destination");
        return move(here(), target, headers, request, uri, ifNoneMatchStar(headers.getHeaderString("If-None-Match")));
    }

    private ObjectLocation here() {
        return new ObjectLocation(account, container, name);
    }

    /**
     * A copy, or with Pithos' {@code ?delimiter} the object and everything under it, each object a write
     * of its own.
     */
    private Response copyOrBulk(ObjectLocation from, ObjectLocation to, HttpHeaders headers, ContainerRequestContext request,
                                UriInfo uri, boolean ifNoneMatchStar) {
        String delimiter = PrefixOperations.delimiter(uri.getQueryParameters());
        if (delimiter == null) {
            return copy(from, to, headers, request, uri, ifNoneMatchStar, false);
        }
        return bulk(false, from, to, delimiter, () -> copy(from, to, headers, request, uri, ifNoneMatchStar, false));
    }

    /**
     * Pithos' move: only the owner of the source's account may (403 otherwise, whatever the ACLs); the
     * destination is written as a copy of the whole version (the same map), then the source is deleted
     * as a DELETE would (in a versioned container, a delete there). Large objects and links move as they
     * are. With {@code ?delimiter}, everything under the object moves too.
     */
    private Response move(ObjectLocation from, ObjectLocation to, HttpHeaders headers, ContainerRequestContext request,
                          UriInfo uri, boolean ifNoneMatchStar) {
        PrefixOperations.requireOwner(who, from.account());
        Supplier<Response> one = () -> {
            Response r = copy(from, to, headers, request, uri, ifNoneMatchStar, true);
            if (!from.equals(to)) {
                removeAt(from);
            }
            return r;
        };
        String delimiter = PrefixOperations.delimiter(uri.getQueryParameters());
        return delimiter == null ? one.get() : bulk(true, from, to, delimiter, one);
    }

    /**
     * The object itself ({@code top}: absent is no error when something is under it), then each object
     * under {@code from + delimiter} copied or moved to the same name under {@code to + delimiter} as it
     * is (its own type and metadata), the names read a page at a time.
     */
    private Response bulk(boolean move, ObjectLocation from, ObjectLocation to, String delimiter,
                          Supplier<Response> top) {
        Response first = null;
        try {
            first = top.get();
        } catch (SwiftException e) {
            if (e.error() != SwiftError.NOT_FOUND) {
                throw e;
            }
            if (!services.authorizer(context).mayReadObject(who, from.account(), from.container(), from.object(), referer)) {
                throw Authorizer.denied(who, from.account());
            }
        }
        String fromPrefix = PrefixOperations.prefixOf(from.object(), delimiter);
        String toPrefix = PrefixOperations.prefixOf(to.object(), delimiter);
        boolean sameContainer = from.account().equals(to.account()) && from.container().equals(to.container());
        long done = 0;
        if (!(sameContainer && fromPrefix.equals(toPrefix))) {
            String skip = sameContainer && toPrefix.startsWith(fromPrefix) ? toPrefix : null;
            done = PrefixOperations.forEachUnder(services.store().metadata(), from.account(), from.container(), fromPrefix,
                    skip, n -> copyAsIs(new ObjectLocation(from.account(), from.container(), n),
                            new ObjectLocation(to.account(), to.container(), PrefixOperations.renamed(n, fromPrefix, toPrefix)),
                            move));
        }
        if (first == null && done == 0) {
            throw SwiftError.NOT_FOUND.exception();
        }
        return first != null ? first : Response.status(Response.Status.CREATED).header("Content-Length", 0).build();
    }

    /** One object of a bulk copy or move: the whole version as it is, through the write pipeline. */
    private void copyAsIs(ObjectLocation from, ObjectLocation to, boolean move) {
        if (!services.authorizer(context).mayReadObject(who, from.account(), from.container(), from.object(), referer)) {
            throw Authorizer.denied(who, from.account());
        }
        ObjectVersion source;
        try {
            source = sources.live(from.account(), from.container(), from.object());
        } catch (SwiftException gone) {
            return; // deleted since it was listed
        }
        if (VersionedObjects.isVersionLink(source)) {
            source = sources.follow(source, false).object();
        }
        checkNames(to);
        if (!services.authorizer(context).mayWriteObject(who, to.account(), to.container(), to.object())) {
            throw Authorizer.denied(who, to.account());
        }
        requireContainer(to.container(), to.account());
        writer.write(new ObjectWrite(to, source.contentType(), new LinkedHashMap<>(source.metadata()), null,
                false, new WriteContent.Copy(source)));
        if (move) {
            removeAt(from);
        }
    }

    /** One object of a container being emptied ({@link ContainerEmpty}): as its own DELETE would. */
    void deleteOne(ObjectLocation at) {
        removeAt(at);
    }

    /** Deletes the current version of {@code at} as a DELETE of it would (versioning applies). */
    private void removeAt(ObjectLocation at) {
        ObjectResource there = at.equals(here()) ? this
                : new ObjectResource(services, context.forPath(at.account(), at.container(), at.object()), referer);
        there.removeCurrent(null);
    }

    @POST
    public Response post(@Context HttpHeaders headers, @Context ContainerRequestContext request, @Context UriInfo uri,
                         InputStream body) {
        MultivaluedMap<String, String> h = headers.getRequestHeaders();
        if (ObjectUpdate.applies(h, RawContentType.of(request), uri.getQueryParameters())) {
            // a Pithos data update; X-Object-Public applies to its result, as Pithos does after the write
            Boolean makePublic = PublicLinks.requested(h.getFirst(PublicLinks.HEADER));
            ObjectVersion written = new ObjectUpdate(services, context, sources, writer, referer)
                    .write(headers, uri.getQueryParameters(), body);
            return ObjectUpdate.reply(madePublic(written, makePublic));
        }
        if (SymlinkRequest.asksForLink(h)) {
            throw SwiftError.BAD_REQUEST.exception("A PUT request is required to set a symlink target");
        }
        if (ObjectRead.versionId(uri.getQueryParameters()) != null) {
            throw SwiftError.BAD_REQUEST.exception("POST to a specific version is not allowed");
        }
        Boolean makePublic = PublicLinks.requested(h.getFirst(PublicLinks.HEADER));
        ObjectVersion v = sources.current();
        SloRequests.refuseReservedHeader(h.getFirst("X-Static-Large-Object"));
        Map<String, String> metadata = PithosQuery.update(uri.getQueryParameters())
                ? UpdateMetadata.of(v.metadata(), h, services.limits(), true) : ObjectHeaders.fromRequest(h, services.limits());
        ObjectHeaders.keepInternal(v.metadata(), metadata);
        PithosStamp.onMetadataPost(metadata, PithosStamp.user(who)); // a new version: the poster made it
        SharingWrites sharing = SharingWrites.of(services, context, h, account, container, name);
        metadata.putAll(StaticLargeObject.keptOnPost(v.metadata()));
        String requestedType = RawContentType.of(request);
        String contentType = requestedType != null ? ObjectHeaders.contentType(requestedType, false, name) : v.contentType();
        SharingWrites.refuseDirectoryByGrantee(services, context, account, () -> Optional.of(v), contentType);
        ObjectVersion updated = new ObjectVersion(account, container, name, Timestamp.now(), v.map(), v.etag(),
                contentType, metadata);
        // The same content under new metadata: a new reference to existing content (store/GC.md).
        updated = publicLinks().publishPost(v, updated, makePublic, WritePipeline.belowVersioning(services.store()));
        updated = sharing.applied(updated, below());
        // Pithos: a metadata POST makes a version, and says which
        Response.ResponseBuilder accepted = Response.accepted().header("X-Object-Version", PithosVersions.id(updated));
        if (VersionedObjects.isVersionLink(updated)) {
            sources.versions().postThrough(updated, metadata, requestedType != null ? contentType : null);
            return accepted.build();
        }
        Symlinks.redirectPost(updated);
        return accepted.build();
    }

    @DELETE
    public Response delete(@Context HttpHeaders headers, @Context UriInfo uri) {
        if (HistoryPurge.asked(uri.getQueryParameters())) {
            // Pithos' DELETE ?until=: the object's history up to then (and the object, if it is that old)
            sources.requireOwner();
            requireContainer(container);
            new HistoryPurge(services.store().metadata(), account, container,
                    context.containerFromStore(account, container).orElseThrow().metadata())
                    .purgeObject(name, HistoryPurge.until(uri.getQueryParameters()));
            return Response.noContent().build();
        }
        String delimiter = PrefixOperations.delimiter(uri.getQueryParameters());
        if (delimiter != null && uri.getQueryParameters().getFirst("multipart-manifest") == null) {
            return deleteWithDelimiter(delimiter);
        }
        Supplier<Boolean> plainDelete = plainDelete();
        if ("delete".equals(uri.getQueryParameters().getFirst("multipart-manifest"))) {
            String manifestVersion = ObjectRead.versionId(uri.getQueryParameters());
            if (manifestVersion == null) {
                return slo().delete(account, container, name, headers.getHeaderString("Accept"));
            }
            // the segments of that version's manifest, then that version (not the current one)
            return slo().deleteVersion(account, container, name, headers.getHeaderString("Accept"),
                    sources.versionNamed(manifestVersion),
                    () -> sources.versions().deleteVersion(name, manifestVersion, plainDelete).deleted());
        }
        String ifDeleteAt = headers.getHeaderString("X-If-Delete-At");
        if (ifDeleteAt != null) {
            long expected;
            try {
                expected = Long.parseLong(ifDeleteAt.trim());
            } catch (NumberFormatException e) {
                throw SwiftError.BAD_REQUEST.exception("Bad X-If-Delete-At header value");
            }
            String actual = sources.current().metadata().get(ObjectHeaders.DELETE_AT);
            if (actual == null || !actual.equals(Long.toString(expected))) {
                throw SwiftError.PRECONDITION_FAILED.exception(null);
            }
        }
        VersionedObjects.Deleted outcome = removeCurrent(ObjectRead.versionId(uri.getQueryParameters()));
        if (!outcome.deleted()) {
            SwiftException notFound = SwiftError.NOT_FOUND.exception();
            outcome.headers().forEach(notFound::withHeader);
            throw notFound;
        }
        Response.ResponseBuilder reply = Response.noContent();
        outcome.headers().forEach(reply::header);
        return reply.build();
    }

    /**
     * Pithos' {@code DELETE ?delimiter=/}: the object and everything under {@code name/}, each deleted as
     * its own DELETE would be; the owner's only (403 for anyone else, as Pithos). 404 when there was
     * nothing to delete.
     */
    private Response deleteWithDelimiter(String delimiter) {
        PrefixOperations.requireOwner(who, account);
        boolean itself = removeCurrent(null).deleted();
        long under = PrefixOperations.forEachUnder(services.store().metadata(), account, container,
                PrefixOperations.prefixOf(name, delimiter), null, n -> {
                    services.authorizer(context).authorize(who, "DELETE", account, container, n, referer);
                    removeAt(new ObjectLocation(account, container, n));
                });
        if (!itself && under == 0) {
            throw SwiftError.NOT_FOUND.exception();
        }
        return Response.noContent().build();
    }

    /** The delete of the row itself: what goes with it (its public link, its sharing) goes too. */
    private Supplier<Boolean> plainDelete() {
        return () -> {
            Optional<ObjectVersion> deleted = services.store().metadata().deleteObject(account, container, name, Timestamp.now())
                    .map(publicLinks()::deleted);
            SharingWrites.deleted(services, deleted); // the path's sharing goes with its row
            return deleted.isPresent();
        };
    }

    /** Deletes the current version (or {@code versionId}) as Swift's versioning middlewares would. */
    private VersionedObjects.Deleted removeCurrent(String versionId) {
        Supplier<Boolean> plainDelete = plainDelete();
        LegacyVersioning legacy = new LegacyVersioning(services.store(), context.fromStore(),
                WritePipeline.belowVersioning(services.store()));
        VersionedObjects.Deleted outcome;
        if (legacy.isConfiguredOn(account, container)) {
            // Swift's legacy mode sits in front of object versioning: it handles every DELETE here.
            outcome = new VersionedObjects.Deleted(legacy.delete(account, container, name, plainDelete), Map.of());
        } else if (versionId != null) {
            sources.requireOwner();
            outcome = sources.versions().deleteVersion(name, versionId, plainDelete);
        } else {
            outcome = sources.versions().delete(name, plainDelete)
                    .orElseGet(() -> new VersionedObjects.Deleted(plainDelete.get(), Map.of()));
        }
        return outcome;
    }

    /**
     * @param asIs          a move: a link or large object goes as it is (not its target's or segments'
     *                      bytes), and Range does not apply
     */
    private Response copy(ObjectLocation from, ObjectLocation to, HttpHeaders headers, ContainerRequestContext request,
                          UriInfo uri, boolean ifNoneMatchStar, boolean asIs) {
        Boolean makePublic = PublicLinks.requested(headers.getHeaderString(PublicLinks.HEADER));
        if (!services.authorizer(context).mayReadObject(who, from.account(), from.container(), from.object(), referer)) {
            throw Authorizer.denied(who, from.account());
        }
        String swiftVersion = from.equals(here()) ? ObjectRead.versionId(uri.getQueryParameters()) : null;
        // Pithos: X-Source-Version copies that version (a move always takes the latest, as Pithos')
        String pithosSourceVersion = asIs ? null : headers.getHeaderString("X-Source-Version");
        ObjectVersion found = swiftVersion != null ? sources.versionNamed(swiftVersion)
                : pithosSourceVersion != null
                ? sources.version(from.account(), from.container(), from.object(), pithosSourceVersion.trim())
                : sources.live(from.account(), from.container(), from.object());
        boolean linkItself = asIs ? !VersionedObjects.isVersionLink(found) : ObjectRead.linkItself(uri.getQueryParameters());
        ObjectVersion source = sources.follow(found, linkItself).object();
        // As Swift's copy middleware: the source is read (authorized, found) before the destination is written.
        checkNames(to);
        if (!services.authorizer(context).mayWriteObject(who, to.account(), to.container(), to.object())) {
            throw Authorizer.denied(who, to.account());
        }
        requireContainer(to.container(), to.account());
        Preconditions.check(headers, source.etag(), HttpDates.lastModifiedSeconds(source.timestamp()), false);
        boolean fresh = ObjectHeaders.isTrue(headers.getHeaderString("X-Fresh-Metadata"));
        // The source's sharing is its path's, not the copy's: the destination has what its headers set.
        Map<String, String> metadata = ObjectHeaders.merged(PathFeatures.stripped(source.metadata()),
                headers.getRequestHeaders(), services.limits(), fresh);
        SharingWrites sharing = SharingWrites.of(services, context, headers.getRequestHeaders(), to.account(),
                to.container(), to.object());
        // As Swift's copy middleware: the client's X-Symlink-* headers go with the PUT, over those a
        // copy of a link itself (?symlink=get) shows (a fresh copy takes no headers of the source's).
        Optional<Symlink> sourceLink = Symlink.of(source).filter(l -> !l.internal() && !fresh);
        SymlinkRequest link = sourceLink.isPresent()
                ? SymlinkRequest.copyOf(sourceLink.get(), headers.getRequestHeaders())
                : SymlinkRequest.of(headers.getRequestHeaders());
        // Pithos' ?ignore_content_type: the request's Content-Type does not apply to the copy
        String requestedType = uri.getQueryParameters().containsKey("ignore_content_type") ? null : RawContentType.of(request);
        String contentType = requestedType != null && !requestedType.isBlank()
                ? requestedType.trim() : source.contentType();
        boolean manifestItself = asIs || ObjectRead.manifestItself(uri.getQueryParameters());
        if (manifestItself && StaticLargeObject.isSlo(source)) {
            Response r = slo().copyManifest(source, to.account(), to.container(), to.object(), contentType, metadata,
                    link, ifNoneMatchStar, headers.getHeaderString("Accept"));
            boolean created = r.getStatus() == Response.Status.CREATED.getStatusCode();
            return created ? copied(Response.fromResponse(r), from, source).build() : r;
        }
        ObjectBody body = sources.body(source, manifestItself, ObjectRead.rawManifest(uri.getQueryParameters()));
        boolean largeObjectBytes = (source.metadata().containsKey(ObjectBodies.DLO_MANIFEST)
                || StaticLargeObject.isSlo(source)) && !manifestItself;
        if (largeObjectBytes) {
            // the copy holds the segments' bytes, not the manifest
            metadata.remove(ObjectBodies.DLO_MANIFEST);
            StaticLargeObject.forget(metadata);
        }
        List<ByteRanges.Range> ranges = asIs ? null : ByteRanges.parse(headers.getHeaderString("Range"), body.length());
        WriteContent content;
        if (ranges == null && !largeObjectBytes) {
            // The whole of one object: a new version of the same map, no block moves.
            content = new WriteContent.Copy(source);
        } else if (ranges == null || ranges.size() == 1) {
            // Part of an object, or a large object's segments, is new content: its blocks are cut anew
            // (those that line up with existing blocks deduplicate).
            long start = ranges == null ? 0 : ranges.get(0).start();
            long end = ranges == null ? body.length() : ranges.get(0).end() + 1;
            content = new WriteContent.Slice(body, start, end);
        } else {
            throw ByteRanges.unsatisfiable(body.length());
        }
        ObjectVersion v = writer.write(new ObjectWrite(to, contentType, metadata, null, ifNoneMatchStar, content, link));
        return copied(created(sharing.applied(madePublic(v, makePublic), below())), from, source).build();
    }

    /** A PUT's or COPY's {@code X-Object-Public} (null: none), applied to the row it wrote. */
    private ObjectVersion madePublic(ObjectVersion written, Boolean makePublic) {
        return makePublic == null ? written
                : publicLinks().set(written, makePublic, WritePipeline.belowVersioning(services.store()));
    }

    private Publisher below() {
        return WritePipeline.belowVersioning(services.store());
    }

    private static Response.ResponseBuilder copied(Response.ResponseBuilder reply, ObjectLocation from, ObjectVersion source) {
        return reply
                .header("X-Copied-From", encode(from.container()) + "/" + encode(from.object()))
                .header("X-Copied-From-Account", encode(from.account()))
                .header("X-Copied-From-Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(source.timestamp())));
    }

    private static Response.ResponseBuilder created(ObjectVersion v) {
        Response.ResponseBuilder reply = Response.status(Response.Status.CREATED);
        PithosVersions.createdHeaders(reply, v); // the version made, its UUID and author
        return VersionedObjects.created(reply
                .header("ETag", v.etag())
                .header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(v.timestamp())))
                .header("X-Timestamp", v.timestamp().toSwift())
                .header("X-Object-Hash", v.map().merkleRoot().toHex())
                .header("Content-Length", 0), v);
    }

    private static boolean hasByte(InputStream body) {
        try {
            return body != null && body.read() >= 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A destination named by a header is held to the limits a PUT's path is (as the PUT Swift's copy
     * middleware makes would be): 400 for a name too long or a container name Swift refuses.
     */
    private void checkNames(ObjectLocation to) {
        int length = to.object().getBytes(StandardCharsets.UTF_8).length;
        if (length > services.limits().maxObjectNameLength()) {
            throw SwiftError.BAD_REQUEST.exception("Object name length of " + length + " longer than "
                    + services.limits().maxObjectNameLength());
        }
        ContainerNames.check(to.container(), services.limits());
    }

    private void requireContainer(String c) {
        requireContainer(c, account);
    }

    private void requireContainer(String c, String acct) {
        if (context.containerFromStore(acct, c).isEmpty()) {
            throw SwiftError.NOT_FOUND.exception();
        }
    }

    private String sourceAccount(String header) {
        return header != null ? SwiftPath.decode(header) : account;
    }

    private static boolean ifNoneMatchStar(String value) {
        if (value == null) {
            return false;
        }
        if (!value.trim().equals("*")) {
            throw SwiftError.BAD_REQUEST.exception("If-None-Match only supports *");
        }
        return true;
    }

    /** The announced body length, -1 for chunked; 411 when neither is given, 413 over the limit. */
    private long contentLength(HttpHeaders headers) {
        String te = headers.getHeaderString("Transfer-Encoding");
        String cl = headers.getHeaderString("Content-Length");
        if (te != null) {
            if (te.trim().equalsIgnoreCase("chunked")) {
                return -1;
            }
            throw SwiftError.NOT_IMPLEMENTED.exception(); // gzip, deflate...: Swift implements none of them
        }
        if (cl == null) {
            throw SwiftError.LENGTH_REQUIRED.exception();
        }
        long length;
        try {
            length = Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            throw SwiftError.BAD_REQUEST.exception("Invalid Content-Length");
        }
        if (length < 0) {
            throw SwiftError.BAD_REQUEST.exception("Invalid Content-Length");
        }
        if (length > services.limits().maxFileSize()) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Your request is too large.");
        }
        return length;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
    }
}
