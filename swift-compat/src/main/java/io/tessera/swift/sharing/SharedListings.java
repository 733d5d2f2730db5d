package io.tessera.swift.sharing;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.Names;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.InfoSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The listings sharing changes (Pithos {@code _list_object_permissions}, {@code _allowed_containers}):
 * a grantee's listing of another's account (the containers holding something shared with them) and
 * container (the objects whose governing record allows them to read, directory shares expanding to
 * what is below), and the owner's {@code ?shared} (objects holding a record, and everything below a
 * shared directory). Each is the store's ordinary listing filtered page by page
 * ({@link #objects}, {@link #containers}), so marker, end_marker, limit, prefix and delimiter behave as
 * usual, pages are full, and memory is bounded: one store page and a bounded cache of the ancestor rows
 * looked at ({@link #CACHE}). A container with no record is answered from the index without a scan.
 */
public final class SharedListings {
    /** Rows asked of the store at once while filtering. */
    static final int PAGE = 1000;
    /** Ancestor rows kept while one listing is filtered. */
    static final int CACHE = 4096;

    private final MetadataStore meta;
    private final InfoSource info;
    private final String account;
    /** The grantee, or null for the owner's {@code ?shared}. */
    private final Principal grantee;
    private final Map<String, Optional<ObjectVersion>> ancestors = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<ObjectVersion>> eldest) {
            return size() > CACHE;
        }
    };

    public SharedListings(MetadataStore meta, InfoSource info, String account, Principal grantee) {
        this.meta = meta;
        this.info = info;
        this.account = account;
        this.grantee = grantee;
    }

    /** The owner's {@code ?shared}. */
    public static SharedListings owner(MetadataStore meta, InfoSource info, String account) {
        return new SharedListings(meta, info, account, null);
    }

    private Function<String, List<String>> groups() {
        return new SharingAccess(meta, info).groupsOf(account);
    }

    /** Whether a record allows this listing's reader (the owner: any record). */
    private boolean allows(Sharing s, Function<String, List<String>> groups) {
        return grantee == null || s.levelOf(grantee, account, groups) != Sharing.Level.NONE;
    }

    /** The container's listing, filtered; {@code scan} is the store's. */
    public Function<ListQuery, List<ObjectVersion>> objects(String container, Function<ListQuery, List<ObjectVersion>> scan) {
        Function<String, List<String>> groups = groups();
        boolean any = new SharingIndex(meta).firstShared(account, container, v -> allows(Sharing.of(v.metadata()), groups))
                .isPresent();
        if (!any) {
            return q -> List.of();
        }
        Predicate<ObjectVersion> visible = v -> PermissionPath.resolve(v.name(), Optional.of(v),
                        n -> ancestors.computeIfAbsent(n, k -> meta.getObject(account, container, k)))
                .map(e -> allows(e.sharing(), groups)).orElse(false);
        List<ObjectVersion> few = fewFiles(container, groups);
        if (few != null) {
            // no shared directory: what is visible is exactly the rows holding a record, a few of them
            return filtered(q -> page(few, q), visible, ObjectVersion::name);
        }
        return filtered(scan, visible, ObjectVersion::name);
    }

    /**
     * The rows holding a record this reader may read, when the container's index has at most
     * {@link #PAGE} entries and none of them is a directory (then nothing else is visible); else null,
     * and the container's listing is filtered instead.
     */
    private List<ObjectVersion> fewFiles(String container, Function<String, List<String>> groups) {
        List<io.tessera.store.IndexEntry> entries = meta.listIndex(SharingIndex.paths(account, container), null, PAGE);
        if (entries.size() >= PAGE) {
            return null;
        }
        SharingIndex index = new SharingIndex(meta);
        List<ObjectVersion> rows = new ArrayList<>();
        for (io.tessera.store.IndexEntry e : entries) {
            Optional<ObjectVersion> row = index.sharedRow(account, container, e.entry());
            if (row.isEmpty()) {
                continue;
            }
            if (PermissionPath.isDirectory(row.get())) {
                return null;
            }
            if (allows(Sharing.of(row.get().metadata()), groups)) {
                rows.add(row.get());
            }
        }
        return rows;
    }

    /** What a store listing would answer from {@code rows} (sorted by name), the delimiter aside. */
    static List<ObjectVersion> page(List<ObjectVersion> rows, ListQuery q) {
        List<ObjectVersion> out = new ArrayList<>();
        for (int i = 0; i < rows.size() && out.size() < q.limit(); i++) {
            ObjectVersion v = rows.get(q.reverse() ? rows.size() - 1 - i : i);
            if (q.matches(v.name())) {
                out.add(v);
            }
        }
        return out;
    }

    /** The account's listing, filtered to the containers holding a record this reader may read. */
    public Function<ListQuery, List<ContainerInfo>> containers(Function<ListQuery, List<ContainerInfo>> scan) {
        Function<String, List<String>> groups = groups();
        SharingIndex index = new SharingIndex(meta);
        Predicate<ContainerInfo> visible = c -> index.firstShared(account, c.name(),
                v -> allows(Sharing.of(v.metadata()), groups)).isPresent();
        return filtered(scan, visible, ContainerInfo::name);
    }

    /** The extended listing's fields of an object that holds a record itself (inherited ones are not computed). */
    public static Map<String, Object> fields(ObjectVersion v, Principal reader, boolean owner,
                                             Function<String, List<String>> groups) {
        Sharing s = Sharing.of(v.metadata());
        if (s == null) {
            return Map.of();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        if (owner) {
            f.put("x_object_sharing", s.header());
            return f;
        }
        Sharing.Level level = reader == null ? Sharing.Level.NONE : s.levelOf(reader, v.account(), groups);
        if (level != Sharing.Level.NONE) {
            f.put("x_object_sharing", s.header());
            f.put("x_object_allowed_to", level.header());
        }
        return f;
    }

    /**
     * A store scan that answers only the rows {@code visible} accepts, as full pages (the pager takes a
     * short page as the end). With a delimiter the store is asked without it, and a subdirectory stands
     * for itself when any row in it is visible: its first visible row, after which the rest of it is
     * skipped.
     */
    static <T> Function<ListQuery, List<T>> filtered(Function<ListQuery, List<T>> scan, Predicate<T> visible,
                                                     Function<T, String> nameOf) {
        return q -> {
            List<T> out = new ArrayList<>();
            String startAfter = q.startAfter();
            String startAt = q.startAt();
            String endBefore = q.endBefore();
            String lastGroup = null;
            while (out.size() < q.limit()) {
                ListQuery inner = new ListQuery(q.prefix(), null, startAfter, startAt, endBefore, q.reverse(), PAGE);
                List<T> rows = scan.apply(inner);
                boolean jumped = false;
                for (T row : rows) {
                    String name = nameOf.apply(row);
                    if (q.reverse()) {
                        endBefore = name;
                    } else {
                        startAfter = name;
                    }
                    String group = q.groupOf(name);
                    if (group != null && group.equals(lastGroup)) {
                        continue;
                    }
                    if (!visible.test(row)) {
                        continue;
                    }
                    out.add(row);
                    lastGroup = group;
                    if (out.size() == q.limit()) {
                        return out;
                    }
                    if (group != null && !q.reverse()) {
                        String end = Names.prefixEnd(group);
                        if (end == null) {
                            return out;
                        }
                        startAt = end; // the rest of this subdirectory is not needed
                        jumped = true;
                        break;
                    }
                }
                if (!jumped && rows.size() < PAGE) {
                    return out;
                }
            }
            return out;
        };
    }
}
