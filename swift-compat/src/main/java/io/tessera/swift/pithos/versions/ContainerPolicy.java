package io.tessera.swift.pithos.versions;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.versioning.ObjectVersioning;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;

/**
 * Pithos' container policies, {@code X-Container-Policy-*} on a container PUT or POST (modular.py
 * {@code _check_policy}), over Swift's own settings: {@code Versioning: auto|none} is object
 * versioning enabled or disabled ({@code X-Versions-Enabled}; with {@code none} the versions kept so
 * far stay, as Swift's disable keeps them, where Pithos' {@code none} only stops keeping new ones too),
 * {@code Quota: <bytes>} is the container's byte quota ({@code X-Container-Meta-Quota-Bytes}; 0 is no
 * quota, as in Pithos). Any other policy, or a bad value, is 400. A new container's versioning stays
 * off unless asked for (Pithos' default is {@code auto}; Swift clients expect no versions).
 */
public final class ContainerPolicy {
    private static final String PREFIX = "x-container-policy-";
    private static final String QUOTA_BYTES = "x-container-meta-quota-bytes";

    private ContainerPolicy() {
    }

    /**
     * The request's headers with its policies turned into the Swift headers they stand for (the same
     * map when it has none); 400 for an unknown policy or a bad value.
     */
    public static MultivaluedMap<String, String> asSwift(MultivaluedMap<String, String> headers) {
        boolean any = false;
        for (String k : headers.keySet()) {
            if (k.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return headers;
        }
        MultivaluedMap<String, String> out = new MultivaluedHashMap<>();
        headers.forEach((k, v) -> {
            if (!k.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
                out.put(k, v);
            }
        });
        headers.forEach((k, values) -> {
            String key = k.toLowerCase(Locale.ROOT);
            if (!key.startsWith(PREFIX)) {
                return;
            }
            String policy = key.substring(PREFIX.length());
            String value = values.isEmpty() || values.get(0) == null ? "" : values.get(0).trim();
            switch (policy) {
                case "versioning" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (!v.equals("auto") && !v.equals("none")) {
                        throw SwiftError.BAD_REQUEST.exception(
                                "The versioning policy value should be either 'auto' or 'none'.");
                    }
                    out.putSingle("x-versions-enabled", v.equals("auto") ? "true" : "false");
                }
                case "quota" -> {
                    BigInteger q;
                    try {
                        q = new BigInteger(value);
                    } catch (NumberFormatException e) {
                        throw SwiftError.BAD_REQUEST.exception("The quota policy value should be a positive integer.");
                    }
                    if (q.signum() < 0 || q.bitLength() > 63) {
                        throw SwiftError.BAD_REQUEST.exception("The quota policy value should be a positive integer.");
                    }
                    out.putSingle(QUOTA_BYTES, q.signum() == 0 ? "" : q.toString()); // 0: no quota
                }
                default -> throw SwiftError.BAD_REQUEST.exception("The only allowed policies are 'quota' or 'versioning'.");
            }
        });
        return out;
    }

    /** {@code X-Container-Policy-Versioning} and {@code -Quota}, as a container HEAD or GET shows them. */
    public static void replyHeaders(Response.ResponseBuilder reply, Map<String, String> containerMetadata) {
        boolean versioned = ObjectVersioning.hiddenContainer(containerMetadata).isPresent()
                && ObjectVersioning.isEnabled(containerMetadata);
        reply.header("X-Container-Policy-Versioning", versioned ? "auto" : "none");
        String quota = containerMetadata.get(QUOTA_BYTES);
        reply.header("X-Container-Policy-Quota", quota == null || quota.isEmpty() ? "0" : quota);
    }
}
