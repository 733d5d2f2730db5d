package io.tessera.store;

import java.util.Map;

/**
 * One published version of an object: the row that makes a name point at a map (written last,
 * invariant 2). {@code metadata} holds every stored header under its lower-case name:
 * {@code x-object-meta-*}, {@code content-disposition}, {@code content-encoding}, and the headers
 * later features add (manifests, symlinks, expiry).
 */
public record ObjectVersion(String account, String container, String name, Timestamp timestamp,
                            MapId map, String etag, String contentType, Map<String, String> metadata) {
    public ObjectVersion {
        metadata = Map.copyOf(metadata);
    }

    public long length() {
        return map.length();
    }
}
