package io.tessera.swift.sharing;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.writes.Publisher;
import java.util.LinkedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an object write does with {@code X-Object-Sharing} (Pithos {@code update_object_permissions}):
 * only the owner may set it (403 to a writer it is shared with); the value is parsed as Pithos does
 * ({@link Sharing#parseHeader}); the index learns of a share before the row carries it, and of an
 * unshare after ({@link SharingIndex}). Without the header a write changes nothing: the record is
 * the path's ({@code writes.PathFeatures}) and goes on with the new row.
 */
public final class SharingWrites {
    /** Container metadata: something in this container was shared once (ancestor lookups are worth it). */
    public static final String SHARED_CONTAINER = MetadataReplies.INTERNAL_PREFIX + "shared";
    public static final String HEADER = "X-Object-Sharing";

    private final SwiftServices services;
    private final RequestContext context;
    private final String account;
    private final String container;
    private final String name;
    private final Sharing requested;

    private SharingWrites(SwiftServices services, RequestContext context, String account, String container,
                          String name, Sharing requested) {
        this.services = services;
        this.context = context;
        this.account = account;
        this.container = container;
        this.name = name;
        this.requested = requested;
    }

    /**
     * Reads the request's header for a write of {@code account/container/name}: 400 when it is malformed,
     * 403 when the requester is not the owner.
     */
    public static SharingWrites of(SwiftServices services, RequestContext context, MultivaluedMap<String, String> headers,
                                   String account, String container, String name) {
        Sharing s = Sharing.parseHeader(headers.getFirst(HEADER),
                e -> services.users().accountSpelled(e).orElse(e));
        if (s != null && !services.authorizer(context).actsAsOwner(context.principal(), account)) {
            throw SwiftError.FORBIDDEN.exception("Modifying other account's object content is not allowed");
        }
        return new SharingWrites(services, context, account, container, name, s);
    }

    /**
     * A user a path is shared with (not its owner) may not make it a directory: a record on a file
     * covers the file; on a directory it covers all beneath it, so the type change would widen the
     * grant the owner gave (review finding). Only when the row holds a record itself.
     */
    public static void refuseDirectoryByGrantee(SwiftServices services, RequestContext context, String account,
                                                java.util.function.Supplier<Optional<ObjectVersion>> current,
                                                String newType) {
        if (!PermissionPath.isDirectoryType(newType)
                || services.authorizer(context).actsAsOwner(context.principal(), account)) {
            return;
        }
        Optional<ObjectVersion> row = current.get();
        if (row.isPresent() && Sharing.of(row.get().metadata()) != null && !PermissionPath.isDirectory(row.get())) {
            throw SwiftError.FORBIDDEN.exception("Only the owner may make a shared object a directory");
        }
    }

    public boolean asked() {
        return requested != null;
    }

    /**
     * Gives {@code current} (the row just written at its path) the requested record, and returns the row
     * now at the path: {@code current} itself without the header, else a new row of the same content
     * published with the path's new state ({@code Publisher#publishPathState}, as public links do). The
     * index learns of a share before the row carries it, and of an unshare after.
     */
    public ObjectVersion applied(ObjectVersion current, Publisher below) {
        if (requested == null) {
            return current;
        }
        Map<String, String> metadata = new LinkedHashMap<>(current.metadata());
        if (requested.isEmpty()) {
            if (!metadata.containsKey(Sharing.KEY)) {
                return current;
            }
            metadata.remove(Sharing.KEY);
        } else {
            Optional<ContainerInfo> c = context.containerFromStore(account, container);
            if (c.isPresent() && !c.get().metadata().containsKey(SHARED_CONTAINER)) {
                services.store().metadata().updateContainerMetadata(account, container, Map.of(SHARED_CONTAINER, "1"));
            }
            new SharingIndex(services.store().metadata()).beforeShare(account, container, name, requested);
            metadata.put(Sharing.KEY, requested.encode());
        }
        ObjectVersion row = below.publishPathState(new ObjectVersion(current.account(), current.container(),
                current.name(), io.tessera.swift.writes.PathFeatures.followUp(current), current.map(), current.etag(),
                current.contentType(), metadata), true);
        if (requested.isEmpty()) {
            new SharingIndex(services.store().metadata()).afterUnshare(account, container, name);
        }
        return row;
    }

    /** After a delete (whatever made it): the deleted row's record leaves the index. */
    public static void deleted(SwiftServices services, Optional<ObjectVersion> deleted) {
        new SharingIndex(services.store().metadata()).afterDelete(deleted);
    }

    /** Before an account's groups change: their members become candidates of the top-level listing. */
    public static void groupsChanging(SwiftServices services, String account, Map<String, List<String>> groups) {
        SharingIndex index = new SharingIndex(services.store().metadata());
        groups.values().forEach(members -> index.beforeGroups(account, members));
    }
}
