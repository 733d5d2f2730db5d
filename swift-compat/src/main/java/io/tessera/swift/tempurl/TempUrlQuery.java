package io.tessera.swift.tempurl;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of a temporary URL: {@code temp_url_sig}, {@code temp_url_expires} (Unix
 * seconds or ISO 8601 {@code 2017-12-05T21:16:03Z}), and the optional {@code temp_url_prefix},
 * {@code temp_url_ip_range}, {@code filename} and {@code inline}.
 *
 * @param expires the expiry in Unix seconds; 0 when it is malformed or past (the URL is then invalid)
 */
public record TempUrlQuery(String signature, String expiresText, long expires, String prefix, String ipRange,
                           String filename, boolean inline) {
    private static final DateTimeFormatter ISO_8601 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");

    /** Whether the request is meant as a temporary URL at all (either parameter present). */
    public static boolean isTempUrl(Map<String, List<String>> query) {
        return query.containsKey("temp_url_sig") || query.containsKey("temp_url_expires");
    }

    public static TempUrlQuery from(Map<String, List<String>> query, long nowSeconds) {
        String expiresText = first(query, "temp_url_expires");
        long expires = 0;
        if (expiresText != null) {
            expires = parseExpires(expiresText);
            if (expires < nowSeconds) {
                expires = 0;
            }
        }
        return new TempUrlQuery(first(query, "temp_url_sig"), expiresText, expires, first(query, "temp_url_prefix"),
                first(query, "temp_url_ip_range"), first(query, "filename"), query.containsKey("inline"));
    }

    static long parseExpires(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException notAnInteger) {
            try {
                return LocalDateTime.parse(text, ISO_8601).toEpochSecond(ZoneOffset.UTC);
            } catch (DateTimeParseException notIso) {
                return 0;
            }
        }
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
