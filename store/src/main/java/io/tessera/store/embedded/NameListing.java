package io.tessera.store.embedded;

import io.tessera.store.ListQuery;
import io.tessera.store.Names;
import io.tessera.store.embedded.EmbeddedDb.Cf;
import io.tessera.store.embedded.EmbeddedDb.Walker;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of the rows under a key base whose trailing names (containers of an account, objects of a
 * container) satisfy a {@link ListQuery}, delimiter included: one RocksDB iterator walks the range and
 * jumps over each subdirectory with a seek, so a delimiter page reads one row per subdirectory however
 * many objects each holds.
 */
final class NameListing {
    /** A listed row: its name and its stored value. */
    record Row(String name, byte[] value) {
    }

    private NameListing() {
    }

    static List<Row> page(EmbeddedDb db, Cf cf, byte[] base, ListQuery query) {
        List<Row> page = new ArrayList<>(Math.min(query.limit(), 1024));
        if (query.limit() == 0) {
            return page;
        }
        Keys.Range range = Keys.range(base, query);
        int limit = query.limit();
        boolean reverse = query.reverse();
        String[] pendingGroup = {null};
        db.walk(cf, range.from(), range.to(), reverse, (key, value) -> {
            String name = Keys.nameAfter(base, key);
            if (pendingGroup[0] != null) {
                // Reversed, after jumping to the last key at or before a group's own name: if that row
                // exists it stands for the group (the ListQuery contract), in place of the group's last row.
                boolean own = name.equals(pendingGroup[0]);
                pendingGroup[0] = null;
                if (own) {
                    page.set(page.size() - 1, new Row(name, value));
                    return page.size() < limit ? Walker.NEXT : Walker.STOP;
                }
            }
            if (page.size() == limit) {
                return Walker.STOP;
            }
            page.add(new Row(name, value));
            String group = query.groupOf(name);
            if (group == null || reverse && name.equals(group)) {
                // not in a group, or (reversed) the group's own row, below which nothing of the group lies
                return page.size() < limit ? Walker.NEXT : Walker.STOP;
            }
            if (reverse) {
                pendingGroup[0] = group;
                return Keys.concat(base, Keys.utf8(group));
            }
            String end = Names.prefixEnd(group);
            return page.size() == limit || end == null ? Walker.STOP : Keys.concat(base, Keys.utf8(end));
        });
        return page;
    }
}
