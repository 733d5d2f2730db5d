package io.tessera.swift.sharing;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.MetadataReplies;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An account's groups (Pithos {@code X-Account-Group-<name>: a,b}), kept in the account's metadata under
 * {@link #PREFIX}{@code <name>}. Set by an account POST: replacing all of them, or with {@code ?update}
 * merging (an empty value deletes a group); shown to the owner only. As Pithos: at most 32 groups of at
 * most 32 members, names and members at most 256 characters ({@code LimitExceeded}, a 400), names
 * lower-case, without {@code -} or {@code _}.
 */
public final class Groups {
    public static final String PREFIX = MetadataReplies.INTERNAL_PREFIX + "group-";
    private static final String HEADER = "x-account-group-";
    public static final int MAX_GROUPS = 32;
    public static final int MAX_MEMBERS = 32;
    public static final int MAX_LENGTH = 256;

    private Groups() {
    }

    /** The groups the request names (an empty list: delete that group), or an empty map when none. */
    public static Map<String, List<String>> fromRequest(MultivaluedMap<String, String> headers) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (var e : headers.entrySet()) {
            String h = e.getKey().toLowerCase(Locale.ROOT);
            if (!h.startsWith(HEADER)) {
                continue;
            }
            String name = h.substring(HEADER.length());
            if (name.isEmpty() || name.contains("-") || name.contains("_")) {
                throw SwiftError.BAD_REQUEST.exception("Bad characters in group name");
            }
            if (name.length() > MAX_LENGTH) {
                throw SwiftError.BAD_REQUEST.exception("Group names should be at most 256 characters long.");
            }
            LinkedHashSet<String> members = new LinkedHashSet<>();
            for (String value : e.getValue()) {
                for (String m : value.replace(" ", "").strip().split(",")) {
                    String member = m.strip();
                    if (member.isEmpty()) {
                        continue;
                    }
                    if (member.length() > MAX_LENGTH) {
                        throw SwiftError.BAD_REQUEST.exception("Group members should be at most 256 characters long.");
                    }
                    members.add(member);
                }
                if (members.size() > MAX_MEMBERS) {
                    break;
                }
            }
            groups.put(name, new ArrayList<>(members));
        }
        return groups;
    }

    /** The account's groups as stored. */
    public static Map<String, List<String>> of(Map<String, String> accountMetadata) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        accountMetadata.forEach((k, v) -> {
            if (k.startsWith(PREFIX) && !v.isEmpty()) {
                groups.put(k.substring(PREFIX.length()), List.of(v.split(",")));
            }
        });
        return groups;
    }

    /** The members of one group ({@code name} lower-case), empty when there is no such group. */
    public static List<String> members(Map<String, String> accountMetadata, String name) {
        String v = accountMetadata.get(PREFIX + name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? List.of() : List.of(v.split(","));
    }

    /**
     * The metadata changes that give the account {@code requested} (replacing all groups, or merged with
     * {@code ?update}), after the limits are checked; throws 400 over them.
     */
    public static Map<String, String> changes(Map<String, String> accountMetadata, Map<String, List<String>> requested,
                                              boolean merge) {
        Map<String, List<String>> result = merge ? new LinkedHashMap<>(of(accountMetadata)) : new LinkedHashMap<>();
        requested.forEach((name, members) -> {
            if (members.isEmpty()) {
                result.remove(name);
            } else {
                result.put(name, members);
            }
        });
        if (result.size() > MAX_GROUPS) {
            throw SwiftError.BAD_REQUEST.exception("Pithos+ accounts cannot have more than " + MAX_GROUPS + " groups");
        }
        for (List<String> members : result.values()) {
            if (members.size() > MAX_MEMBERS) {
                throw SwiftError.BAD_REQUEST.exception("Pithos+ groups cannot have more than " + MAX_MEMBERS + " members");
            }
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (String k : accountMetadata.keySet()) {
            if (k.startsWith(PREFIX) && !result.containsKey(k.substring(PREFIX.length()))) {
                changes.put(k, ""); // removed
            }
        }
        result.forEach((name, members) -> changes.put(PREFIX + name, String.join(",", members)));
        return changes;
    }

    /** {@code X-Account-Group-<Name>} headers, for the owner's HEAD and GET. */
    public static void replyHeaders(BiConsumer<String, Object> reply, Map<String, String> accountMetadata) {
        of(accountMetadata).forEach((name, members) ->
                reply.accept("X-Account-Group-" + Character.toUpperCase(name.charAt(0)) + name.substring(1),
                        String.join(",", members)));
    }
}
