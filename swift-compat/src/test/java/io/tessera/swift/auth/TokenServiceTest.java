package io.tessera.swift.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
    private static final User TESTER = new User("test:tester", KeyHasher.hash("testing", 1000), null, Set.of("admin"));
    private static final UserDirectory USERS = new UserDirectory(List.of(TESTER));
    private static final byte[] SECRET = new byte[32];

    @Test
    void keysAreVerifiedAgainstTheirHashOnly() {
        assertThat(USERS.authenticate("test:tester", "testing")).contains(TESTER);
        assertThat(USERS.authenticate("test:tester", "wrong")).isEmpty();
        assertThat(USERS.authenticate("nobody:x", "testing")).isEmpty();
        assertThat(TESTER.account()).isEqualTo("AUTH_test");
        assertThat(TESTER.keyHash()).doesNotContain("testing");
    }

    @Test
    void tokensVerifyOnAnyFrontendWithTheSameSecretAndExpire() {
        Clock t0 = Clock.fixed(Instant.ofEpochSecond(1_000_000), ZoneOffset.UTC);
        TokenService issuer = new TokenService(SECRET, Duration.ofSeconds(60), USERS, t0);
        String token = issuer.issue(TESTER).token();
        TokenService other = new TokenService(SECRET.clone(), Duration.ofSeconds(60), USERS, t0);
        assertThat(other.verify(token)).contains(TESTER);

        TokenService later = new TokenService(SECRET, Duration.ofSeconds(60), USERS,
                Clock.offset(t0, Duration.ofSeconds(61)));
        assertThat(later.verify(token)).isEmpty();

        byte[] otherSecret = new byte[32];
        otherSecret[0] = 1;
        assertThat(new TokenService(otherSecret, Duration.ofSeconds(60), USERS, t0).verify(token)).isEmpty();
        assertThat(issuer.verify(token.substring(0, token.length() - 2) + "AA")).isEmpty();
        assertThat(issuer.verify("AUTH_tk!!!")).isEmpty();
        assertThat(issuer.verify(null)).isEmpty();
    }
}
