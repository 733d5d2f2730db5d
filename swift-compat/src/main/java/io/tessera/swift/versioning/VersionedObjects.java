package io.tessera.swift.versioning;

import io.tessera.swift.context.ContainerRows;
import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import io.tessera.store.Store;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.UrlQuote;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.slo.StaticLargeObject;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.symlink.SymlinkResolver;
import io.tessera.swift.symlink.Symlinks;
import io.tessera.swift.writes.Publisher;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Swift's object_versioning on the object side, over our rows. In a container where versioning is
 * enabled every write also lands, under {@link VersionNames#versionObject}, in the hidden versions
 * container, and the object's own row becomes an internal static symlink to it (zero bytes; reads
 * follow it). Both rows name the same map: a version costs a row, never a block. A DELETE leaves a
 * zero-byte delete marker version. {@code ?version-id=} reads, deletes or re-links one version.
 *
 * <p>An object written while versioning was off (or before it was on) is the "null" version: a plain
 * row, archived into the hidden container (under its own timestamp) when versioning overwrites it.
 */
public final class VersionedObjects {
    public static final String DELETE_MARKER_TYPE = LegacyVersioning.DELETE_MARKER_TYPE;
    public static final String VERSION_ID = "X-Object-Version-Id";
    /** On a version link: the Merkle root of the version it points at (its own map is the empty one). */
    public static final String LINKED_HASH = io.tessera.swift.http.MetadataReplies.INTERNAL_PREFIX + "linked-merkle-root";
    private static final String NULL = "null";

    private final MetadataStore metadata;
    private final ContainerRows rows;
    private final Publisher below;
    private final String account;
    private final String container;
    private Map<String, String> containerMetadata;

    /** @param below the write pipeline below versioning: every row this writes goes there */
    public VersionedObjects(Store store, ContainerRows rows, Publisher below, String account, String container) {
        this.metadata = store.metadata();
        this.rows = rows;
        this.below = below;
        this.account = account;
        this.container = container;
    }

    private Map<String, String> containerMetadata() {
        if (containerMetadata == null) {
            containerMetadata = rows.container(account, container).map(ContainerInfo::metadata).orElse(Map.of());
        }
        return containerMetadata;
    }

    private Optional<String> hidden() {
        return ObjectVersioning.hiddenContainer(containerMetadata());
    }

    /** Whether versioning was ever enabled here (then reads say which version they return). */
    public boolean isVersioned() {
        return hidden().isPresent();
    }

    private boolean isEnabled() {
        return hidden().isPresent() && ObjectVersioning.isEnabled(containerMetadata());
    }

    /** Whether {@code v} is the link object versioning keeps in an object's own row. */
    public static boolean isVersionLink(ObjectVersion v) {
        return Symlink.of(v).map(Symlink::internal).orElse(false);
    }

    /** The version id a version link points at. */
    private static Optional<String> linkedVersionId(ObjectVersion v) {
        return Symlink.of(v).filter(Symlink::internal)
                .flatMap(l -> VersionNames.parse(l.targetObject()))
                .map(p -> VersionNames.id(p.version()));
    }

    // ---- writes ----

    /**
     * What to publish in place of {@code next} (a PUT or COPY into this container): {@code next} itself,
     * or, when versioning is enabled, a link to {@code next} stored as a new version.
     */
    public ObjectVersion beforePublish(ObjectVersion next) {
        Optional<String> hidden = hidden();
        if (!isEnabled()) {
            return next;
        }
        archiveNullVersion(next.name(), hidden.get());
        Timestamp version = VersionNames.newVersion();
        Map<String, String> dataMetadata = new LinkedHashMap<>(next.metadata());
        dataMetadata.remove(ObjectHeaders.DELETE_AT); // expiry applies to the link, never to the version
        ObjectVersion data = new ObjectVersion(account, hidden.get(), VersionNames.versionObject(next.name(), version),
                version, next.map(), next.etag(), next.contentType(), dataMetadata);
        publishIn(data);
        return linkTo(data, next.name(), next.metadata());
    }

    private ObjectVersion linkTo(ObjectVersion data, String name, Map<String, String> requestMetadata) {
        Symlink link = new Symlink(null, UrlQuote.quote(data.container() + "/" + data.name()), data.etag(),
                StaticLargeObject.listedBytes(data), true);
        Map<String, String> linkMetadata = new LinkedHashMap<>(requestMetadata);
        // Large-object manifests are the version's: the link itself is never one (Swift strips these too).
        linkMetadata.remove(io.tessera.swift.objects.ObjectBodies.DLO_MANIFEST);
        StaticLargeObject.forget(linkMetadata);
        linkMetadata.remove(Symlinks.SLO_ETAG);
        StaticLargeObject.listedSloEtag(data).ifPresent(etag -> linkMetadata.put(Symlinks.SLO_ETAG, etag));
        linkMetadata.putAll(link.toMetadata());
        linkMetadata.put(LINKED_HASH, data.map().merkleRoot().toHex());
        return new ObjectVersion(account, container, name, Timestamp.now(), EmptyContent.MAP, EmptyContent.MD5,
                data.contentType(), linkMetadata);
    }

