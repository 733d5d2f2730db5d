package io.tessera.swift.sharing;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.objects.ObjectReads;
import io.tessera.swift.objects.ReplyHeaders;
import java.util.Optional;

/**
 * The sharing headers of an object reply (Pithos {@code update_sharing_meta}), for the latest version
 * only: {@code X-Object-Sharing} (the governing record's lists; omitted when there is none, as an empty
 * header breaks kamaki), {@code X-Object-Shared-By} when the record is a directory's above it, and
 * {@code X-Object-Allowed-To} for a requester who is not the owner. Shown to the owner and to those the
 * record names. Ancestors are looked at only in containers where something was ever shared
 * ({@link SharingWrites#SHARED_CONTAINER}), so other reads cost nothing more.
 */
public final class SharingReplies implements ObjectReads.ExtraHeaders {
    private final SwiftServices services;
    private final RequestContext context;

    private SharingReplies(SwiftServices services, RequestContext context) {
        this.services = services;
        this.context = context;
    }

    public static SharingReplies of(SwiftServices services, RequestContext context) {
        return new SharingReplies(services, context);
    }

    /**
     * The sharing headers of a read of {@code v}, or null when it can have none: a row with no record of
     * its own, not below a directory (the plain reads of unshared objects make nothing here).
     */
    public static SharingReplies forRead(SwiftServices services, RequestContext context, ObjectVersion v) {
        return Sharing.of(v.metadata()) != null || v.name().indexOf('/') >= 0 ? new SharingReplies(services, context)
                : null;
    }

    @Override
    public void add(ReplyHeaders reply, ObjectVersion v) {
        SwiftPath path = context.validPath().filter(SwiftPath::isObject).orElse(null);
        if (path == null || !v.account().equals(path.account()) || !v.container().equals(path.container())
                || !v.name().equals(path.object())) {
            return; // a link's target, a segment: not the path asked for
        }
        Optional<Principal> who;
        try {
            who = context.principal();
        } catch (IllegalStateException notAuthenticated) {
            return;
        }
        if (who.isEmpty() || who.get().isTempUrl()) {
            return; // anonymous and temporary URL reads see no sharing
        }
        Optional<PermissionPath.Effective> effective;
        Sharing own = Sharing.of(v.metadata());
        if (own != null) {
            effective = Optional.of(new PermissionPath.Effective(v.name(), own));
        } else if (v.name().indexOf('/') >= 0 && sharedContainer(path)) {
            effective = PermissionPath.resolve(v.name(), Optional.of(v),
                    n -> services.store().metadata().getObject(v.account(), v.container(), n));
        } else {
            return;
        }
        if (effective.isEmpty()) {
            return;
        }
        SharingAccess access = new SharingAccess(services.store().metadata(), context);
        boolean owner = services.authorizer(context).actsAsOwner(who, v.account());
        Sharing.Level level = owner ? Sharing.Level.WRITE : who.map(p -> effective.get().sharing()
                .levelOf(p, v.account(), access.groupsOf(v.account()))).orElse(Sharing.Level.NONE);
        if (level == Sharing.Level.NONE) {
            return;
        }
        reply.header("X-Object-Sharing", effective.get().sharing().header());
        if (effective.get().inherited(v.name())) {
            reply.header("X-Object-Shared-By", v.account() + "/" + v.container() + "/" + effective.get().name());
        }
        if (!owner) {
            reply.header("X-Object-Allowed-To", level.header());
        }
    }

    private boolean sharedContainer(SwiftPath path) {
        return context.container(path.account(), path.container()).map(ContainerInfo::metadata)
                .map(m -> m.containsKey(SharingWrites.SHARED_CONTAINER)).orElse(false);
    }
}
