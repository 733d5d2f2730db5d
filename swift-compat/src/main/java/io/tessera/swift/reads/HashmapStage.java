package io.tessera.swift.reads;

import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentMaps;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.objects.ObjectReads;
import io.tessera.swift.pithos.HashmapReply;
import io.tessera.swift.pithos.PithosQuery;

/**
 * Pithos' {@code GET ?hashmap}: the object's map (block size, hash, length, block hashes) instead of
 * its bytes, after the same conditional headers. A large object has none of its own: refused before
 * any of its segments is looked up.
 */
final class HashmapStage implements ObjectReader {
    private final ContentMaps maps;
    private final ObjectReader next;

    HashmapStage(ContentMaps maps, ObjectReader next) {
        this.maps = maps;
        this.next = next;
    }

    @Override
    public Replied read(ObjectRead r) {
        if (r.head() || !PithosQuery.hashmap(r.query())) {
            return next.read(r);
        }
        ObjectVersion v = r.followed().object();
        HashmapReply.checkServable(v);
        BodyStage.checkConditions(r, v, v.etag());
        try {
            return new Replied(r, HashmapReply.of(v, maps.load(v.map()), r.query(),
                    r.headers().getHeaderString("Accept")).build());
        } catch (SwiftException e) {
            throw BodyStage.located(ObjectReads.describe(e, v, v.etag()), r);
        }
    }
}