    /** The current object, if it is a plain ("null") version, is kept as a version before it is replaced. */
    private void archiveNullVersion(String name, String hidden) {
        metadata.getObject(account, container, name)
                .filter(v -> !ObjectHeaders.isExpired(v.metadata()) && !isVersionLink(v))
                .ifPresent(current -> {
                    Timestamp at = new Timestamp(current.timestamp().micros() / 10 * 10);
                    publishIn(new ObjectVersion(account, hidden, VersionNames.versionObject(name, at), at,
                            current.map(), current.etag(), current.contentType(), current.metadata()));
                });
    }

    private void publishIn(ObjectVersion v) {
        if (rows.container(v.account(), v.container()).isEmpty()) {
            throw SwiftError.INTERNAL_ERROR.exception(
                    "The versions container does not exist. You may want to re-enable object versioning.");
        }
        // A version names the content of the write it keeps, or of the object it archives: existing content.
        below.publish(v, true);
    }

    /** The reply to a write that published {@code published}: the version's ETag and id. */
    public static Response.ResponseBuilder created(Response.ResponseBuilder reply, ObjectVersion published) {
        Optional<Symlink> link = Symlink.of(published).filter(Symlink::internal);
        if (link.isPresent()) {
            reply.header("ETag", null).header("ETag", link.get().etag());
            String root = published.metadata().get(LINKED_HASH);
            if (root != null) {
                reply.header("X-Object-Hash", null).header("X-Object-Hash", root); // the version's, not the link's
            }
            linkedVersionId(published).ifPresent(id -> reply.header(VERSION_ID, id));
        }
        return reply;
    }

    /** The outcome of a DELETE: whether something was deleted, and the reply headers to add. */
    public record Deleted(boolean deleted, Map<String, String> headers) {
    }

    /** A DELETE without version-id: with versioning enabled, a delete marker is written first. */
    public Optional<Deleted> delete(String name, java.util.function.Supplier<Boolean> plainDelete) {
        if (!isEnabled()) {
            return Optional.empty();
        }
        archiveNullVersion(name, hidden().get());
        Timestamp version = VersionNames.newVersion();
        publishIn(new ObjectVersion(account, hidden().get(), VersionNames.versionObject(name, version), version,
                EmptyContent.MAP, EmptyContent.MD5, DELETE_MARKER_TYPE, Map.of()));
        return Optional.of(new Deleted(plainDelete.get(), Map.of(VERSION_ID, VersionNames.id(version))));
    }

    // ---- ?version-id= ----

    private Timestamp versionParam(String id) {
        if (hidden().isEmpty()) {
            throw SwiftError.BAD_REQUEST.exception("version-aware operations require that the container is versioned");
        }
        return VersionNames.parseId(id, "Invalid version parameter");
    }

    /** The version a GET, HEAD or COPY with {@code ?version-id=id} reads; 404 for a delete marker. */
    public ObjectVersion read(String name, String id) {
        if (NULL.equals(id)) {
            return metadata.getObject(account, container, name)
                    .filter(v -> !ObjectHeaders.isExpired(v.metadata()) && !isVersionLink(v))
                    .orElseThrow(SwiftError.NOT_FOUND::exception);
        }
        Timestamp version = versionParam(id);
        ObjectVersion v = metadata.getObject(account, hidden().get(), VersionNames.versionObject(name, version))
                .orElseThrow(SwiftError.NOT_FOUND::exception);
        if (DELETE_MARKER_TYPE.equals(v.contentType())) {
            throw SwiftError.NOT_FOUND.exception().withHeader(VERSION_ID, id).withHeader("Content-Type", DELETE_MARKER_TYPE);
        }
        return v;
    }

    /**
     * DELETE {@code ?version-id=id}: that version goes; if the object's link pointed at it, the link goes
     * too (no older version takes its place). {@code null} deletes the object's own row.
     */
    public Deleted deleteVersion(String name, String id, java.util.function.Supplier<Boolean> plainDelete) {
        if (NULL.equals(id)) {
            return new Deleted(plainDelete.get(), Map.of());
        }
        Timestamp version = versionParam(id);
        String versionObject = VersionNames.versionObject(name, version);
        Optional<ObjectVersion> current = metadata.getObject(account, container, name)
                .filter(v -> !ObjectHeaders.isExpired(v.metadata()));
        String currentId = NULL;
        boolean pointsHere = current.flatMap(v -> Symlink.of(v).filter(Symlink::internal))
                .map(l -> l.targetContainer().equals(hidden().get()) && l.targetObject().equals(versionObject))
                .orElse(false);
        if (pointsHere) {
            plainDelete.get();
        } else if (current.isPresent()) {
            currentId = linkedVersionId(current.get()).orElse(NULL);
        }
        boolean deleted = metadata.deleteObject(account, hidden().get(), versionObject, Timestamp.now()).isPresent();
        return new Deleted(deleted, Map.of(VERSION_ID, id, "X-Object-Current-Version-Id", currentId));
    }

