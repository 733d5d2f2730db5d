package io.tessera.swift.slo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.swift.errors.SwiftError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of a manifest PUT, parsed and checked on its own (before any segment is looked at), with
 * Swift's rules and messages: a JSON list of {@code {"path", "etag"?, "size_bytes"?, "range"?}} or
 * {@code {"data": base64}} entries, at least one object-backed. Every problem is reported at once, one
 * {@code Index N: ...} line each, in a 400.
 */
final class ManifestInput {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> PATH_KEYS = Set.of("path", "range", "etag", "size_bytes");

    /** One entry as the client gave it: an object-backed segment, or inline data when {@code data} is set. */
    record Entry(String path, String etag, Long sizeBytes, SegmentRange range, byte[] data) {
        boolean isData() {
            return data != null;
        }
    }

    private ManifestInput() {
    }

    /**
     * @param container the manifest's own container and {@code object} its name: a manifest may not
     *                  name itself as a segment
     */
    static List<Entry> parse(byte[] body, String container, String object) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw SwiftError.BAD_REQUEST.exception("Manifest must be valid JSON.\n");
        }
        if (root == null || !root.isArray()) {
            throw SwiftError.BAD_REQUEST.exception("Manifest must be a list.\n");
        }
        List<String> errors = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        int count = root.size();
        for (int i = 0; i < count; i++) {
            JsonNode seg = root.get(i);
            String error = check(seg, i, count, container, object, entries);
            if (error != null) {
                errors.add("Index " + i + ": " + error);
            }
        }
        if (!entries.isEmpty() && entries.stream().allMatch(Entry::isData) && errors.isEmpty()) {
            errors.add("Inline data segments require at least one object-backed segment.");
        }
        if (!errors.isEmpty()) {
            throw SwiftError.BAD_REQUEST.exception(String.join("\n", errors) + "\n");
        }
        return entries;
    }

    /** Checks one entry; adds it to {@code entries} and returns null when it is valid, else the problem. */
    private static String check(JsonNode seg, int index, int count, String container, String object,
                                List<Entry> entries) {
        if (!seg.isObject()) {
            return "not a JSON object";
        }
        String type = seg.has("data") ? "data" : seg.has("path") ? "path" : null;
        if (type == null) {
            return "expected keys to include one of 'data' or 'path'";
        }
        Set<String> extraneous = new TreeSet<>();
        for (Iterator<String> names = seg.fieldNames(); names.hasNext(); ) {
            String k = names.next();
            if (type.equals("data") ? !k.equals("data") : !PATH_KEYS.contains(k)) {
                extraneous.add("\"" + k + "\"");
            }
        }
        if (!extraneous.isEmpty()) {
            return "extraneous keys " + String.join(", ", extraneous);
        }
        if (type.equals("data")) {
            byte[] data;
            try {
                data = Base64.getDecoder().decode(seg.get("data").asText(""));
            } catch (IllegalArgumentException e) {
                return "data must be valid base64";
            }
            if (!seg.get("data").isTextual()) {
                return "data must be valid base64";
            }
            if (data.length < 1) {
                return "too small; each segment must be at least 1 byte.";
            }
            entries.add(new Entry(null, null, null, null, data));
            return null;
        }
        JsonNode path = seg.get("path");
        if (!path.isTextual()) {
            return "\"path\" must be a string";
        }
        JsonNode etag = seg.get("etag");
        if (etag != null && !etag.isNull() && !etag.isTextual()) {
            return "\"etag\" must be a string or null (if provided)";
        }
        String p = path.asText();
        String trimmed = strip(p);
        if (!trimmed.contains("/")) {
            return "path does not refer to an object. Path must be of the form /container/object.";
        }
        Long size = null;
        JsonNode sizeNode = seg.get("size_bytes");
        if (sizeNode != null && !sizeNode.isNull()) {
            try {
                size = sizeNode.isIntegralNumber() ? sizeNode.asLong() : Long.parseLong(sizeNode.asText().trim());
            } catch (NumberFormatException e) {
                return "invalid size_bytes";
            }
            if (!sizeNode.isIntegralNumber() && !sizeNode.isTextual()) {
                return "invalid size_bytes";
            }
            if (size < 1 && index != count - 1) {
                return "too small; each segment must be at least 1 byte.";
            }
        }
        String self = container + "/" + object;
        if (stripLeading(p).equals(self)) {
            return "manifest must not include itself as a segment";
        }
        SegmentRange range = null;
        JsonNode rangeNode = seg.get("range");
        if (rangeNode != null && !rangeNode.isNull() && !rangeNode.asText("").isEmpty()) {
            List<SegmentRange> ranges;
            try {
                ranges = SegmentRange.parse(rangeNode.asText());
            } catch (IllegalArgumentException e) {
                return "invalid range";
            }
            if (ranges.size() > 1) {
                return "multiple ranges (only one allowed)";
            }
            range = ranges.get(0);
            if (size != null && range.resolve(size) == null) {
                return "unsatisfiable range";
            }
        }
        entries.add(new Entry(p, etag == null || etag.isNull() ? null : etag.asText(), size, range, null));
        return null;
    }

    private static String stripLeading(String p) {
        int i = 0;
        while (i < p.length() && p.charAt(i) == '/') {
            i++;
        }
        return p.substring(i);
    }

    private static String strip(String p) {
        String s = stripLeading(p);
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }
}
