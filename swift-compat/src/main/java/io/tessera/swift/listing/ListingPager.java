package io.tessera.swift.listing;

import io.tessera.store.ListQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds one page of a Swift listing from a store's ordered scan, applying prefix, delimiter
 * ("subdirectories") and markers. A page is always full up to {@code limit} unless the listing has
 * ended: clients (rclone, swiftclient) take a short page as the end. A run of names below one
 * subdirectory is skipped with one bounded query instead of being read.
 *
 * <p>The scan after such a skip asks for a few rows only ({@link #ROWS_AFTER_SKIP}), growing again
 * while no subdirectory turns up: asking for a whole page each time read up to a page of rows per
 * subdirectory and threw all but one away (a delimiter listing of a 1,000,000-object container
 * took seconds per page, against Swift's tens of milliseconds).
 *
 * @param <T> the store's row type (containers or object versions)
 */
public final class ListingPager<T> {

    /** A row of the listing: a stored item, or a {@code subdir} (the common prefix up to the delimiter). */
    public record Entry<T>(T item, String subdir) {
    }

    static final int ROWS_AFTER_SKIP = 8;

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
        int prefixLen = prefix == null ? 0 : prefix.length();
        // The store's bounds are always low..high; in reverse Swift's marker is the high end.
        String startAfter = req.reverse() ? req.endMarker() : req.marker();
        String startAt = null;
        String endBefore = req.reverse() ? req.marker() : req.endMarker();
        String lastSubdir = null;
        int batch = req.limit();
        while (out.size() < req.limit()) {
            int want = Math.min(batch, req.limit() - out.size());
            ListQuery q = new ListQuery(prefix, startAfter, startAt, endBefore, req.reverse(), want);
            List<T> rows = scan.apply(q);
            if (rows.isEmpty()) {
                break;
            }
            boolean skipped = false;
            for (T row : rows) {
                String name = nameOf.apply(row);
                if (req.reverse()) {
                    endBefore = name;
                } else {
                    startAfter = name;
                    startAt = null;
                }
                int d = req.delimiter() == null ? -1 : name.indexOf(req.delimiter(), prefixLen);
                if (req.pathMode() && name.equals(prefix)) {
                    continue; // a path listing shows the children of "dir/", not "dir/" itself
                }
                if (d < 0) {
                    out.add(new Entry<>(row, null));
                } else if (req.pathMode() && d + req.delimiter().length() == name.length()) {
                    // path listings include direct children whose names end in the delimiter
                    out.add(new Entry<>(row, null));
                } else {
                    String subdir = name.substring(0, d + req.delimiter().length());
                    if (!req.pathMode() && !subdir.equals(lastSubdir) && !subdir.equals(req.marker())) {
                        out.add(new Entry<>(null, subdir));
                        lastSubdir = subdir;
                    }
                    // Skip every name below this subdirectory in one step.
                    if (req.reverse()) {
                        // Below everything in the subdirectory. A path listing still owes the object
                        // named exactly like the subdirectory (a direct child): keep it in range. Names
                        // hold no NUL, so nothing lies between subdir and subdir + U+0001.
                        endBefore = req.pathMode() ? subdir + "\u0001" : subdir;
                    } else {
                        startAfter = null;
                        startAt = name.substring(0, d) + successor(req.delimiter());
                    }
                    skipped = true;
                    break;
                }
                if (out.size() >= req.limit()) {
                    break;
                }
            }
            if (!skipped && rows.size() < want) {
                break; // the store's range is exhausted
            }
            batch = skipped ? ROWS_AFTER_SKIP : (int) Math.min((long) batch * 4, req.limit());
        }
        return out;
    }

    /** The string right after every string that starts with {@code delimiter}: its last char plus one. */
    private static String successor(String delimiter) {
        int last = delimiter.codePointBefore(delimiter.length());
        return delimiter.substring(0, delimiter.length() - Character.charCount(last))
                + new String(Character.toChars(last + 1));
    }
}
