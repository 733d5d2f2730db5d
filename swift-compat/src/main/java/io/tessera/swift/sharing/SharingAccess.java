package io.tessera.swift.sharing;

import io.tessera.store.AccountInfo;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.InfoSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sharing step of the access decision (Pithos {@code _can_read_object}, {@code _can_write_object}),
 * the last one {@code auth.Authorizer} takes, after container and account ACLs, so neither widens the
 * other. For an authenticated user (never a temporary URL or an anonymous request) who is not the owner:
 * <ul>
 *   <li>object GET, HEAD, COPY (its source): in the read or write list of the governing record
 *       ({@link PermissionPath}) (a public object is readable by everyone: the Authorizer's object grant,
 *       asked before this step);</li>
 *   <li>object PUT and POST: in the write list (a new name under a shared directory inherits it);</li>
 *   <li>account and container GET and HEAD: something in it is shared with them (a limited view:
 *       the listings show only what is shared with them);</li>
 *   <li>anything else (DELETE, MOVE, container and account writes): not by sharing.</li>
 * </ul>
 * Each request has its own instance: the rows it reads are kept for the request.
 */
public final class SharingAccess {
    private final MetadataStore meta;
    private final InfoSource info;
    /** Made on first use: most requests (every owner's) never get here. */
    private Map<String, Optional<ObjectVersion>> rows;

    public SharingAccess(MetadataStore meta, InfoSource info) {
        this.meta = meta;
        this.info = info;
    }

    /**
     * Whether sharing allows the request.
     *
     * @param object null for a container or account request; empty for "any object of the container"
     *               (copy sources, segments), which sharing never allows
     */
    public boolean allows(Principal who, String method, String account, String container, String object) {
        if (who == null || who.isTempUrl() || who.user() == null) {
            return false;
        }
        boolean reads = method.equals("GET") || method.equals("HEAD") || method.equals("COPY");
        if (object != null && object.isEmpty()) {
            return false;
        }
        if (object != null) {
            Sharing.Level level = level(who, account, container, object);
            if (reads) {
                return level != Sharing.Level.NONE;
            }
            return (method.equals("PUT") || method.equals("POST")) && level == Sharing.Level.WRITE;
        }
        if (!reads || method.equals("COPY")) {
            return false;
        }
        SharingIndex index = new SharingIndex(meta);
        Function<String, List<String>> groups = groupsOf(account);
        if (container != null) {
            return index.firstShared(account, container,
                    v -> Sharing.of(v.metadata()).levelOf(who, account, groups) != Sharing.Level.NONE).isPresent();
        }
        return index.anyShared(account, v -> Sharing.of(v.metadata()).levelOf(who, account, groups) != Sharing.Level.NONE);
    }

    /** What {@code who} may do on the object through sharing. */
    public Sharing.Level level(Principal who, String account, String container, String object) {
        // A record counts only while the index still has its path: an unshare that raced an overwrite
        // (which carried the record on in its row, read before the unshare) removed the entry, and the
        // grant fails closed. Shares put the entry before the row, so a record in force always has one.
        return effective(account, container, object)
                .filter(e -> meta.hasIndexEntry(SharingIndex.paths(account, container), e.name()))
                .map(e -> e.sharing().levelOf(who, account, groupsOf(account)))
                .orElse(Sharing.Level.NONE);
    }

    /** The record governing the object, if any. */
    public Optional<PermissionPath.Effective> effective(String account, String container, String object) {
        return PermissionPath.resolve(object, row(account, container, object), n -> row(account, container, n));
    }

    private Optional<ObjectVersion> row(String account, String container, String name) {
        if (rows == null) {
            rows = new HashMap<>();
        }
        return rows.computeIfAbsent(account + "/" + container + "/" + name,
                k -> meta.getObject(account, container, name));
    }

    /** The members of the owner's groups, by group name. */
    public Function<String, List<String>> groupsOf(String account) {
        Map<String, String> metadata = info.account(account).map(AccountInfo::metadata).orElse(Map.of());
        return g -> Groups.members(metadata, g);
    }
}
