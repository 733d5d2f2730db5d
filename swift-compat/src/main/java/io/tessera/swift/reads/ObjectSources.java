package io.tessera.swift.reads;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.objects.ObjectBody;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.pithos.versions.PithosVersions;
import io.tessera.swift.sharing.SharingAccess;
import io.tessera.swift.slo.SloRequests;
import io.tessera.swift.slo.StaticLargeObject;
import io.tessera.swift.symlink.SymlinkResolver;
import io.tessera.swift.versioning.VersionedObjects;
import io.tessera.swift.writes.WritePipeline;
import java.util.Map;
import java.util.Optional;

/**
 * Where one request's object reads come from, as its principal may see them: the current version
 * (unexpired), a named version (Swift's: the owner's; Pithos': also its sharing grantees'), symlinks followed with each hop authorized, and a
 * version's body (its own bytes, or a large object's segments, each container authorized). Used by
 * the read chain and by the writers that read a source (COPY, X-Copy-From).
 */
public final class ObjectSources {
    private final SwiftServices services;
    private final RequestContext context;
    private final Optional<Principal> who;
    private final String referer;
    private final String account;
    private final String container;
    private final String name;
    private final ObjectBodies bodies;

    public ObjectSources(SwiftServices services, RequestContext context, String referer) {
        SwiftPath path = context.path();
        this.services = services;
        this.context = context;
        this.who = context.principal();
        this.referer = referer;
        this.account = path.account();
        this.container = path.container();
        this.name = path.object();
        this.bodies = new ObjectBodies(services.store().metadata(), services.maps(), services.reader(),
                segment -> symlinks().follow(segment).object(), services.metrics().meter("swift.dlo.segments.read"));
    }

    /** The request's context. */
    RequestContext context() {
        return context;
    }

    /** The request's object, unless there is none or it has expired (404). */
    public ObjectVersion current() {
        return live(account, container, name);
    }

    /** An object's current version, unless there is none or it has expired (404). */
    public ObjectVersion live(String acct, String cont, String obj) {
        ObjectVersion v = services.store().metadata().getObject(acct, cont, obj)
                .filter(found -> !ObjectHeaders.isExpired(found.metadata()))
                .orElseThrow(SwiftError.NOT_FOUND::exception);
        services.md5s().offer(v); // an MD5 still owed since a hashmap PUT (a restart dropped its job)
        return v;
    }

    /** The version a {@code ?version-id=} names (the owner's only). */
    public ObjectVersion versionNamed(String versionId) {
        requireOwner();
        return versions().read(name, versionId);
    }

    /** Pithos' {@code ?version=id} of the request's object (whoever may read the object may read its versions). */
    public ObjectVersion pithosVersion(String id) {
        return version(account, container, name, id);
    }

    /**
     * Pithos' version {@code id} of any object ({@code ?version=}, {@code X-Source-Version}), for whoever
     * may read that object's history ({@link #requireHistoryReader}).
     */
    public ObjectVersion version(String acct, String cont, String obj, String id) {
        requireHistoryReader(acct, cont, obj);
        return PithosVersions.read(services.store().metadata(),
                context.containerFromStore(acct, cont).map(ContainerInfo::metadata).orElse(Map.of()),
                acct, cont, obj, id);
    }

    /**
     * Pithos' history of an object ({@code ?version=list}, {@code ?version=}, {@code X-Source-Version}):
     * its owner's, and, as in Pithos ({@code _can_read_object} of the path as shared now), of those the
     * object is shared with, read or write. Never through a container or account ACL alone (an old or
     * deleted version is not for every reader of the current one, as Swift's {@code ?version-id=} reads
     * are the owner's), so neither sharing nor the ACLs widen the other.
     */
    public void requireHistoryReader(String acct, String cont, String obj) {
        if (who.isPresent() && !who.get().owns(acct)
                && new SharingAccess(services.store().metadata(), context).allows(who.get(), "GET", acct, cont, obj)) {
            return;
        }
        requireOwner(acct);
    }

    /** The request's container's versions, as the store has its settings now. */
    public VersionedObjects versions() {
        return new VersionedObjects(services.store(), context.fromStore(), WritePipeline.belowVersioning(services.store()),
                account, container);
    }

    /** Version-aware requests are for the account's owner only, as in Swift (container ACLs do not reach them). */
    public void requireOwner() {
        requireOwner(account);
    }

    private void requireOwner(String acct) {
        if (who.isEmpty() || !who.get().owns(acct)) {
            throw Authorizer.denied(who, acct);
        }
    }

    /** {@code v} itself ({@code ?symlink=get}), or with its links followed to their target. */
    public SymlinkResolver.Followed follow(ObjectVersion v, boolean linkItself) {
        return linkItself ? new SymlinkResolver.Followed(v, null) : symlinks().follow(v);
    }

    /** Follows links, each hop's container authorized for this request's principal. */
    public SymlinkResolver symlinks() {
        return SymlinkResolver.forRequest(services, context, referer);
    }

    /**
     * What a read of {@code v} returns: its own bytes, a large object's segments, or with
     * {@code manifestItself} the manifest (an SLO's as stored when {@code raw}).
     */
    public ObjectBody body(ObjectVersion v, boolean manifestItself, boolean raw) {
        if (StaticLargeObject.isSlo(v)) {
            if (!manifestItself) {
                return slo().assembled(v);
            }
            if (raw) {
                return slo().raw(v);
            }
        }
        return bodies.of(v, manifestItself, (acct, cont) -> {
            if (!services.authorizer(context).mayRead(who, acct, cont, referer)) {
                throw Authorizer.denied(who, acct); // a temporary URL's bearer gets 401, as in Swift
            }
            return true;
        });
    }

    private SloRequests slo() {
        return new SloRequests(services, context, referer);
    }
}
