package io.tessera.store.embedded;

import io.tessera.store.Store;
import io.tessera.store.embedded.Keys.Counter;

/** Moves an embedded store's usage counters behind its back, as drift would (collector tests). */
public final class CounterSkew {
    private CounterSkew() {
    }

    /** Adds to a container's counters only (a null container: to the account's only). */
    public static void add(Store store, String account, String container, long containers, long objects, long bytes) {
        EmbeddedDb db = ((EmbeddedStore) store).db();
        try (EmbeddedDb.Batch batch = db.batch()) {
            if (container != null) {
                batch.add(Keys.containerCounter(account, container, Counter.OBJECTS), objects)
                        .add(Keys.containerCounter(account, container, Counter.BYTES), bytes);
            } else {
                batch.add(Keys.accountCounter(account, Counter.CONTAINERS), containers)
                        .add(Keys.accountCounter(account, Counter.OBJECTS), objects)
                        .add(Keys.accountCounter(account, Counter.BYTES), bytes);
            }
            batch.write();
        }
    }
}
