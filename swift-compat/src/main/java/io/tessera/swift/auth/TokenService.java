package io.tessera.swift.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless auth tokens: {@code AUTH_tk} + base64url(expiry, user name, HMAC-SHA256 of both). The
 * secret is shared by every frontend through the store, so any Tessera server honours a token any
 * other issued, with no lookup per request. A token ends at its expiry (or when its user is removed).
 */
public final class TokenService {
    private static final String PREFIX = "AUTH_tk";
    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;
    private final UserDirectory users;

    public TokenService(byte[] secret, Duration ttl, UserDirectory users, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("token secret must have at least 32 bytes");
        }
        this.secret = secret.clone();
        this.ttl = ttl;
        this.users = users;
        this.clock = clock;
    }

    public record Issued(String token, long expiresAtEpochSecond) {
    }

    public Issued issue(User user) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        byte[] name = user.name().getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(8 + name.length);
        payload.putLong(expires).put(name);
        byte[] mac = mac(payload.array());
        byte[] token = ByteBuffer.allocate(payload.capacity() + mac.length).put(payload.array()).put(mac).array();
        return new Issued(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token), expires);
    }

    /** The user a token was issued to, if the token is genuine and unexpired and the user still exists. */
    public Optional<User> verify(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 512) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length < 8 + 1 + 32) {
            return Optional.empty();
        }
        int payloadLength = raw.length - 32;
        byte[] payload = java.util.Arrays.copyOf(raw, payloadLength);
        byte[] mac = java.util.Arrays.copyOfRange(raw, payloadLength, raw.length);
        if (!MessageDigest.isEqual(mac, mac(payload))) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long expires = b.getLong();
        if (clock.instant().getEpochSecond() >= expires) {
            return Optional.empty();
        }
        String name = new String(payload, 8, payloadLength - 8, StandardCharsets.UTF_8);
        return users.find(name);
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
