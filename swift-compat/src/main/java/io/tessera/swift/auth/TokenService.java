package io.tessera.swift.auth;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Stateless auth tokens: {@code AUTH_tk} + base64url(secret id, expiry, user name, HMAC-SHA256). The MAC
 * covers the payload and the user's current key hash, under the secret the id names ({@link TokenSecrets}):
 * so a token ends at its expiry, when its user is removed, when the user's key changes (a new key revokes
 * every token of the old one), or when its secret retires after a rotation. Any frontend with the same
 * secrets honours a token any other issued, with no lookup per request.
 */
public final class TokenService {
    private static final String PREFIX = "AUTH_tk";
    private static final int MAC_LENGTH = 32;
    private static final int HEADER = 4 + 8; // secret id, expiry
    private final TokenSecrets secrets;
    private final Duration ttl;
    private final Clock clock;
    private final UserDirectory users;
    /**
     * Tokens verified in the last second, so a client's every request does not decode and MAC its token
     * again. A hit is still checked against what can end a token (expiry, its user's current key, its
     * secret's retirement); only the MAC is not computed again. Bounded in entries.
     */
    private final Cache<String, Verified> recent = CacheBuilder.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(1)).build();

    private record Verified(User user, long expires, int secretId) {
    }

    public TokenService(TokenSecrets secrets, Duration ttl, UserDirectory users, Clock clock) {
        this.secrets = secrets;
        this.ttl = ttl;
        this.users = users;
        this.clock = clock;
    }

    public record Issued(String token, long expiresAtEpochSecond) {
    }

    public Issued issue(User user) {
        TokenSecrets.Secret secret = secrets.current();
        long expires = clock.instant().plus(ttl).getEpochSecond();
        byte[] name = user.name().getBytes(StandardCharsets.UTF_8);
        byte[] payload = ByteBuffer.allocate(HEADER + name.length).putInt(secret.id()).putLong(expires).put(name).array();
        byte[] mac = mac(secret, payload, user);
        byte[] token = ByteBuffer.allocate(payload.length + mac.length).put(payload).put(mac).array();
        return new Issued(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token), expires);
    }

    /** A token that {@link #validate} accepted: its user, and when it expires. */
    public record Valid(User user, long expiresAtEpochSecond) {
    }

    /** The user a token was issued to, if the token is genuine and unexpired and the user and key unchanged. */
    public Optional<User> verify(String token) {
        return validate(token).map(Valid::user);
    }

    /** {@link #verify}, with the token's expiry (what an identity endpoint tells its clients). */
    public Optional<Valid> validate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 512) {
            return Optional.empty();
        }
        Verified seen = recent.getIfPresent(token);
        if (seen != null) {
            Optional<User> now = users.find(seen.user().name());
            if (clock.millis() / 1000 < seen.expires() && now.isPresent()
                    && now.get().keyHash().equals(seen.user().keyHash()) && secrets.verifying(seen.secretId()).isPresent()) {
                return Optional.of(new Valid(now.get(), seen.expires()));
            }
            recent.invalidate(token);
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length < HEADER + 1 + MAC_LENGTH) {
            return Optional.empty();
        }
        int payloadLength = raw.length - MAC_LENGTH;
        byte[] payload = Arrays.copyOf(raw, payloadLength);
        ByteBuffer b = ByteBuffer.wrap(payload);
        int secretId = b.getInt();
        Optional<TokenSecrets.Secret> secret = secrets.verifying(secretId);
        long expires = b.getLong();
        if (secret.isEmpty() || clock.instant().getEpochSecond() >= expires) {
            return Optional.empty();
        }
        String name = new String(payload, HEADER, payloadLength - HEADER, StandardCharsets.UTF_8);
        Optional<User> user = users.find(name);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        byte[] mac = Arrays.copyOfRange(raw, payloadLength, raw.length);
        if (!MessageDigest.isEqual(mac, mac(secret.get(), payload, user.get()))) {
            return Optional.empty();
        }
        recent.put(token, new Verified(user.get(), expires, secretId));
        return Optional.of(new Valid(user.get(), expires));
    }

    private static byte[] mac(TokenSecrets.Secret secret, byte[] payload, User user) {
        // The user's key hash last: it binds the token to this key.
        return HmacSha256.of(secret.bytes(), payload, new byte[] {0}, user.keyHash().getBytes(StandardCharsets.UTF_8));
    }
}
