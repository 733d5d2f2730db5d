package io.tessera.swift.http;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding as Swift's {@code quote} does it (Python's urllib quote of the UTF-8 bytes): letters,
 * digits and {@code _.-~} stay, so do the characters in {@code safe}; every other byte is {@code %XX}.
 * Swift clients and tests compare such strings (redirects, listings, Content-Disposition) as text.
 */
public final class UrlQuote {
    private UrlQuote() {
    }

    /** Quotes with {@code /} safe, Swift's default. */
    public static String quote(String s) {
        return quote(s, "/");
    }

    public static String quote(String s, String safe) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || c == '~' || (c < 0x80 && safe.indexOf(c) >= 0)) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
