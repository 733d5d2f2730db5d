package io.tessera.swift.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {
    private static final User TESTER = new User("test:tester", KeyHasher.hash("testing", 1000), null, Set.of("admin"));
    private static final UserDirectory USERS = new UserDirectory(List.of(TESTER));
    private static final Clock T0 = Clock.fixed(Instant.ofEpochSecond(1_000_000), ZoneOffset.UTC);
    private static final byte[] SECRET = new byte[32];

    @TempDir
    Path dir;

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }
    }

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
        TokenService issuer = new TokenService(TokenSecrets.inMemory(SECRET, T0), Duration.ofSeconds(60), USERS, T0);
        String token = issuer.issue(TESTER).token();
        TokenService other = new TokenService(TokenSecrets.inMemory(SECRET.clone(), T0), Duration.ofSeconds(60), USERS, T0);
        assertThat(other.verify(token)).contains(TESTER);

        Clock later = Clock.offset(T0, Duration.ofSeconds(61));
        assertThat(new TokenService(TokenSecrets.inMemory(SECRET, later), Duration.ofSeconds(60), USERS, later).verify(token)).isEmpty();

        byte[] otherSecret = new byte[32];
        otherSecret[0] = 1;
        assertThat(new TokenService(TokenSecrets.inMemory(otherSecret, T0), Duration.ofSeconds(60), USERS, T0).verify(token)).isEmpty();
        assertThat(issuer.verify(token.substring(0, token.length() - 2) + "AA")).isEmpty();
        assertThat(issuer.verify("AUTH_tk!!!")).isEmpty();
        assertThat(issuer.verify(null)).isEmpty();
    }

    @Test
    void aTokenVerifiedAMomentAgoStillEndsAtItsExpiry() {
        ManualClock clock = new ManualClock();
        TokenService server = new TokenService(TokenSecrets.inMemory(SECRET, clock), Duration.ofSeconds(60), USERS, clock);
        String token = server.issue(TESTER).token();
        assertThat(server.verify(token)).contains(TESTER);
        assertThat(server.verify(token)).as("remembered").contains(TESTER);
        clock.advance(Duration.ofSeconds(61));
        assertThat(server.verify(token)).as("expired, remembered or not").isEmpty();
    }

    @Test
    void aNewKeyRevokesTheTokensOfTheOldOne() {
        TokenSecrets secrets = TokenSecrets.inMemory(SECRET, T0);
        String token = new TokenService(secrets, Duration.ofHours(1), USERS, T0).issue(TESTER).token();
        User rekeyed = new User(TESTER.name(), KeyHasher.hash("a new key", 1000), null, TESTER.roles());
        TokenService afterKeyChange = new TokenService(secrets, Duration.ofHours(1), new UserDirectory(List.of(rekeyed)), T0);
        assertThat(afterKeyChange.verify(token)).as("a token of the old key").isEmpty();
        assertThat(afterKeyChange.verify(afterKeyChange.issue(rekeyed).token())).contains(rekeyed);
    }

    @Test
    void theSecretsFileIsMadeOwnerOnlyAndRefusedWhenOthersMayReadIt() throws IOException {
        Path file = dir.resolve("token-secrets");
        TokenSecrets.openOrCreate(file, T0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(TokenSecrets.openOrCreate(file, T0).current().bytes()).as("made once, then kept")
                .isEqualTo(TokenSecrets.openOrCreate(file, T0).current().bytes());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TokenSecrets.openOrCreate(file, T0)).isInstanceOf(IOException.class)
                .hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> TokenSecrets.openOrCreate(file, T0)).isInstanceOf(IOException.class);
    }

    @Test
    void aRotationKeepsOldTokensForTheOverlapOnlyAndTakesEffectWithoutARestart() throws IOException {
        ManualClock clock = new ManualClock();
        Path file = dir.resolve("token-secrets");
        TokenSecrets running = TokenSecrets.openOrCreate(file, clock);
        TokenService server = new TokenService(running, Duration.ofHours(24), USERS, clock);
        String before = server.issue(TESTER).token();

        int id = TokenSecrets.rotate(file, Duration.ofHours(1), clock);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000)); // coarse mtimes
        clock.advance(Duration.ofSeconds(2)); // past the running server's re-check interval
        assertThat(running.current().id()).as("the running server signs with the new secret").isEqualTo(id);
        String after = server.issue(TESTER).token();
        assertThat(server.verify(before)).as("an old token during the overlap").contains(TESTER);
        assertThat(server.verify(after)).contains(TESTER);

        clock.advance(Duration.ofHours(1));
        assertThat(server.verify(before)).as("an old token after the overlap").isEmpty();
        assertThat(server.verify(after)).contains(TESTER);

        TokenSecrets.rotate(file, Duration.ofMinutes(5), clock);
        assertThat(Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")))
                .as("retired secrets are dropped: the last one retiring and the new one").hasSize(2);
    }
}
