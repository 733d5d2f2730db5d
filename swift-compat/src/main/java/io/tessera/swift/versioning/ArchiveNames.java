package io.tessera.swift.versioning;

import io.tessera.store.Timestamp;
import java.nio.charset.StandardCharsets;

/**
 * Names of archived versions in a legacy versions container, as Swift's versioned_writes makes them:
 * {@code <length of the name in UTF-8 bytes, 3 hex digits><name>/<timestamp, 16 characters>}, so
 * one object's versions share a prefix and list oldest first.
 */
final class ArchiveNames {
    private ArchiveNames() {
    }

    static String prefix(String objectName) {
        return String.format("%03x", objectName.getBytes(StandardCharsets.UTF_8).length) + objectName + "/";
    }

    static String of(String objectName, Timestamp timestamp) {
        return prefix(objectName) + internal(timestamp);
    }

    /** Swift's Timestamp.internal: seconds with five decimals, zero-padded to 16 characters. */
    static String internal(Timestamp t) {
        String s = t.toSwift();
        return "0".repeat(Math.max(0, 16 - s.length())) + s;
    }
}
