package io.tessera.swift.versioning;

import io.tessera.store.ListQuery;
import io.tessera.store.Store;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectWrites;

/** The one publish hook both versioning modes need: what happens to the version a write replaces. */
public final class Versioning {
    private Versioning() {
    }

    /** For {@link ObjectWrites}: legacy archiving, or object versioning's link to a new version. */
    public static ObjectWrites.PublishHook publishHook(Store store) {
        return next -> {
            new LegacyVersioning(store).beforeOverwrite(next);
            return new VersionedObjects(store, next.account(), next.container()).beforePublish(next);
        };
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
