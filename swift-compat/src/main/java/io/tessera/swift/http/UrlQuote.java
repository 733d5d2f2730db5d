package io.tessera.swift.http;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding as Python's {@code urllib.parse.quote(s, safe='/')}, which Swift uses for the
 * paths it sends back ({@code Content-Location}, {@code X-Symlink-Target}, {@code Location}):
 * letters, digits, {@code _.-~} and {@code /} stay, every other UTF-8 byte becomes {@code %XX}.
 */
public final class UrlQuote {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlQuote() {
    }

    public static String path(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || c == '~' || c == '/') {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return b.toString();
    }
}
