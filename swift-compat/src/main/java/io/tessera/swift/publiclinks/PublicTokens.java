package io.tessera.swift.publiclinks;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Public link tokens as Pithos makes them ({@code random_word.py}): {@code bytes} random bytes read as one
 * number, written in base 62 ({@code 0-9A-Za-z}), least significant digit first. 16 bytes (128 bits) give
 * at most 22 characters; a number with leading zero digits gives a shorter token, as in Pithos.
 */
public final class PublicTokens {
    /** Pithos's {@code PUBLIC_URL_SECURITY}: the byte count of a first try. */
    public static final int BYTES = 16;
    /** Longer than any token this server makes (a few retries past 16 bytes are ≤ 30 characters). */
    static final int MAX_LENGTH = 64;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(ALPHABET.length());

    private final SecureRandom random;

    public PublicTokens(SecureRandom random) {
        this.random = random;
    }

    /** A new token of {@code bytes} random bytes. */
    public String next(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return encode(new BigInteger(1, b));
    }

    static String encode(BigInteger number) {
        StringBuilder digits = new StringBuilder(24);
        BigInteger q = number;
        do {
            BigInteger[] qr = q.divideAndRemainder(BASE);
            digits.append(ALPHABET.charAt(qr[1].intValue()));
            q = qr[0];
        } while (q.signum() > 0);
        return digits.toString();
    }

    /** Whether {@code token} could be one this server made: checked before any store read. */
    public static boolean wellFormed(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }
}
