package io.tessera.swift.http;

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
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String id = String.format("tx%016x%05x-%010x", r.nextLong(), r.nextInt(1 << 20),
                System.currentTimeMillis() / 1000);
        if (extra != null) {
            // Swift appends the client's extra part; keep only characters that are safe in a header.
            String safe = extra.replaceAll("[^A-Za-z0-9._~-]", "");
            if (!safe.isEmpty()) {
                id += "-" + safe.substring(0, Math.min(safe.length(), 32));
            }
        }
        return id;
    }
}
