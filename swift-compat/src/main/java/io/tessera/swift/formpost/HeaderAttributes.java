package io.tessera.swift.formpost;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A header value with attributes, as Swift's parse_content_disposition reads both
 * {@code Content-Disposition: form-data; name="file1"; filename="a.txt"} and
 * {@code Content-Type: multipart/form-data; boundary=xyz}: the value, then {@code name=value} pairs
 * (quotes stripped).
 */
record HeaderAttributes(String value, Map<String, String> attributes) {
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)=(\"[^\"]*\"|[^\";]*)(; ?|$)");

    static HeaderAttributes parse(String header) {
        if (header == null) {
            return new HeaderAttributes("", Map.of());
        }
        String value = header;
        String attrs = "";
        int semi = header.indexOf(';');
        if (semi >= 0) {
            value = header.substring(0, semi).strip();
            attrs = header.substring(semi + 1).strip();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        while (!attrs.isEmpty()) {
            Matcher m = ATTRIBUTE.matcher(attrs);
            if (!m.lookingAt() || m.end() == 0) {
                break;
            }
            attributes.put(m.group(1), strip(m.group(2), '"'));
            attrs = attrs.substring(m.end());
        }
        return new HeaderAttributes(value, attributes);
    }

    String get(String name) {
        return attributes.get(name);
    }

    private static String strip(String s, char c) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == c) {
            start++;
        }
        while (end > start && s.charAt(end - 1) == c) {
            end--;
        }
        return s.substring(start, end);
    }
}
