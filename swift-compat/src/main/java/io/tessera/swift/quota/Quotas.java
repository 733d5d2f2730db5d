package io.tessera.swift.quota;

import io.tessera.swift.context.InfoSource;
import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.versioning.ObjectVersioning;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Map;
import java.util.Optional;

/**
 * Swift's container_quotas and account_quotas middleware. A container's {@code X-Container-Meta-Quota-Bytes}
 * and {@code -Quota-Count}, and an account's {@code X-Account-Meta-Quota-Bytes} (which only a reseller
 * admin may set), bound what uploads and copies may add: one that would pass a quota gets 413
 * "Upload exceeds quota." and changes nothing. A versioned container's quota counts its versions' bytes.
 */
public final class Quotas {
    static final String CONTAINER_BYTES = "x-container-meta-quota-bytes";
    static final String CONTAINER_COUNT = "x-container-meta-quota-count";
    static final String ACCOUNT_BYTES = "x-account-meta-quota-bytes";

    private final InfoSource info;

    public Quotas(InfoSource info) {
        this.info = info;
    }

    public static Map<String, Object> containerInfo() {
        return Map.of();
    }

    public static Map<String, Object> accountInfo() {
        return Map.of();
    }

    /** A container PUT/POST may set quotas only to whole numbers. */
    public static void checkContainerHeaders(MultivaluedMap<String, String> headers) {
        if (!wholeOrAbsent(headers.getFirst(CONTAINER_BYTES))) {
            throw SwiftError.BAD_REQUEST.exception("Invalid bytes quota.");
        }
        if (!wholeOrAbsent(headers.getFirst(CONTAINER_COUNT))) {
            throw SwiftError.BAD_REQUEST.exception("Invalid count quota.");
        }
    }

    /** An account's quota is the reseller's to set (403 for anyone else), to a whole number. */
    public static void checkAccountHeaders(MultivaluedMap<String, String> headers, boolean reseller) {
        String value = headers.getFirst(ACCOUNT_BYTES);
        boolean touches = value != null || headers.containsKey("x-remove-account-meta-quota-bytes");
        if (!touches) {
            return;
        }
        if (!reseller) {
            throw SwiftError.FORBIDDEN.exception();
        }
        if (!wholeOrAbsent(value)) {
            throw SwiftError.BAD_REQUEST.exception("Invalid bytes quota.");
        }
    }

    /** Before an upload or copy of {@code bytes} into the container: 413 if it would pass a quota. */
    public void checkUpload(String account, String container, long bytes) {
        if (bytes > uploadAllowance(account, container)) {
            throw exceeded();
        }
    }

    /**
     * How many bytes an upload into the container may add before it passes a bytes quota
     * ({@link Long#MAX_VALUE} where there is none; negative when one is passed already); 413 if the
     * container's object count quota leaves no room for one more object.
     */
    public long uploadAllowance(String account, String container) {
        long allowance = Long.MAX_VALUE;
        Optional<ContainerInfo> c = info.container(account, container);
        if (c.isPresent()) {
            Map<String, String> meta = c.get().metadata();
            Long quotaBytes = whole(meta.get(CONTAINER_BYTES));
            if (quotaBytes != null) {
                allowance = Math.min(allowance, quotaBytes - ObjectVersioning.bytesUsed(c.get(), info));
            }
            Long quotaCount = whole(meta.get(CONTAINER_COUNT));
            if (quotaCount != null && c.get().objectCount() + 1 > quotaCount) {
                throw exceeded();
            }
        }
        Optional<AccountInfo> a = info.account(account);
        if (a.isPresent()) {
            Long quota = whole(a.get().metadata().get(ACCOUNT_BYTES));
            if (quota != null) {
                allowance = Math.min(allowance, quota - a.get().bytesUsed());
            }
        }
        return allowance;
    }

    /** The refusal of an upload that would pass a quota. */
    public static SwiftException exceeded() {
        return SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Upload exceeds quota.");
    }

    private static boolean wholeOrAbsent(String v) {
        return v == null || v.isEmpty() || v.chars().allMatch(Character::isDigit);
    }

    /** A stored quota, or null when there is none (or it is not a whole number, which Swift ignores). */
    private static Long whole(String v) {
        if (v == null || v.isEmpty() || !v.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException tooBig) {
            return Long.MAX_VALUE;
        }
    }
}
