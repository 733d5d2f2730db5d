package io.tessera.swift.versioning;

import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;

/** Zero bytes: the content of delete markers. Its map is never stored (readers know the empty map). */
final class EmptyContent {
    static final MapId MAP = MapId.of(Hashmap.empty(BlockSize.DEFAULT)); // the root of no blocks is the same for any size
    static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";

    private EmptyContent() {
    }
}
