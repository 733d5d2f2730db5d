package io.tessera.swift.tempurl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC signatures of temporary URLs and form posts, as Swift's digest module reads them: hex
 * (the digest told by its length: 40 sha1, 64 sha256, 128 sha512) or {@code <digest>:<base64>}
 * (standard or URL-safe alphabet, padding optional).
 */
public record Signature(String digest, String hex) {
    /** The digests accepted, as advertised in /info; sha1 is deprecated there, as in Swift 2.30. */
    public static final List<String> ALLOWED_DIGESTS = List.of("sha1", "sha256", "sha512");
    public static final List<String> DEPRECATED_DIGESTS = List.of("sha1");
    private static final Map<Integer, String> BY_HEX_LENGTH = Map.of(40, "sha1", 64, "sha256", 128, "sha512");
    private static final Map<String, String> MAC_NAMES = Map.of(
            "sha1", "HmacSHA1", "sha256", "HmacSHA256", "sha512", "HmacSHA512");

    /** The signature a client sent, or null when it is not one (bad hex, bad base64, unknown length). */
    public static Signature parse(String value) {
        if (value == null) {
            return null;
        }
        int colon = value.indexOf(':');
        if (colon >= 0) {
            String digest = value.substring(0, colon);
            String b64 = value.substring(colon + 1);
            if (b64.indexOf('-') >= 0 || b64.indexOf('_') >= 0) {
                if (b64.indexOf('+') < 0 && b64.indexOf('/') < 0) {
                    b64 = b64.replace('-', '+').replace('_', '/');
                }
            }
            String body = stripPadding(b64);
            if (!body.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80 || c == '+' || c == '/')) {
                return null;
            }
            try {
                byte[] raw = Base64.getDecoder().decode(body); // padding is optional for Java's decoder
                return new Signature(digest, HexFormat.of().formatHex(raw));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        String digest = BY_HEX_LENGTH.get(value.length());
        if (digest == null || !value.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return null;
        }
        return new Signature(digest, value);
    }

    public boolean isAllowed() {
        return ALLOWED_DIGESTS.contains(digest);
    }

    /** Whether this is the signature of {@code message} under {@code key} (constant time). */
    public boolean matches(String key, String message) {
        byte[] expected = hmacHex(digest, key, message).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, hex.getBytes(StandardCharsets.US_ASCII));
    }

    /** The hex HMAC of {@code message} (UTF-8) under {@code key} (UTF-8) with {@code digest}. */
    public static String hmacHex(String digest, String key, String message) {
        String mac = MAC_NAMES.get(digest.toLowerCase(Locale.ROOT));
        if (mac == null) {
            throw new IllegalArgumentException("unsupported digest " + digest);
        }
        try {
            Mac m = Mac.getInstance(mac);
            m.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), mac));
            return HexFormat.of().formatHex(m.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mac + " is part of every Java runtime", e);
        }
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        int start = 0;
        while (start < end && s.charAt(start) == '=') {
            start++;
        }
        return s.substring(start, end);
    }
}