    /**
     * PUT {@code ?version-id=id} (zero-byte body): that version becomes the current one. The new link
     * is written below versioning (not versioned again; zero bytes, so no quota), as Swift's
     * object_versioning writes it.
     */
    public ObjectVersion makeLatest(String name, String id) {
        Timestamp version = versionParam(id);
        ObjectVersion data = metadata.getObject(account, hidden().get(), VersionNames.versionObject(name, version))
                .orElseThrow(() -> SwiftError.NOT_FOUND.exception("The specified version does not exist"));
        return below.publish(linkTo(data, name, Map.of()), false); // the empty map is never stored
    }

    /**
     * A POST to a version link updates the link (done by the caller) and the version it points at, as
     * Swift's object_versioning forwards it; expiry headers stay on the link.
     */
    public void postThrough(ObjectVersion link, Map<String, String> requestMetadata, String contentTypeOrNull) {
        Symlink l = Symlink.of(link).orElseThrow();
        metadata.getObject(account, l.targetContainer(), l.targetObject()).ifPresent(data -> {
            Map<String, String> updated = new LinkedHashMap<>(requestMetadata);
            updated.remove(ObjectHeaders.DELETE_AT);
            updated.keySet().removeIf(k -> k.startsWith(io.tessera.swift.http.MetadataReplies.INTERNAL_PREFIX)); // the link's
            ObjectHeaders.keepInternal(data.metadata(), updated);
            String manifest = data.metadata().get(io.tessera.swift.objects.ObjectBodies.DLO_MANIFEST);
            if (manifest != null) {
                updated.putIfAbsent(io.tessera.swift.objects.ObjectBodies.DLO_MANIFEST, manifest);
            }
            below.publish(new ObjectVersion(data.account(), data.container(), data.name(), Timestamp.now(),
                    data.map(), data.etag(), contentTypeOrNull != null ? contentTypeOrNull : data.contentType(),
                    updated), true);
        });
    }

    // ---- replies to reads ----

    /**
     * The headers a read in a versioned container carries: which version it returned
     * ({@code X-Object-Version-Id}), and where a version link led, as {@code ?version-id=} paths.
     *
     * @param found      the object's row (or the version read by id)
     * @param read       what the read returned after following links
     * @param versionId  the {@code version-id} parameter, or null
     * @param linkItself {@code ?symlink=get}
     */
    public Response decorate(Response reply, ObjectVersion found, SymlinkResolver.Followed read, String versionId,
                             boolean linkItself) {
        if (versionId != null) {
            return Response.fromResponse(reply).header(VERSION_ID, versionId).build();
        }
        if (!isVersioned()) {
            return reply;
        }
        Response.ResponseBuilder b = Response.fromResponse(reply);
        Optional<String> linked = linkedVersionId(found);
        if (linkItself) {
            b.header(VERSION_ID, linked.orElse(NULL));
            linked.ifPresent(id -> b.header("X-Symlink-Target", null).header("X-Symlink-Target",
                    UrlQuote.quote(container + "/" + found.name()) + "?version-id=" + id));
        } else {
            // As Swift: the version is the one the last link followed landed on, if it is one of ours.
            String lastHop = read.contentLocation();
            String hiddenPath = "/v1/" + UrlQuote.quote(account) + "/" + UrlQuote.quote(hidden().get()) + "/";
            Optional<VersionNames.Parsed> landed = lastHop != null && lastHop.startsWith(hiddenPath)
                    ? VersionNames.parse(java.net.URLDecoder.decode(lastHop.substring(hiddenPath.length()),
                            java.nio.charset.StandardCharsets.UTF_8))
                    : Optional.empty();
            if (landed.isPresent()) {
                String id = VersionNames.id(landed.get().version());
                b.header(VERSION_ID, id)
                        .header("Content-Location", null)
                        .header("Content-Location", UrlQuote.quote("/v1/" + account + "/" + container + "/"
                                + landed.get().object()) + "?version-id=" + id);
            } else {
                b.header(VERSION_ID, NULL);
            }
        }
        return b.build();
    }

    /** Fields a JSON listing row of a version link shows: the version's size and ETag, and its path by id. */
    public static Map<String, Object> listingFields(ObjectVersion v) {
        Optional<Symlink> link = Symlink.of(v).filter(Symlink::internal);
        if (link.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", link.get().bytes());
        m.put("hash", link.get().etag());
        linkedVersionId(v).ifPresent(id -> m.put("symlink_path",
                UrlQuote.quote("/v1/" + v.account() + "/" + v.container() + "/" + v.name()) + "?version-id=" + id));
        m.put("version_symlink", true);
        String sloEtag = v.metadata().get(Symlinks.SLO_ETAG);
        if (sloEtag != null) {
            m.put("slo_etag", sloEtag);
        }
        return m;
    }
}
