package io.tessera.swift.versioning;

import io.tessera.store.ListQuery;
import io.tessera.store.ObjectVersion;

/** What both versioning modes share (their write step is io.tessera.swift.writes.VersioningStage). */
public final class Versioning {
    private Versioning() {
    }

    /** An account listing without the hidden versions containers (their names sort before all others). */
    public static ListQuery withoutReserved(ListQuery q) {
        String floor = "\u0001";
        String startAt = q.startAt() == null || io.tessera.store.Names.UTF8_ORDER.compare(q.startAt(), floor) < 0
                ? floor : q.startAt();
        return q.withStartAt(startAt);
    }

    static boolean isHidden(ObjectVersion v) {
        return VersionNames.isReserved(v.container());
    }
}
