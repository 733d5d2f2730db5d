package io.tessera.swift.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Stored user keys are never kept in clear: {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}
 * (PBKDF2-HMAC-SHA256 from the JDK, so no extra dependency). Verification is constant-time.
 */
public final class KeyHasher {
    private static final String SCHEME = "pbkdf2-sha256";
    /**
     * The fewest iterations a stored key may have (OWASP's figure for PBKDF2-HMAC-SHA256, 2023): fewer make
     * a stolen users file cheap to crack. The server refuses to start with a weaker hash
     * ({@link #checkStrength}); a check costs about a third of a second of a core, which {@link KeyChecks}
     * bounds and caches.
     */
    public static final int MIN_ITERATIONS = 600_000;
    static final int DEFAULT_ITERATIONS = MIN_ITERATIONS;

    private KeyHasher() {
    }

    public static String hash(String key) {
        return hash(key, DEFAULT_ITERATIONS);
    }

    /** A hash with a chosen cost (tests use few iterations; users keep the default). */
    public static String hash(String key, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return SCHEME + "$" + iterations + "$" + b64(salt) + "$" + b64(derive(key, salt, iterations));
    }

    public static boolean verify(String key, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("unknown key hash format (expected " + SCHEME + "$iterations$salt$hash)");
        }
        int iterations = Integer.parseInt(parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(key, salt, iterations));
    }

    /** Throws IllegalArgumentException unless {@code stored} has at least {@link #MIN_ITERATIONS} iterations. */
    public static void checkStrength(String stored) {
        checkFormat(stored);
        int iterations = Integer.parseInt(stored.split("\\$")[1]);
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("its key_hash has " + iterations + " PBKDF2 iterations, fewer than "
                    + MIN_ITERATIONS + ": make a new one with bin/tessera hash-key");
        }
    }

    /** Throws IllegalArgumentException unless {@code stored} is a hash this class can verify. */
    public static void checkFormat(String stored) {
        verify("", stored);
    }

    private static byte[] derive(String key, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(key.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String b64(byte[] b) {
        return new String(Base64.getEncoder().encode(b), StandardCharsets.US_ASCII);
    }
}
