package io.tessera.swift.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Swift's swift_owner_headers: metadata only the owner of an account (its admins, or users an account
 * ACL makes admins) may see or change — container ACLs, sync keys, temporary URL keys, the account
 * ACL. Others never see them in replies, and setting them is silently ignored, as Swift does.
 */
public final class OwnerHeaders {
    static final Set<String> NAMES = Set.of(
            "x-container-read", "x-container-write", "x-container-sync-key", "x-container-sync-to",
            "x-account-meta-temp-url-key", "x-account-meta-temp-url-key-2",
            "x-container-meta-temp-url-key", "x-container-meta-temp-url-key-2",
            "x-account-access-control");

    private OwnerHeaders() {
    }

    public static boolean isOwnerOnly(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The metadata (or changes) without the owner-only entries, unless {@code owner}. */
    public static Map<String, String> visibleTo(boolean owner, Map<String, String> metadata) {
        if (owner) {
            return metadata;
        }
        Map<String, String> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (!isOwnerOnly(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
