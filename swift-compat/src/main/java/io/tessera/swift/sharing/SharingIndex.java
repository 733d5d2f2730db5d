package io.tessera.swift.sharing;

import io.tessera.store.IndexEntry;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who shares what with whom, found without a scan: three partitions of the store's path index
 * ({@link MetadataStore#putIndexEntry}).
 * <ul>
 *   <li>{@code share:<account>/<container>}: the names in that container holding a sharing record;</li>
 *   <li>{@code sharec:<account>}: the account's containers holding any;</li>
 *   <li>{@code sharer:<grantee>}: the accounts that may share with that account (lower-case; {@code *}
 *       for everyone): named by one of their records, or a member of one of their groups.</li>
 * </ul>
 * The object rows (their {@link Sharing#KEY}) and the account rows (their groups) stay the truth. An
 * entry is written before the row that needs it and removed after the row no longer does (an unshare,
 * a delete), or never ({@code sharer:} entries: an account that stops sharing stays a candidate). Every
 * reader checks each entry against the rows ({@link #sharedRow}): a crash between the two writes
 * leaves an extra entry, which costs a read, and never hides a share. So answers stay exact after
 * unshares, deletes, group changes and crashes.
 */
public final class SharingIndex {
    private static final int PAGE = 500;
    private final MetadataStore meta;

    public SharingIndex(MetadataStore meta) {
        this.meta = meta;
    }

    static String paths(String account, String container) {
        return "share:" + account + "/" + container;
    }

    static String containers(String account) {
        return "sharec:" + account;
    }

    static String sharers(String grantee) {
        return "sharer:" + grantee.toLowerCase(Locale.ROOT);
    }

    /** Before a row carrying {@code sharing} is published at {@code account/container/name}. */
    public void beforeShare(String account, String container, String name, Sharing sharing) {
        for (String e : sharing.entries()) {
            int colon = e.indexOf(':');
            if (colon < 0) {
                meta.putIndexEntry(sharers(e), account, "");
            }
        }
        meta.putIndexEntry(containers(account), container, "");
        meta.putIndexEntry(paths(account, container), name, "");
    }

    /** Before an account's groups name {@code members}. */
    public void beforeGroups(String account, List<String> members) {
        for (String m : members) {
            meta.putIndexEntry(sharers(m), account, "");
        }
    }

    /** After the row at that name no longer carries a record (unshared, deleted). */
    public void afterUnshare(String account, String container, String name) {
        meta.removeIndexEntry(paths(account, container), name);
    }

    /** After a delete: drops the entry if the deleted row held a record. */
    public void afterDelete(Optional<ObjectVersion> deleted) {
        deleted.filter(v -> Sharing.of(v.metadata()) != null)
                .ifPresent(v -> afterUnshare(v.account(), v.container(), v.name()));
    }

    /** The row at an indexed name, if it still holds a record (the truth behind the entry). */
    public Optional<ObjectVersion> sharedRow(String account, String container, String name) {
        return meta.getObject(account, container, name).filter(v -> Sharing.of(v.metadata()) != null);
    }

    /** The first checked shared row of the container that {@code test} accepts, scanning its index page by page. */
    public Optional<ObjectVersion> firstShared(String account, String container, Predicate<ObjectVersion> test) {
        String after = null;
        while (true) {
            List<IndexEntry> page = meta.listIndex(paths(account, container), after, PAGE);
            for (IndexEntry e : page) {
                Optional<ObjectVersion> row = sharedRow(account, container, e.entry()).filter(test);
                if (row.isPresent()) {
                    return row;
                }
            }
            if (page.size() < PAGE) {
                return Optional.empty();
            }
            after = page.get(page.size() - 1).entry();
        }
    }

    /** Whether any container of the account has a checked shared row {@code test} accepts. */
    public boolean anyShared(String account, Predicate<ObjectVersion> test) {
        String after = null;
        while (true) {
            List<IndexEntry> page = meta.listIndex(containers(account), after, PAGE);
            for (IndexEntry e : page) {
                if (firstShared(account, e.entry(), test).isPresent()) {
                    return true;
                }
            }
            if (page.size() < PAGE) {
                return false;
            }
            after = page.get(page.size() - 1).entry();
        }
    }

    /** A page of the candidate sharers of {@code grantee} ({@code *} for everyone's), after {@code after}. */
    public List<IndexEntry> candidates(String grantee, String after) {
        return meta.listIndex(sharers(grantee), after, PAGE);
    }

    public static int page() {
        return PAGE;
    }
}
