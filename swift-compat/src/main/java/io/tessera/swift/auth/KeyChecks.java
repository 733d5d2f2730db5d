package io.tessera.swift.auth;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where a user's key is checked (Swift's {@code /auth/v1.0}), made cheap for the honest and bounded for
 * everyone else. A key check is a PBKDF2 of at least 600,000 iterations (a third of a second of a core),
 * so unbounded it hands any client that can reach the port the machine's CPU: about ten wrong keys a
 * second saturated these machines. Three mechanisms:
 *
 * <ul>
 *   <li><b>Recent successes</b> are remembered (up to {@value #REMEMBERED} for {@link #REMEMBER_FOR}): a
 *   client that authenticates on every call (the swift CLI does) costs one PBKDF2, not one per call. The
 *   cache is keyed by an HMAC of name and key under a secret of this process, never the key itself, and
 *   holds the stored hash it matched, so a changed key is checked afresh.</li>
 *   <li><b>One bound on hashing</b>: at most {@link #hashers} PBKDF2 runs at once (half the cores), at most
 *   {@value #MAX_WAITING} requests wait for one (a few seconds at most), and more are refused at once with
 *   a 503: an auth flood holds neither the CPU nor the server's request threads.</li>
 *   <li><b>Back-off per client address</b>: after {@value #FREE_FAILURES} wrong keys from one address, each
 *   further one closes that address for a doubling time (1 s up to 60 s) in which its attempts are
 *   refused with a 429 and Retry-After before any hashing; a success clears it.</li>
 * </ul>
 */
public final class KeyChecks {
    static final int REMEMBERED = 4096;
    static final Duration REMEMBER_FOR = Duration.ofMinutes(10);
    static final int MAX_WAITING = 16;
    static final int FREE_FAILURES = 5;
    static final long MAX_BACKOFF_MILLIS = 60_000;
    private static final long WAIT_MILLIS = 5_000;

    private final UserDirectory users;
    private final LongSupplier clock;
    private final int hashers;
    private final Semaphore hashing;
    private final AtomicInteger waiting = new AtomicInteger();
    private final byte[] cacheKey = new byte[32];
    /** HMAC(name, key) of recent successes -> the stored key hash they matched. */
    private final Cache<String, String> successes = CacheBuilder.newBuilder().maximumSize(REMEMBERED)
            .expireAfterWrite(REMEMBER_FOR).build();
    private final Cache<String, Failures> failures = CacheBuilder.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10)).build();

    private static final class Failures {
        int count;
        long closedUntilMillis;
    }

    public KeyChecks(UserDirectory users) {
        this(users, Math.max(1, Runtime.getRuntime().availableProcessors() / 2), System::currentTimeMillis);
    }

    private final java.util.concurrent.atomic.AtomicLong keysHashed = new java.util.concurrent.atomic.AtomicLong();

    KeyChecks(UserDirectory users, int hashers, LongSupplier clock) {
        this.users = users;
        this.hashers = hashers;
        this.hashing = new Semaphore(hashers);
        this.clock = clock;
        new SecureRandom().nextBytes(cacheKey);
    }

    /**
     * The user if {@code key} is theirs.
     *
     * @param client the client's address (null if unknown: then no back-off applies to it)
     * @throws SwiftException 429 while {@code client} is backing off, 503 when too many checks are waiting
     */
    public Optional<User> authenticate(String name, String key, String client) {
        Failures f = client == null ? null : failures.getIfPresent(client);
        long now = clock.getAsLong();
        if (f != null) {
            synchronized (f) {
                if (f.closedUntilMillis > now) {
                    long seconds = Math.max(1, (f.closedUntilMillis - now + 999) / 1000);
                    throw SwiftError.TOO_MANY_REQUESTS
                            .exception("too many wrong keys from this address: retry in " + seconds + " s")
                            .withHeader("Retry-After", Long.toString(seconds));
                }
            }
        }
        String remembered = remembered(name, key);
        Optional<User> user = users.find(name);
        Optional<User> checked = user.isPresent() && user.get().keyHash().equals(successes.getIfPresent(remembered))
                ? user : hashed(() -> users.authenticate(name, key));
        if (checked.isPresent()) {
            successes.put(remembered, checked.get().keyHash());
            if (client != null) {
                failures.invalidate(client); // a success, remembered or hashed, clears the address's count
            }
        } else if (client != null) {
            failed(client);
        }
        return checked;
    }

    private Optional<User> hashed(Supplier<Optional<User>> check) {
        if (waiting.incrementAndGet() > MAX_WAITING + hashers) {
            waiting.decrementAndGet();
            throw SwiftError.SERVICE_UNAVAILABLE.exception("too many key checks at once: retry shortly")
                    .withHeader("Retry-After", "1");
        }
        try {
            if (!hashing.tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw SwiftError.SERVICE_UNAVAILABLE.exception("too many key checks at once: retry shortly")
                        .withHeader("Retry-After", "1");
            }
            try {
                keysHashed.incrementAndGet();
                return check.get();
            } finally {
                hashing.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SwiftError.SERVICE_UNAVAILABLE.exception("interrupted while waiting to check a key");
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** How many keys have been hashed: what a refusal without hashing leaves unchanged. */
    long keysHashed() {
        return keysHashed.get();
    }

    private void failed(String client) {
        Failures f;
        try {
            f = failures.get(client, Failures::new);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        synchronized (f) {
            f.count++;
            if (f.count > FREE_FAILURES) {
                long backoff = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(16, f.count - FREE_FAILURES - 1));
                f.closedUntilMillis = clock.getAsLong() + backoff;
            }
        }
    }

    private String remembered(String name, String key) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        // The name's length first: name and key cannot run into each other.
        return HexFormat.of().formatHex(HmacSha256.of(cacheKey, ByteBuffer.allocate(4).putInt(n.length).array(), n,
                key.getBytes(StandardCharsets.UTF_8)));
    }
}
