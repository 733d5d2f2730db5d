package io.tessera.swift.http;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A storage path {@code /v1/<account>[/<container>[/<object>]]}, decoded from the raw request path
 * once and strictly: names are UTF-8 without NUL (else 412, as Swift's check_utf8), object names keep
 * every slash, empty segment and trailing slash, lengths are checked in UTF-8 bytes, and the container
 * name is one {@link ContainerNames} accepts.
 *
 * <p>The path is decoded before it is split, as Swift's WSGI server hands it over: an encoded slash
 * separates names like a plain one ({@code /v1/a/c%2Fx} is object x in container c), so no name from a
 * path ever holds a slash where Swift's would not. Headers that name {@code container/object} are split
 * the same way ({@link #splitDecoded}).
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
        String path = decode(rawBelowV1);
        String account;
        String container = null;
        String object = null;
        int slash1 = path.indexOf('/');
        if (slash1 < 0) {
            account = path;
        } else {
            account = path.substring(0, slash1);
            int slash2 = path.indexOf('/', slash1 + 1);
            if (slash2 < 0) {
                container = path.substring(slash1 + 1);
            } else {
                container = path.substring(slash1 + 1, slash2);
                object = path.substring(slash2 + 1);
            }
        }
        if (account.isEmpty()) {
            throw SwiftError.NOT_FOUND.exception();
        }
        // "/v1/a/" is the account and "/v1/a/c/" the container, as in Swift's split_path.
        if (container != null && container.isEmpty()) {
            if (object != null && !object.isEmpty()) {
                throw SwiftError.NOT_FOUND.exception();
            }
            container = null;
            object = null;
        }
        if (object != null && object.isEmpty()) {
            object = null;
        }
        checkLength("Account name", account, limits.maxAccountNameLength());
        if (container != null) {
            ContainerNames.check(container, limits);
        }
        if (object != null) {
            checkLength("Object name", object, limits.maxObjectNameLength());
        }
        return new SwiftPath(account, container, object);
    }

    /**
     * A header's {@code [/]container/object} (X-Copy-From, Destination, a DLO's X-Object-Manifest when
     * read): decoded first, then split at the first slash, as Swift's check_path_header does; null when
     * there is no slash after a non-empty first part.
     */
    public static String[] splitDecoded(String raw, String where) {
        String v = decode(raw, where);
        if (v.startsWith("/")) {
            v = v.substring(1);
        }
        int slash = v.indexOf('/');
        return slash <= 0 ? null : new String[] {v.substring(0, slash), v.substring(slash + 1)};
    }

    static void checkLength(String what, String name, int max) {
        int len = name.getBytes(StandardCharsets.UTF_8).length;
        if (len > max) {
            throw SwiftError.BAD_REQUEST.exception(what + " length of " + len + " longer than " + max);
        }
    }

    /** Percent-decodes a path as UTF-8, refusing malformed escapes, invalid UTF-8 and NUL. */
    public static String decode(String raw) {
        return decode(raw, "path");
    }

    private static boolean isPlainAscii(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' || c == 0 || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** {@link #decode(String)} of a value from {@code where} (a header's name), which a malformed escape's 400 names. */
    public static String decode(String raw, String where) {
        if (isPlainAscii(raw)) {
            return raw; // nothing to decode, and ASCII without NUL is valid UTF-8: most names, on every request
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw SwiftError.BAD_REQUEST.exception("Invalid percent-encoding in " + where);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw SwiftError.BAD_REQUEST.exception("Invalid percent-encoding in " + where);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // The container gave us a decoded non-ASCII character: re-encode it as UTF-8, a whole code
                // point at a time (a character beyond the BMP is two chars; one alone would become '?').
                int codePoint = raw.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(codePoint) - 1;
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
        return SwiftError.PRECONDITION_FAILED.exception("Invalid UTF8 or contains NULL");
    }
}
