package io.tessera.swift.http;

import io.tessera.swift.errors.SwiftError;
import jakarta.ws.rs.core.MultivaluedMap;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * User metadata in request headers ({@code X-<Kind>-Meta-*} and {@code X-Remove-<Kind>-Meta-*}),
 * checked against the constraints as Swift's check_metadata does, and written back as reply headers.
 * Keys are kept lower-case; an empty value means "remove" in a change set.
 */
public final class MetadataHeaders {
    private MetadataHeaders() {
    }

    /**
     * The metadata changes a request asks for on a resource of {@code kind} ("account", "container" or
     * "object"): set values, and empty values for removals.
     */
    public static Map<String, String> changes(MultivaluedMap<String, String> headers, String kind,
                                              SwiftConstraints limits) {
        String prefix = "x-" + kind + "-meta-";
        String removePrefix = "x-remove-" + kind + "-meta-";
        Map<String, String> changes = new LinkedHashMap<>();
        int count = 0;
        int overall = 0;
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            String wireValue = h.getValue().isEmpty() ? "" : h.getValue().get(0);
            String value = HeaderText.fromWire(wireValue);
            if (name.startsWith(removePrefix)) {
                changes.put(prefix + name.substring(removePrefix.length()), "");
                continue;
            }
            if (!name.startsWith(prefix)) {
                continue;
            }
            String key = name.substring(prefix.length());
            if (key.isEmpty()) {
                throw SwiftError.BAD_REQUEST.exception("Metadata name cannot be empty");
            }
            // Sizes are the bytes on the wire (one char per byte there), even when a value is not UTF-8.
            int keyLen = key.length();
            int valueLen = wireValue.length();
            if (keyLen > limits.maxMetaNameLength()) {
                throw SwiftError.BAD_REQUEST.exception("Metadata name too long: " + prefix + key);
            }
            if (valueLen > limits.maxMetaValueLength()) {
                throw SwiftError.BAD_REQUEST.exception("Metadata value longer than " + limits.maxMetaValueLength() + ": "
                        + prefix + key);
            }
            if (!value.isEmpty()) {
                count++;
                overall += keyLen + valueLen;
            }
            changes.put(prefix + HeaderText.fromWire(key), value);
        }
        if (count > limits.maxMetaCount()) {
            throw SwiftError.BAD_REQUEST.exception("Too many metadata items; max " + limits.maxMetaCount());
        }
        if (overall > limits.maxMetaOverallSize()) {
            throw SwiftError.BAD_REQUEST.exception("Total metadata too large; max " + limits.maxMetaOverallSize());
        }
        return changes;
    }

    /** Checks the user metadata that a resource would have after {@code changes} are applied. */
    public static void checkTotal(Map<String, String> current, Map<String, String> changes, String kind,
                                  SwiftConstraints limits) {
        String prefix = "x-" + kind + "-meta-";
        Map<String, String> after = new LinkedHashMap<>(current);
        changes.forEach((k, v) -> {
            if (v.isEmpty()) {
                after.remove(k);
            } else {
                after.put(k, v);
            }
        });
        check(after, kind, limits);
    }

    /**
     * How many bytes a stored value had in a request, as Swift's check_metadata counts it. A value that
     * arrived as valid UTF-8 is held decoded (its UTF-8 length is its length on the wire); one that did
     * not is held as its ISO-8859-1 characters, one per byte (Swift's own functional suite writes such
     * values: UTF-8 cut at a byte limit). The two cannot be told apart once stored, so a value whose
     * characters all fit one byte counts one byte each: never more than it had on the wire, at most half
     * for text in U+0080..U+00FF from a non-header source. Header metadata was already counted exactly,
     * from the wire, by {@link #changes}.
     */
    static int requestBytes(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return value.length();
    }

    /**
     * Checks stored user metadata as Swift's check_metadata checks a request's: each name and value,
     * their count and total. For metadata from elsewhere than headers (a COPY's source, an archive's pax
     * entries) as well as from headers.
     */
    public static void check(Map<String, String> stored, String kind, SwiftConstraints limits) {
        String prefix = "x-" + kind + "-meta-";
        int count = 0;
        int overall = 0;
        for (Map.Entry<String, String> e : stored.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                int keyLen = e.getKey().length() - prefix.length();
                int valueLen = requestBytes(e.getValue());
                if (keyLen > limits.maxMetaNameLength()) {
                    throw SwiftError.BAD_REQUEST.exception("Metadata name too long: " + e.getKey());
                }
                if (valueLen > limits.maxMetaValueLength()) {
                    throw SwiftError.BAD_REQUEST.exception("Metadata value longer than " + limits.maxMetaValueLength()
                            + ": " + e.getKey());
                }
                count++;
                overall += keyLen + valueLen;
            }
        }
        if (count > limits.maxMetaCount()) {
            throw SwiftError.BAD_REQUEST.exception("Too many metadata items; max " + limits.maxMetaCount());
        }
        if (overall > limits.maxMetaOverallSize()) {
            throw SwiftError.BAD_REQUEST.exception("Total metadata too large; max " + limits.maxMetaOverallSize());
        }
    }

    /** Only the non-empty values: what a freshly created resource stores. */
    public static Map<String, String> withoutRemovals(Map<String, String> changes) {
        Map<String, String> m = new LinkedHashMap<>();
        changes.forEach((k, v) -> {
            if (!v.isEmpty()) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** Reply header name for a stored lower-case key: {@code x-object-meta-color} -> {@code X-Object-Meta-Color}. */
    public static String headerName(String key) {
        StringBuilder b = new StringBuilder(key.length());
        boolean upper = true;
        for (char c : key.toCharArray()) {
            b.append(upper ? Character.toUpperCase(c) : c);
            upper = c == '-';
        }
        return b.toString();
    }
}
