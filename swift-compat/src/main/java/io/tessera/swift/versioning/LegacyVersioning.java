package io.tessera.swift.versioning;

import io.tessera.swift.context.ContainerRows;
import io.tessera.store.ContainerInfo;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.Store;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.ContainerNames;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.writes.Publisher;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Swift's legacy versioned_writes: a container with {@code X-Versions-Location: <archive>} (stack
 * mode) or {@code X-History-Location: <archive>} (history mode) keeps every overwritten version of its
 * objects in the archive container, named by {@link ArchiveNames}. Archiving is a new row pointing at
 * the same map: no block is copied. A DELETE in stack mode brings the newest archived version back; in
 * history mode it archives the current version and leaves a delete marker.
 */
public final class LegacyVersioning {
    static final String LOCATION = MetadataReplies.INTERNAL_PREFIX + "versions-location";
    static final String MODE = MetadataReplies.INTERNAL_PREFIX + "versions-mode";
    public static final String DELETE_MARKER_TYPE = "application/x-deleted;swift_versions_deleted=1";
    private static final String VERSIONS = "x-versions-location";
    private static final String HISTORY = "x-history-location";
    private static final int PAGE = 100;

    private final MetadataStore metadata;
    private final ContainerRows rows;
    private final Publisher below;

    /** @param below the write pipeline below versioning: every row this writes goes there */
    public LegacyVersioning(Store store, ContainerRows rows, Publisher below) {
        this.metadata = store.metadata();
        this.rows = rows;
        this.below = below;
    }

    /** {@code /info}'s {@code versioned_writes} entry. */
    public static Map<String, Object> info() {
        return Map.of("allowed_flags", List.of(VERSIONS, HISTORY));
    }

    // ---- container side ----

    /**
     * Adds to a container PUT/POST's {@code changes} what its versioning headers ask for. The location
     * must decode to a container name here, where it is set: every overwrite in the container reads it.
     */
    public static void containerChanges(MultivaluedMap<String, String> headers, Map<String, String> changes,
                                        SwiftConstraints limits) {
        String versions = headers.getFirst(VERSIONS);
        String history = headers.getFirst(HISTORY);
        if (versions != null && history != null) {
            if (history.isEmpty()) {
                history = null;
            } else if (!versions.isEmpty()) {
                throw SwiftError.BAD_REQUEST.exception("Only one of " + VERSIONS + " or " + HISTORY + " may be specified");
            } else {
                versions = null;
            }
        }
        String value = versions != null ? versions : history;
        if (value != null) {
            if (value.isEmpty()) {
                remove(changes);
            } else {
                String location = HeaderText.fromWire(value.trim());
                // Stored as sent (replies show it so), used decoded. Swift 2.30 checks only for a slash
                // before decoding, so it takes "%ZZ" or "a%2Fb" and then answers every overwrite 412.
                ContainerNames.check(SwiftPath.decode(location, versions != null ? "X-Versions-Location"
                        : "X-History-Location"), limits);
                if (ObjectVersioning.isEnabled(headers)) {
                    throw SwiftError.BAD_REQUEST.exception("Cannot enable object versioning on a container configured as "
                            + "the location for legacy object versioning.");
                }
                changes.put(LOCATION, location);
                changes.put(MODE, versions != null ? "stack" : "history");
            }
        } else if (isSet(headers.getFirst("x-remove-versions-location")) || isSet(headers.getFirst("x-remove-history-location"))) {
            remove(changes);
        }
    }

    private static boolean isSet(String v) {
        return v != null && !v.isEmpty();
    }

    private static void remove(Map<String, String> changes) {
        changes.put(LOCATION, "");
        changes.put(MODE, "");
    }

    /** {@code X-Versions-Location} or {@code X-History-Location}, as the container was configured. */
    public static void replyHeaders(Response.ResponseBuilder reply, Map<String, String> containerMetadata) {
        String location = containerMetadata.get(LOCATION);
        if (location != null) {
            String header = "history".equals(containerMetadata.get(MODE)) ? "X-History-Location" : "X-Versions-Location";
            reply.header(header, HeaderText.toWire(location));
        }
    }

    public static boolean isConfigured(Map<String, String> containerMetadata) {
        return containerMetadata.containsKey(LOCATION);
    }

    /** Whether the container keeps versions this legacy way. */
    public boolean isConfiguredOn(String account, String container) {
        return archiveOf(account, container).isPresent();
    }

    // ---- object side ----

    private record Archive(String container, boolean history) {
    }

