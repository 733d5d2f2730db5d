package io.tessera.swift.publiclinks;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.Names;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftError;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Pithos's {@code ?public} listings (owners only, else 403): a container's public objects, an account's
 * containers that hold one. A filter over the store's ordered scan, with the store's contract kept (a page
 * is short only when the range is exhausted), so the listing's pager, markers and limits work unchanged.
 * Memory is bounded (one store page at a time); time grows with the rows skipped, as there is no index of
 * public objects by container: fine for the owner's occasional look, and the price of keeping the path's
 * state in its row.
 */
public final class PublicListing {
    /** Rows read per store query while filtering. */
    private static final int SCAN_PAGE = 500;

    private PublicListing() {
    }

    /** Whether the request asks for {@code ?public} (any value, as Pithos); 403 for anyone but the owner. */
    public static boolean asked(MultivaluedMap<String, String> query, boolean owner) {
        if (!query.containsKey("public")) {
            return false;
        }
        if (!owner) {
            throw SwiftError.FORBIDDEN.exception("Public listings are for the owner only");
        }
        return true;
    }

    /** A container's scan that returns only public objects (and the rows standing for subdirectories). */
    public static Function<ListQuery, List<ObjectVersion>> objects(Function<ListQuery, List<ObjectVersion>> scan) {
        return filtered(scan, ObjectVersion::name, v -> PublicLinks.tokenOf(v) != null);
    }

    /** An account's scan that returns only containers holding a public object (each looked into until one is found). */
    public static Function<ListQuery, List<ContainerInfo>> containers(Function<ListQuery, List<ContainerInfo>> scan,
                                                                      MetadataStore meta, String account) {
        return filtered(scan, ContainerInfo::name, c -> !objects(q -> meta.listObjects(account, c.name(), q))
                .apply(ListQuery.all(1)).isEmpty());
    }

    static <T> Function<ListQuery, List<T>> filtered(Function<ListQuery, List<T>> scan, Function<T, String> nameOf,
                                                     Predicate<T> keep) {
        return q -> {
            List<T> out = new ArrayList<>();
            if (q.limit() == 0) {
                return out;
            }
            int page = Math.max(q.limit(), SCAN_PAGE);
            String startAfter = q.startAfter();
            String startAt = q.startAt();
            String endBefore = q.endBefore();
            while (true) {
                List<T> rows = scan.apply(new ListQuery(q.prefix(), q.delimiter(), startAfter, startAt, endBefore,
                        q.reverse(), page));
                for (T row : rows) {
                    String name = nameOf.apply(row);
                    String group = q.groupOf(name);
                    if (group != null || keep.test(row)) {
                        out.add(row);
                        if (out.size() == q.limit()) {
                            return out;
                        }
                    }
                    // past this row, and past all of its subdirectory, as ListingPager moves on
                    if (q.reverse()) {
                        endBefore = group == null ? name : group;
                    } else if (group == null) {
                        startAfter = name;
                    } else {
                        startAt = Names.prefixEnd(group);
                        if (startAt == null) {
                            return out;
                        }
                    }
                }
                if (rows.size() < page) {
                    return out;
                }
            }
        };
    }
}
