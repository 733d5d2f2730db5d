package io.tessera.store;

import java.util.Map;

/**
 * An account as stored: its creation time, its metadata (lower-case header names such as
 * {@code x-account-meta-color}) and its usage counters, kept by the store as objects and containers
 * come and go.
 */
public record AccountInfo(String name, Timestamp created, Map<String, String> metadata,
                          long containerCount, long objectCount, long bytesUsed) {
    public AccountInfo {
        metadata = Map.copyOf(metadata);
    }
}
