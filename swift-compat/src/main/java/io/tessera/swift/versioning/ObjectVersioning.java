package io.tessera.swift.versioning;

import io.tessera.swift.context.InfoSource;
import io.tessera.store.ContainerInfo;
import io.tessera.store.MetadataStore;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.objects.ObjectHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/**
 * Swift's object_versioning on the container side: {@code X-Versions-Enabled: true|false} on a
 * container PUT or POST. Enabling it the first time creates the hidden versions container
 * ({@link VersionNames#hiddenContainer}); from then on the container has a flag, enabled or not, and
 * its usage includes its versions' bytes. A versioned container can be deleted only once its hidden
 * container is empty, and then both go.
 */
public final class ObjectVersioning {
    static final String ENABLED_HEADER = "x-versions-enabled";
    /** The hidden container's name, once versioning was enabled. */
    static final String VERSIONS_CONTAINER = MetadataReplies.INTERNAL_PREFIX + "versions-container";
    /** "True" or "False", once versioning was enabled. */
    static final String ENABLED = MetadataReplies.INTERNAL_PREFIX + "versions-enabled";

    private final MetadataStore metadata;

    public ObjectVersioning(MetadataStore metadata) {
        this.metadata = metadata;
    }

    /** {@code /info}'s {@code object_versioning} entry (Swift registers it with no fields). */
    public static Map<String, Object> info() {
        return Map.of();
    }

    /** Whether a container request asks to enable object versioning. */
    static boolean isEnabled(MultivaluedMap<String, String> headers) {
        return ObjectHeaders.isTrue(headers.getFirst(ENABLED_HEADER));
    }

    /** The hidden container of a container where versioning was ever enabled. */
    public static Optional<String> hiddenContainer(Map<String, String> containerMetadata) {
        return Optional.ofNullable(containerMetadata.get(VERSIONS_CONTAINER));
    }

    public static boolean isEnabled(Map<String, String> containerMetadata) {
        return "True".equals(containerMetadata.get(ENABLED));
    }

    /**
     * Adds to a container PUT/POST's {@code changes} what {@code X-Versions-Enabled} asks for, creating
     * the hidden container the first time versioning is enabled.
     *
     * @param current the container's metadata now (empty for a container being created)
     */
    public void containerChanges(String account, String container, MultivaluedMap<String, String> headers,
                                 Map<String, String> current, Map<String, String> changes) {
        String value = headers.getFirst(ENABLED_HEADER);
        if (value == null) {
            if (changes.containsKey(LegacyVersioning.LOCATION) && !changes.get(LegacyVersioning.LOCATION).isEmpty()
                    && current.containsKey(VERSIONS_CONTAINER)) {
                throw SwiftError.BAD_REQUEST.exception("Cannot set legacy versions location on a container with object "
                        + "versioning enabled");
            }
            return;
        }
        boolean enable = ObjectHeaders.isTrue(value);
        if (enable && (LegacyVersioning.isConfigured(current)
                || (changes.containsKey(LegacyVersioning.LOCATION) && !changes.get(LegacyVersioning.LOCATION).isEmpty()))) {
            throw SwiftError.BAD_REQUEST.exception(
                    "Cannot enable object versioning on a container that is already using the legacy versioned writes feature.");
        }
        changes.put(ENABLED, enable ? "True" : "False");
        if (enable && !current.containsKey(VERSIONS_CONTAINER)) {
            String hidden = VersionNames.hiddenContainer(container);
            metadata.createContainer(account, hidden, Timestamp.now(), Map.of());
            changes.put(VERSIONS_CONTAINER, hidden);
        }
    }

    /** {@code X-Versions-Enabled}, once versioning was enabled, as Swift shows it. */
    public static void replyHeaders(Response.ResponseBuilder reply, Map<String, String> containerMetadata) {
        String enabled = containerMetadata.get(ENABLED);
        if (enabled != null) {
            reply.header("X-Versions-Enabled", enabled);
        }
    }

    /** The bytes a container reports: its own plus, when versioned, its versions'. */
    public long bytesUsed(ContainerInfo info) {
        return bytesUsed(info, metadata::getContainer);
    }

    /** {@link #bytesUsed(ContainerInfo)} from the cached rows, as the quota middleware reads them. */
    public static long bytesUsed(ContainerInfo info, InfoSource rows) {
        return bytesUsed(info, rows::container);
    }

    private static long bytesUsed(ContainerInfo info,
                                  java.util.function.BiFunction<String, String, Optional<ContainerInfo>> rows) {
        return info.bytesUsed() + hiddenContainer(info.metadata())
                .flatMap(h -> rows.apply(info.account(), h))
                .map(ContainerInfo::bytesUsed).orElse(0L);
    }

    /** A container as an account listing shows it: with its versions' bytes, as Swift's listing does. */
    public ContainerInfo withVersionBytes(ContainerInfo info) {
        if (hiddenContainer(info.metadata()).isEmpty()) {
            return info;
        }
        return new ContainerInfo(info.account(), info.name(), info.created(), info.metadata(), info.objectCount(),
                bytesUsed(info));
    }

    /**
     * Before a container DELETE: 409 while it still has versions; else its hidden container is deleted
     * with it.
     */
    /**
     * Deletes a container that holds nothing, neither objects nor versions (after a history purge):
     * the container first, so a write racing this keeps it (NOT_EMPTY) and never finds its versions'
     * home gone; then its hidden container, if that is still empty.
     */
    public void deleteIfEmpty(String account, String container) {
        Optional<String> hidden = metadata.getContainer(account, container).flatMap(i -> hiddenContainer(i.metadata()));
        if (hidden.isPresent() && !metadata.listObjects(account, hidden.get(), io.tessera.store.ListQuery.all(1)).isEmpty()) {
            return;
        }
        if (metadata.deleteContainer(account, container) == MetadataStore.DeleteContainerOutcome.DELETED && hidden.isPresent()) {
            metadata.deleteContainer(account, hidden.get()); // NOT_EMPTY: a write that raced the delete left a version
        }
    }

    public void beforeContainerDelete(String account, String container) {
        Optional<ContainerInfo> info = metadata.getContainer(account, container);
        Optional<String> hidden = info.flatMap(i -> hiddenContainer(i.metadata()));
        if (hidden.isEmpty()) {
            return;
        }
        Optional<ContainerInfo> versions = metadata.getContainer(account, hidden.get());
        if (versions.isPresent() && versions.get().objectCount() > 0) {
            throw SwiftError.CONFLICT.exception("Delete all versions before deleting container.");
        }
        if (metadata.listObjects(account, container, io.tessera.store.ListQuery.all(1)).isEmpty()) {
            // Only when the container itself can go: else its DELETE answers 409 and keeps its versions' home.
            if (metadata.deleteContainer(account, hidden.get()) == MetadataStore.DeleteContainerOutcome.NOT_EMPTY) {
                throw SwiftError.CONFLICT.exception("Delete all versions before deleting container.");
            }
        }
    }
}
