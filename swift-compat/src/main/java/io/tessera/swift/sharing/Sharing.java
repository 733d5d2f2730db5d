package io.tessera.swift.sharing;

import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.MetadataReplies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The permissions of one path (Pithos {@code X-Object-Sharing}): who may read, who may write. An entry
 * names an account ({@code AUTH_bob}), a group of the owner's ({@code AUTH_alice:team}) or {@code *}
 * (any authenticated user, never a temporary URL or an anonymous request). Entries are compared without
 * regard to case and kept in the account's own spelling where it is known.
 *
 * <p>Stored in the object row under {@link #KEY} (a path feature: {@code writes.PathFeatures}) as
 * {@code read=a,b;write=c}, the form {@link #parse} reads back.
 */
public record Sharing(List<String> read, List<String> write) {
    /** The object row's metadata key. */
    public static final String KEY = MetadataReplies.INTERNAL_PREFIX + "sharing";
    /** The longest entry (Pithos: {@code xfeaturevals.value String(256)}). */
    public static final int MAX_ENTRY = 256;
    /** At most this many entries in one header (Pithos has no cap; ours keeps an object row bounded). */
    public static final int MAX_ENTRIES = 1024;
    /** At most this many bytes stored (the record is in the object row, and in every listing page that has it). */
    public static final int MAX_STORED = 8192;
    public static final Sharing NONE = new Sharing(List.of(), List.of());

    public Sharing {
        read = List.copyOf(read);
        write = List.copyOf(write);
    }

    public boolean isEmpty() {
        return read.isEmpty() && write.isEmpty();
    }

    /**
     * Parses the request header as Pithos' {@code get_sharing}: null when absent (no change),
     * {@link #NONE} for an empty value (unshare), else the lists; 400 for a part that is neither
     * {@code read=} nor {@code write=}, or a list left empty.
     *
     * @param spell an entry's account as it is spelled (the lower-case entry when unknown)
     */
    public static Sharing parseHeader(String header, UnaryOperator<String> spell) {
        if (header == null) {
            return null;
        }
        // Pithos removes '~' and every space; tabs and other blanks are trimmed by HTTP (a "\t" unshares).
        String value = header.replace("~", "").replace(" ", "").strip();
        if (value.isEmpty()) {
            return NONE;
        }
        List<String> read = null;
        List<String> write = null;
        int total = 0;
        for (String part : value.split(";", -1)) {
            String p = part.strip();
            List<String> list;
            if (p.startsWith("read=")) {
                list = read = entries(p.substring(5), spell);
            } else if (p.startsWith("write=")) {
                list = write = entries(p.substring(6), spell);
            } else {
                throw SwiftError.BAD_REQUEST.exception("Bad X-Object-Sharing header value: missing prefix");
            }
            if (list.isEmpty()) {
                throw SwiftError.BAD_REQUEST.exception("Bad X-Object-Sharing header value: invalid length");
            }
            total += list.size();
            if (total > MAX_ENTRIES) {
                throw SwiftError.BAD_REQUEST.exception("Bad X-Object-Sharing header value: more than " + MAX_ENTRIES
                        + " entries");
            }
        }
        List<String> w = write == null ? List.of() : write;
        List<String> r = new ArrayList<>();
        if (read != null) {
            for (String e : read) {
                // One in both lists is kept only in write (not "*").
                if (e.equals("*") || w.stream().noneMatch(x -> x.equalsIgnoreCase(e))) {
                    r.add(e);
                }
            }
        }
        Sharing parsed = new Sharing(r, w);
        if (parsed.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_STORED) {
            throw SwiftError.BAD_REQUEST.exception("Bad X-Object-Sharing header value: longer than " + MAX_STORED
                    + " bytes");
        }
        return parsed;
    }

    private static List<String> entries(String list, UnaryOperator<String> spell) {
        TreeSet<String> seen = new TreeSet<>();
        List<String> out = new ArrayList<>();
        for (String raw : list.split(",", -1)) {
            String e = raw.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.length() > MAX_ENTRY) {
                throw SwiftError.BAD_REQUEST.exception("Bad X-Object-Sharing header value: an entry is longer than "
                        + MAX_ENTRY + " characters");
            }
            if (e.equals("*")) {
                return List.of("*");
            }
            if (seen.add(e)) {
                out.add(e);
            }
        }
        out.replaceAll(e -> {
            int colon = e.indexOf(':');
            return colon < 0 ? spell.apply(e) : spell.apply(e.substring(0, colon)) + e.substring(colon);
        });
        out.sort(String.CASE_INSENSITIVE_ORDER);
        return out;
    }

    /** The stored form; also what {@link #of(Map)} reads back. */
    public String encode() {
        StringBuilder b = new StringBuilder();
        if (!read.isEmpty()) {
            b.append("read=").append(String.join(",", read));
        }
        if (!write.isEmpty()) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append("write=").append(String.join(",", write));
        }
        return b.toString();
    }

    /** The reply header's value: {@code read=a,b; write=c} (Pithos' separator). */
    public String header() {
        return encode().replace(";", "; ");
    }

    /** The sharing a row's metadata holds, or null when it holds none. */
    public static Sharing of(Map<String, String> metadata) {
        return decode(metadata.get(KEY));
    }

    static Sharing decode(String stored) {
        if (stored == null || stored.isEmpty()) {
            return null;
        }
        List<String> read = List.of();
        List<String> write = List.of();
        for (String part : stored.split(";")) {
            if (part.startsWith("read=")) {
                read = List.of(part.substring(5).split(","));
            } else if (part.startsWith("write=")) {
                write = List.of(part.substring(6).split(","));
            }
        }
        Sharing s = new Sharing(read, write);
        return s.isEmpty() ? null : s;
    }

    /** What {@code who} may do here: {@link Level#WRITE} if in the write list, else READ if in either. */
    public Level levelOf(Principal who, String owner, Function<String, List<String>> groupMembers) {
        if (who == null || who.isTempUrl() || who.user() == null) {
            return Level.NONE;
        }
        if (matchesAny(write, who, owner, groupMembers)) {
            return Level.WRITE;
        }
        return matchesAny(read, who, owner, groupMembers) ? Level.READ : Level.NONE;
    }

    /** The accounts and groups named (no {@code *}). */
    public List<String> entries() {
        List<String> all = new ArrayList<>(read);
        all.addAll(write);
        return all;
    }

    private static boolean matchesAny(List<String> entries, Principal who, String owner,
                                      Function<String, List<String>> groupMembers) {
        for (String e : entries) {
            if (e.equals("*")) {
                return true;
            }
            int colon = e.indexOf(':');
            if (colon < 0) {
                if (owns(who, e)) {
                    return true;
                }
            } else if (e.substring(0, colon).equalsIgnoreCase(owner)) {
                for (String member : groupMembers.apply(e.substring(colon + 1))) {
                    if (owns(who, member)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A principal matches an account entry if it owns that account (an admin of it, or a reseller). */
    static boolean owns(Principal who, String account) {
        return who.user() != null && (who.user().isResellerAdmin()
                || (who.user().isAdmin() && who.user().account().equalsIgnoreCase(account)));
    }

    /** What a requester may do on a path. */
    public enum Level {
        NONE, READ, WRITE;

        public String header() {
            return this == WRITE ? "write" : "read";
        }
    }
}
