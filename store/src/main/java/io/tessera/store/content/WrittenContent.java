package io.tessera.store.content;

import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;

/**
 * What {@link ContentWriter} stored: the map (already saved), the MD5 of the stream (the Swift
 * ETag), and how much of it was new to the store (the rest was deduplicated).
 */
public record WrittenContent(MapId mapId, Hashmap map, String md5Hex, int newBlocks, long newBytes) {
    public long length() {
        return map.length();
    }
}
