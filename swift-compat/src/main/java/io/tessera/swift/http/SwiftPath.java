package io.tessera.swift.http;

import io.tessera.swift.errors.SwiftException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A storage path {@code /v1/<account>[/<container>[/<object>]]}, decoded from the raw request path
 * once and strictly: names are UTF-8 without NUL (else 412, as Swift's check_utf8), object names keep
 * every slash, empty segment and trailing slash, and lengths are checked in UTF-8 bytes.
 */
public record SwiftPath(String account, String container, String object) {

    public boolean isAccount() {
        return container == null;
    }

    public boolean isContainer() {
        return container != null && object == null;
    }

    public boolean isObject() {
        return object != null;
    }

    /** Parses the raw (still percent-encoded) path below {@code /v1/}. */
    public static SwiftPath parse(String rawBelowV1, SwiftConstraints limits) {
        String account;
        String container = null;
        String object = null;
        int slash1 = rawBelowV1.indexOf('/');
        if (slash1 < 0) {
            account = decode(rawBelowV1);
        } else {
            account = decode(rawBelowV1.substring(0, slash1));
            int slash2 = rawBelowV1.indexOf('/', slash1 + 1);
            if (slash2 < 0) {
                container = decode(rawBelowV1.substring(slash1 + 1));
            } else {
                container = decode(rawBelowV1.substring(slash1 + 1, slash2));
                object = decode(rawBelowV1.substring(slash2 + 1));
            }
        }
        if (account.isEmpty()) {
            throw SwiftException.notFound();
        }
        // "/v1/a/" is the account and "/v1/a/c/" the container, as in Swift's split_path.
        if (container != null && container.isEmpty()) {
            if (object != null && !object.isEmpty()) {
                throw SwiftException.notFound();
            }
            container = null;
            object = null;
        }
        if (object != null && object.isEmpty()) {
            object = null;
        }
        checkLength("Account name", account, limits.maxAccountNameLength());
        if (container != null) {
            checkLength("Container name", container, limits.maxContainerNameLength());
        }
        if (object != null) {
            checkLength("Object name", object, limits.maxObjectNameLength());
        }
        return new SwiftPath(account, container, object);
    }

    private static void checkLength(String what, String name, int max) {
        int len = name.getBytes(StandardCharsets.UTF_8).length;
        if (len > max) {
            throw SwiftException.badRequest(what + " length of " + len + " longer than " + max);
        }
    }

    /** Percent-decodes a path segment as UTF-8, refusing malformed escapes, invalid UTF-8 and NUL. */
    public static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw SwiftException.badRequest("Invalid percent-encoding in path");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw SwiftException.badRequest("Invalid percent-encoding in path");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // The container gave us a decoded non-ASCII character: re-encode it as UTF-8.
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
            if (s.indexOf('\0') >= 0) {
                throw invalidUtf8();
            }
            return s;
        } catch (CharacterCodingException e) {
            throw invalidUtf8();
        }
    }

    private static SwiftException invalidUtf8() {
        return SwiftException.preconditionFailed("Invalid UTF8 or contains NULL");
    }
}
