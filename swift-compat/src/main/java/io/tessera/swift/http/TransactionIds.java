package io.tessera.swift.http;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Swift's transaction ids: {@code tx} + 21 hex digits + {@code -} + the request's epoch seconds in
 * 10 hex digits, plus the client's {@code X-Trans-Id-Extra} if any. One per request, on every reply and
 * in every log line about it.
 */
public final class TransactionIds {
    private TransactionIds() {
    }

    public static String generate(String extra) {
        // Made for every request: plain hex digits rather than String.format and a regex.
        ThreadLocalRandom r = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        StringBuilder id = new StringBuilder(72).append("tx").append(hex.toHexDigits(r.nextLong()))
                .append(hex.toHexDigits(r.nextInt(1 << 20)), 3, 8).append('-')
                .append(hex.toHexDigits(System.currentTimeMillis() / 1000), 6, 16);
        if (extra != null) {
            // Swift appends the client's extra part; keep only characters that are safe in a header.
            int start = id.length();
            for (int i = 0; i < extra.length() && id.length() - start < 33; i++) {
                char c = extra.charAt(i);
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                        || c == '~' || c == '-') {
                    if (id.length() == start) {
                        id.append('-');
                    }
                    id.append(c);
                }
            }
        }
        return id.toString();
    }
}
