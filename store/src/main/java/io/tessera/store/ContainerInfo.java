package io.tessera.store;

import java.util.Map;

/**
 * A container as stored: creation time, metadata (lower-case header names such as
 * {@code x-container-meta-color} or {@code x-container-read}) and usage counters.
 */
public record ContainerInfo(String account, String name, Timestamp created, Map<String, String> metadata,
                            long objectCount, long bytesUsed) {
    public ContainerInfo {
        metadata = Map.copyOf(metadata);
    }
}
