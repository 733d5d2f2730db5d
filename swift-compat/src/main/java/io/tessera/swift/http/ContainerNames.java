package io.tessera.swift.http;

import io.tessera.swift.errors.SwiftError;

/**
 * What may name a container, checked wherever a name enters: the request path ({@link SwiftPath}),
 * {@code X-Versions-Location} and {@code X-History-Location}, the first directory of an archive's entry.
 * Swift's rules (check_container_format: not empty, no slash, 412; max_container_name_length in UTF-8
 * bytes, 400) and one of ours: not {@code .} or {@code ..}.
 *
 * <p>Why the dot rule, which Swift 2.30 does not have: {@code .} and {@code ..} are dot-segments, which
 * RFC 3986 clients remove from a URL before sending it. Swift creates such a container for a raw client,
 * and then its own CLI cannot reach it ({@code swift stat ..} asks {@code HEAD /v1/}, {@code swift list .}
 * lists the account), nor can a browser, curl or anything on urllib3.
 */
public final class ContainerNames {
    private ContainerNames() {
    }

    /** {@code name}, decoded, if it may name a container; else the refusal, with Swift's status. */
    public static String check(String name, SwiftConstraints limits) {
        if (name.isEmpty()) {
            throw SwiftError.PRECONDITION_FAILED.exception("Container name cannot be empty");
        }
        if (name.indexOf('/') >= 0) {
            throw SwiftError.PRECONDITION_FAILED.exception("Container name cannot contain slashes");
        }
        if (name.equals(".") || name.equals("..")) {
            throw SwiftError.PRECONDITION_FAILED.exception("Container name cannot be . or ..");
        }
        SwiftPath.checkLength("Container name", name, limits.maxContainerNameLength());
        return name;
    }
}
