package io.tessera.swift.pithos;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.slo.StaticLargeObject;

/**
 * The tags a conditional request may name an object by. Swift clients send its ETag (the MD5 of its
 * bytes, or for an object made from a hashmap its Merkle root); Pithos clients may send its Merkle root
 * ({@code X-Object-Hash}: agkyra does), which Pithos without MD5s serves as the ETag. For an object
 * whose bytes are its own map's, both name it; a large object's bytes are its segments', which its
 * map's root does not describe.
 */
public final class ObjectTags {
    private ObjectTags() {
    }

    /** The Merkle root {@code v}'s bytes answer to, or null for a large object. */
    public static String merkleRoot(ObjectVersion v) {
        if (StaticLargeObject.isSlo(v) || v.metadata().containsKey(ObjectBodies.DLO_MANIFEST)) {
            return null;
        }
        return v.map().merkleRoot().toHex();
    }
}
