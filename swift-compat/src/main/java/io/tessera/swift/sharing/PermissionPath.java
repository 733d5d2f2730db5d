package io.tessera.swift.sharing;

import io.tessera.store.ObjectVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which path's permissions govern an object (Pithos {@code _get_permissions_path}): the object's own
 * record if it has one; else the deepest ancestor {@code a/b} or {@code a/b/} whose latest version
 * holds a record and is a directory ({@code application/directory} or {@code application/folder},
 * before any {@code ;}). A record on a file does not propagate; container and account records never
 * apply (Tessera keeps none). Each candidate is one metadata get, so the walk is bounded: at most
 * {@link #MAX_LEVELS} ancestor levels above the object, the deepest ones (two candidates a level).
 * Names are at most 1024 characters, so a deeper share is the only thing this bound can miss.
 */
public final class PermissionPath {
    /** The ancestor levels looked at, deepest first: at most 2 × this many gets. */
    public static final int MAX_LEVELS = 32;

    /**
     * The governing record.
     *
     * @param name    the object name that holds it (the object itself, or a directory above it)
     * @param sharing its permissions
     */
    public record Effective(String name, Sharing sharing) {
        public boolean inherited(String object) {
            return !name.equals(object);
        }
    }

    private PermissionPath() {
    }

    public static boolean isDirectory(ObjectVersion v) {
        return isDirectoryType(v.contentType());
    }

    /** Whether a content type is a Pithos directory's ({@code application/directory} or {@code application/folder}). */
    public static boolean isDirectoryType(String type) {
        if (type == null) {
            return false;
        }
        int semi = type.indexOf(';');
        String t = (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        return t.equals("application/directory") || t.equals("application/folder");
    }

    /** The ancestor candidates of {@code name}, deepest first ({@code a/b/}, {@code a/b}, {@code a/}, {@code a}). */
    public static List<String> ancestors(String name) {
        List<String> out = new ArrayList<>();
        int levels = 0;
        for (int i = name.lastIndexOf('/'); i >= 0 && levels < MAX_LEVELS; i = i == 0 ? -1 : name.lastIndexOf('/', i - 1)) {
            String with = name.substring(0, i + 1);
            String without = name.substring(0, i);
            if (!with.equals(name)) {
                out.add(with);
            }
            if (!without.isEmpty()) {
                out.add(without);
            }
            levels++;
        }
        return out;
    }

    /**
     * The record that governs {@code name}.
     *
     * @param own  the object's current row, if it exists (saves a get)
     * @param rows a row by name, in the same container
     */
    public static Optional<Effective> resolve(String name, Optional<ObjectVersion> own,
                                              Function<String, Optional<ObjectVersion>> rows) {
        Sharing mine = own.map(v -> Sharing.of(v.metadata())).orElse(null);
        if (mine != null) {
            return Optional.of(new Effective(name, mine));
        }
        for (String candidate : ancestors(name)) {
            Optional<ObjectVersion> row = rows.apply(candidate);
            if (row.isEmpty()) {
                continue;
            }
            Sharing s = Sharing.of(row.get().metadata());
            if (s != null && isDirectory(row.get())) {
                return Optional.of(new Effective(candidate, s));
            }
        }
        return Optional.empty();
    }
}
