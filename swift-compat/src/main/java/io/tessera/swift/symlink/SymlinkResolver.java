package io.tessera.swift.symlink;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import java.util.Optional;

/**
 * Follows symlinks as Swift's symlink middleware does: a GET or HEAD of a link reads its target
 * (through links to links, at most {@link #SYMLOOP_MAX} of them), checking at each step that the
 * requester may read the target's container, and, for a static link, that the target still has the
 * ETag the link recorded. Every answer that involved a link says where it led ({@code Content-Location}).
 */
public final class SymlinkResolver {
    /** Swift's default symloop_max: how many links a read may follow. */
    public static final int SYMLOOP_MAX = 2;
    /** Links followed in all, internal ones included: a bound even if stored links ever form a cycle. */
    private static final int MAX_HOPS = 4 * SYMLOOP_MAX + 4;

    /** The live (present and not expired) version of an object. */
    public interface Objects {
        Optional<ObjectVersion> live(String account, String container, String object);
    }

    /** Throws 401/403 unless the requester may read objects in the container. */
    public interface ReadCheck {
        void check(String account, String container);
    }

    /** The object a read ends at, and the path of the last link's target (null when no link was followed). */
    public record Followed(ObjectVersion object, String contentLocation) {
    }

    private final Objects objects;
    private final ReadCheck mayRead;

    public SymlinkResolver(Objects objects, ReadCheck mayRead) {
        this.objects = objects;
        this.mayRead = mayRead;
    }

    /**
     * The resolver of one request: live objects, read with the rights of who sent it.
     *
     * @param referer the request's {@code Referer} (container ACLs may grant reads by it), or null
     */
    public static SymlinkResolver forRequest(SwiftServices services, RequestContext context, String referer) {
        return new SymlinkResolver((a, c, o) -> services.store().metadata().getObject(a, c, o)
                .filter(v -> !ObjectHeaders.isExpired(v.metadata())),
                (a, c) -> {
                    Optional<Principal> who = context.principal(); // asked only when a link is followed
                    if (!services.authorizer(context).mayRead(who, a, c, referer)) {
                        throw Authorizer.denied(who, a);
                    }
                });
    }

    /** What a GET or HEAD of {@code v} (without {@code ?symlink=get}) reads. */
    public Followed follow(ObjectVersion v) {
        return walk(v, null, null, true);
    }

    /**
     * Checks a static link's target as its PUT must: the target exists (else 409) and, following only
     * static links, ends at an object whose ETag is {@code link.etag()} (else 409). Returns that
     * object, whose length and type the link records.
     */
    public ObjectVersion checkStaticTarget(Symlink link, String home) {
        String path = link.path(home);
        ObjectVersion target = step(link, home, path)
                .orElseThrow(() -> SwiftError.CONFLICT.exception("X-Symlink-Target does not exist")
                        .withHeader("Content-Location", path));
        return walk(target, link.etag(), path, false).object();
    }

    private Followed walk(ObjectVersion start, String expectedEtag, String lastPath, boolean followDynamic) {
        ObjectVersion current = start;
        int followed = 0;
        int hops = 0;
        while (true) {
            Optional<Symlink> link = Symlink.of(current);
            if (link.isEmpty() || !(link.get().isStatic() || followDynamic)) {
                break;
            }
            String found = link.get().isStatic() ? link.get().etag() : current.etag();
            if (expectedEtag != null && !expectedEtag.equals(found)) {
                throw SwiftError.CONFLICT.exception("X-Symlink-Target-Etag headers do not match")
                        .withHeader("Content-Location", lastPath);
            }
            if (followed >= SYMLOOP_MAX || ++hops > MAX_HOPS) {
                throw SwiftError.CONFLICT.exception("Too many levels of symbolic links, maximum allowed is " + SYMLOOP_MAX);
            }
            if (!link.get().internal()) {
                followed++;
            }
            lastPath = link.get().path(current.account());
            final String notFoundAt = lastPath;
            ObjectVersion next = step(link.get(), current.account(), lastPath)
                    .orElseThrow(() -> SwiftError.NOT_FOUND.exception().withHeader("Content-Location", notFoundAt));
            // A version link pins a version by name (versions never change content): nothing to check.
            expectedEtag = link.get().internal() ? null : link.get().etag();
            current = next;
        }
        if (expectedEtag != null && !expectedEtag.equals(current.etag())) {
            throw SwiftError.CONFLICT.exception("Object Etag '" + current.etag()
                    + "' does not match X-Symlink-Target-Etag header '" + expectedEtag + "'")
                    .withHeader("Content-Location", lastPath);
        }
        return new Followed(current, lastPath);
    }

    /** The target of one link, read with the requester's rights. */
    private Optional<ObjectVersion> step(Symlink link, String home, String path) {
        String account = link.accountFrom(home);
        String container = link.targetContainer();
        if (!link.internal()) {
            try {
                mayRead.check(account, container);
            } catch (SwiftException refused) {
                throw refused.withHeader("Content-Location", path);
            }
        }
        return objects.live(account, container, link.targetObject());
    }
}
