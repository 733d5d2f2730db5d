package io.tessera.swift.slo;

import java.util.HashSet;
import java.util.Set;

/**
 * The bound every walk of nested manifests shares (GET and COPY of an SLO, {@code
 * ?multipart-manifest=delete}): manifests can name each other (A's segment is B, B's is A, or A names
 * itself: each PUT was valid when made, the later overwrite closes the loop), so a walk remembers the
 * manifests it opened and counts what it visited, and stops at a cap instead of spinning. Memory: one
 * name per manifest opened, at most {@code cap} of them.
 */
final class ManifestVisits {
    private final Set<String> opened = new HashSet<>();
    private final int cap;
    private int visited;

    /** @param cap how many entries (segments and manifests) one walk may visit in all */
    ManifestVisits(int cap) {
        this.cap = cap;
    }

    /** Counts one more entry visited: false once past the cap (the caller then refuses the request). */
    boolean visit() {
        return ++visited <= cap;
    }

    /** Whether {@code name} ("/container/object") is opened for the first time (and is now remembered). */
    boolean open(String name) {
        return opened.add(name);
    }

    /** Forgets {@code name}: a walk of nested levels tracks only the manifests above the current one. */
    void close(String name) {
        opened.remove(name);
    }
}