    private Optional<Archive> archiveOf(String account, String container) {
        return rows.container(account, container)
                .map(ContainerInfo::metadata)
                .filter(m -> m.containsKey(LOCATION))
                .map(m -> new Archive(SwiftPath.decode(m.get(LOCATION)), "history".equals(m.get(MODE))));
    }

    /** Before {@code next} replaces an object: the current version, if any, goes to the archive. */
    public void beforeOverwrite(ObjectVersion next) {
        archiveOf(next.account(), next.container())
                .ifPresent(a -> archiveCurrent(next.account(), next.container(), next.name(), a.container()));
    }

    /**
     * A DELETE of an object in a versioned container, or {@code plainDelete} when the container is not
     * versioned. Returns whether something was deleted (else the reply is 404).
     */
    public boolean delete(String account, String container, String name, Supplier<Boolean> plainDelete) {
        Optional<Archive> archive = archiveOf(account, container);
        if (archive.isEmpty()) {
            return plainDelete.get();
        }
        String archiveContainer = archive.get().container();
        if (archive.get().history()) {
            archiveCurrent(account, container, name, archiveContainer);
            publish(new ObjectVersion(account, archiveContainer, ArchiveNames.of(name, Timestamp.now()),
                    Timestamp.now(), EmptyContent.MAP, EmptyContent.MD5, DELETE_MARKER_TYPE, Map.of()));
            return plainDelete.get();
        }
        return popPrevious(account, container, name, archiveContainer, plainDelete);
    }

    /** Stack mode: the newest archived version replaces the object; a delete marker is consumed instead. */
    private boolean popPrevious(String account, String container, String name, String archiveContainer,
                                Supplier<Boolean> plainDelete) {
        Iterator<ObjectVersion> newestFirst = archived(account, archiveContainer, name);
        if (!newestFirst.hasNext()) {
            return plainDelete.get();
        }
        ObjectVersion previous = newestFirst.next();
        if (DELETE_MARKER_TYPE.equals(previous.contentType())) {
            if (live(account, container, name).isPresent()) {
                return plainDelete.get(); // a current object is deleted first; the marker stays
            }
            while (newestFirst.hasNext()) {
                ObjectVersion toRestore = newestFirst.next();
                if (DELETE_MARKER_TYPE.equals(toRestore.contentType())) {
                    break;
                }
                restore(toRestore, container, name);
                metadata.deleteObject(account, archiveContainer, toRestore.name(), Timestamp.now());
                break;
            }
            return metadata.deleteObject(account, archiveContainer, previous.name(), Timestamp.now()).isPresent();
        }
        restore(previous, container, name);
        return metadata.deleteObject(account, archiveContainer, previous.name(), Timestamp.now()).isPresent();
    }

    private void restore(ObjectVersion archived, String container, String name) {
        publish(new ObjectVersion(archived.account(), container, name, Timestamp.now(), archived.map(),
                archived.etag(), archived.contentType(), archived.metadata()));
    }

    private void archiveCurrent(String account, String container, String name, String archiveContainer) {
        live(account, container, name).ifPresent(current -> publish(new ObjectVersion(account, archiveContainer,
                ArchiveNames.of(name, current.timestamp()), Timestamp.now(), current.map(), current.etag(),
                current.contentType(), current.metadata())));
    }

    private void publish(ObjectVersion v) {
        if (rows.container(v.account(), v.container()).isEmpty()) {
            throw SwiftError.PRECONDITION_FAILED.exception(null); // Swift: the archive write failed with a 4xx
        }
        // Archive and restore point a name at content that exists: the retaining path (store/GC.md).
        below.publish(v, true);
    }

    private Optional<ObjectVersion> live(String account, String container, String name) {
        return metadata.getObject(account, container, name).filter(v -> !ObjectHeaders.isExpired(v.metadata()));
    }

    /** The archived versions of one object, newest first, a page at a time. */
    private Iterator<ObjectVersion> archived(String account, String archiveContainer, String name) {
        String prefix = ArchiveNames.prefix(name);
        return new Iterator<>() {
            private List<ObjectVersion> page = List.of();
            private int at;
            private String before;
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (at < page.size()) {
                    return true;
                }
                if (exhausted) {
                    return false;
                }
                page = metadata.listObjects(account, archiveContainer, new ListQuery(prefix, null, before, true, PAGE));
                at = 0;
                exhausted = page.size() < PAGE;
                if (!page.isEmpty()) {
                    before = page.get(page.size() - 1).name();
                }
                return !page.isEmpty();
            }

            @Override
            public ObjectVersion next() {
                return page.get(at++);
            }
        };
    }
}
