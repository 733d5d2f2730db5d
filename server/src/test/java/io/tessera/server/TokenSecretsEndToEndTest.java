package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.swift.auth.KeyHasher;
import io.tessera.swift.auth.TokenSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, token forgery from the data folder: the token-signing secret was a row of the store, in a
 * 0755 folder of 0644 RocksDB files, so any local user could read it and sign a token for anyone, and a
 * token outlived a change of its user's key. Over real HTTP: the folder and the secrets file are private
 * from the first start, the secret is no row of the store, a new key ends the old key's tokens, and a
 * rotation keeps old tokens for its overlap only, without a restart.
 */
class TokenSecretsEndToEndTest {
    @TempDir
    Path home;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static int headAccount(TestServer s, String token) throws Exception {
        return SwiftHttp.withToken(s.port(), token).send("HEAD", "/v1/" + TestServer.ACCOUNT).statusCode();
    }

    @Test
    void theSecretIsAPrivateFileBoundToTheUsersKey() throws Exception {
        String token;
        try (TestServer s = TestServer.start(home)) {
            assertThat(mode(home.resolve("data"))).isEqualTo("rwx------");
            assertThat(mode(home.resolve("data/token-secrets"))).isEqualTo("rw-------");
            assertThat(s.server.store().metadata().getSetting("auth.token_secret")).as("no secret in the store").isEmpty();
            token = new SwiftHttp(s.port(), TestServer.USER, TestServer.KEY).token;
            assertThat(headAccount(s, token)).isEqualTo(204);
        }
        try (TestServer s = TestServer.restart(home)) {
            assertThat(headAccount(s, token)).as("a token after a restart: the secret is kept").isEqualTo(204);
        }
        Path users = home.resolve("conf/users.yaml");
        String yaml = Files.readString(users);
        String oldHash = yaml.lines().filter(l -> l.contains("key_hash")).findFirst().orElseThrow()
                .replaceAll(".*\"(.*)\".*", "$1");
        Files.writeString(users, yaml.replace(oldHash, KeyHasher.hash("a new key")));
        try (TestServer s = TestServer.restart(home)) {
            assertThat(headAccount(s, token)).as("a token of the user's old key").isEqualTo(401);
            assertThat(headAccount(s, new SwiftHttp(s.port(), TestServer.USER, "a new key").token)).isEqualTo(204);
        }
    }

    @Test
    void aRotationEndsOldTokensAfterItsOverlapWithoutARestart() throws Exception {
        try (TestServer s = TestServer.start(home)) {
            String before = new SwiftHttp(s.port(), TestServer.USER, TestServer.KEY).token;
            Path file = home.resolve("data/token-secrets");
            TokenSecrets.rotate(file, Duration.ofSeconds(3), Clock.systemUTC());
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000)); // coarse mtimes
            Thread.sleep(1_200); // the server re-reads the file at most once a second
            String after = new SwiftHttp(s.port(), TestServer.USER, TestServer.KEY).token;
            assertThat(after).isNotEqualTo(before);
            assertThat(headAccount(s, before)).as("an old token within the overlap").isEqualTo(204);
            assertThat(headAccount(s, after)).isEqualTo(204);
            Thread.sleep(3_000);
            assertThat(headAccount(s, before)).as("an old token after the overlap").isEqualTo(401);
            assertThat(headAccount(s, after)).isEqualTo(204);
        }
    }
}
