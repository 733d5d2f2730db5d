package io.tessera.swift.pithos;

import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftError;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pithos' {@code delimiter} on object writes and deletes: a COPY, MOVE, {@code X-Copy-From},
 * {@code X-Move-From} or DELETE of {@code o} with {@code ?delimiter=/} acts on {@code o} and on every
 * object under {@code o/}; a container DELETE with it empties the container and keeps it (kamaki
 * {@code container empty}). The names are read from the listing a page at a time (memory bounded
 * whatever the count), and each object is written or deleted on its own, through the same paths as its
 * own request would be (authorization, versioning, quotas).
 */
public final class PrefixOperations {
    /** Names read from the listing at once. */
    static final int PAGE = 1000;

    private PrefixOperations() {
    }

    /** {@code ?delimiter}, or null: Pithos' bulk form of a write or delete. */
    public static String delimiter(MultivaluedMap<String, String> query) {
        String d = query.getFirst("delimiter");
        if (d == null) {
            return null;
        }
        if (d.isEmpty() || d.length() > 256) {
            throw SwiftError.BAD_REQUEST.exception("Invalid delimiter");
        }
        return d;
    }

    /** The names under {@code name} (from {@code name + delimiter}), or every name when {@code name} is null. */
    public static String prefixOf(String name, String delimiter) {
        if (name == null) {
            return null;
        }
        return name.endsWith(delimiter) ? name : name + delimiter;
    }

    /**
     * Calls {@code each} with every object name in the container that starts with {@code prefix} (all of
     * them for null), in name order, a page at a time; names starting with {@code skip} (the target of a
     * copy into its own prefix: what the operation itself writes) are passed over.
     *
     * @return how many names were handed to {@code each}
     */
    public static long forEachUnder(MetadataStore metadata, String account, String container, String prefix,
                                    String skip, Consumer<String> each) {
        String after = null;
        long count = 0;
        while (true) {
            List<ObjectVersion> page = metadata.listObjects(account, container,
                    new ListQuery(prefix, null, after, null, null, false, PAGE));
            for (ObjectVersion v : page) {
                after = v.name();
                if (skip != null && v.name().startsWith(skip)) {
                    continue;
                }
                each.accept(v.name());
                count++;
            }
            if (page.size() < PAGE) {
                return count;
            }
        }
    }

    /** Pithos: a MOVE out of, or a DELETE with a delimiter in, another user's account is always 403. */
    public static void requireOwner(Optional<Principal> who, String account) {
        if (who.isEmpty() || who.get().isTempUrl() || !who.get().owns(account)) {
            throw Authorizer.denied(who, account);
        }
    }

    /** The name under the target prefix that {@code sourceName} (under the source prefix) is copied to. */
    public static String renamed(String sourceName, String sourcePrefix, String targetPrefix) {
        return targetPrefix + sourceName.substring(sourcePrefix.length());
    }
}
