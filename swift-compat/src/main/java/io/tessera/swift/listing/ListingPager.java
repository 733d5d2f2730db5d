package io.tessera.swift.listing;

import io.tessera.store.ListQuery;
import io.tessera.store.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds one page of a Swift listing from a store's ordered listing, applying prefix, delimiter
 * ("subdirectories"), path and markers. A page is always full up to {@code limit} unless the listing has
 * ended: clients (rclone, swiftclient) take a short page as the end.
 *
 * <p>Subdirectories are the store's business: the query carries the delimiter and the backend returns
 * one row per subdirectory, skipping the rest of it without reading it ({@link ListQuery}). So a page
 * is one store query; a {@code path} listing, which drops the rows of deeper subdirectories, may need
 * a few. Every bound past a subdirectory comes from {@link Names#prefixEnd}, the one place that knows
 * UTF-8's edges.
 *
 * @param <T> the store's row type (containers or object versions)
 */
public final class ListingPager<T> {

    /** A row of the listing: a stored item, or a {@code subdir} (the common prefix up to the delimiter). */
    public record Entry<T>(T item, String subdir) {
    }

    private final Function<ListQuery, List<T>> scan;
    private final Function<T, String> nameOf;

    public ListingPager(Function<ListQuery, List<T>> scan, Function<T, String> nameOf) {
        this.scan = scan;
        this.nameOf = nameOf;
    }

    public List<Entry<T>> page(ListingRequest req) {
        List<Entry<T>> out = new ArrayList<>();
        if (req.limit() == 0) {
            return out;
        }
        String prefix = req.prefix();
        // The store's bounds are always low..high; in reverse Swift's marker is the high end.
        String startAfter = req.reverse() ? req.endMarker() : req.marker();
        String startAt = null;
        String endBefore = req.reverse() ? req.marker() : req.endMarker();
        ListQuery q = new ListQuery(prefix, req.delimiter(), startAfter, null, endBefore, req.reverse(), req.limit());
        String marker = req.marker();
        if (!req.reverse() && marker != null && (prefix == null || marker.startsWith(prefix))
                && marker.equals(q.groupOf(marker))) {
            // Swift does not list the subdirectory the marker names again: start past all of it.
            startAt = Names.prefixEnd(marker);
            if (startAt == null) {
                return out;
            }
        }
        boolean ended = false;
        while (!ended && out.size() < req.limit()) {
            int want = req.limit() - out.size();
            q = new ListQuery(prefix, req.delimiter(), startAfter, startAt, endBefore, req.reverse(), want);
            List<T> rows = scan.apply(q);
            ended = rows.size() < want; // a store's page is short only when its range is exhausted
            for (T row : rows) {
                String name = nameOf.apply(row);
                String subdir = q.groupOf(name);
                // The next query starts past this row, and past all of its subdirectory.
                if (req.reverse()) {
                    endBefore = subdir == null ? name : subdir;
                } else if (subdir == null) {
                    startAfter = name;
                } else {
                    startAt = Names.prefixEnd(subdir);
                    ended |= startAt == null;
                }
                if (req.pathMode() && name.equals(prefix)) {
                    continue; // a path listing shows the children of "dir/", not "dir/" itself
                }
                if (subdir == null) {
                    out.add(new Entry<>(row, null));
                } else if (req.pathMode()) {
                    if (name.equals(subdir)) {
                        out.add(new Entry<>(row, null)); // a direct child whose name ends in the delimiter
                    }
                } else {
                    out.add(new Entry<>(null, subdir));
                }
            }
        }
        return out;
    }
}
