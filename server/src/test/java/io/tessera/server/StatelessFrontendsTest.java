package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.store.cassandra.CassandraExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Tessera servers over one keyspace hold no state of their own: what one writes the other reads,
 * lists and deletes at once, and a token either issues is honoured by both (given the same token-secrets
 * file, copied from one to the other as README says).
 */
class StatelessFrontendsTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();
    private static final String A = "/v1/" + TestServer.ACCOUNT;

    @Test
    void whatOneFrontendWritesTheOtherServesAtOnce(@TempDir Path homeOne, @TempDir Path homeTwo) throws Exception {
        TestBackend cluster = TestBackend.cassandra(CASSANDRA);
        // The frontends share the token secrets as an operator sets them up: one file, copied to each (README).
        java.nio.file.Files.createDirectories(homeTwo.resolve("data"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        try (TestServer one = TestServer.start(homeOne, cluster);
             TestServer two = startWithSecretsOf(homeOne, homeTwo, cluster)) {
            SwiftHttp viaOne = new SwiftHttp(one.port(), TestServer.USER, TestServer.KEY);
            SwiftHttp viaTwo = SwiftHttp.withToken(two.port(), viaOne.token); // a token issued by one, used at two

            assertThat(viaOne.send("PUT", A + "/shared", "X-Container-Meta-Owner", "one").statusCode()).isEqualTo(201);
            byte[] data = new byte[5 * 1024 * 1024 + 3]; // two blocks
            new Random(5).nextBytes(data);
            assertThat(viaOne.send("PUT", A + "/shared/obj%20%C3%A9", data, "X-Object-Meta-Color", "green").statusCode())
                    .isEqualTo(201);

            HttpResponse<byte[]> get = viaTwo.send("GET", A + "/shared/obj%20%C3%A9");
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(md5(get.body())).isEqualTo(md5(data));
            assertThat(get.headers().firstValue("ETag")).contains(md5(data));
            assertThat(get.headers().firstValue("X-Object-Meta-Color")).contains("green");
            assertThat(text(viaTwo.send("GET", A + "/shared"))).isEqualTo("obj é");
            assertThat(text(viaTwo.send("GET", A))).contains("shared");
            HttpResponse<byte[]> head = viaTwo.send("HEAD", A + "/shared");
            assertThat(head.headers().firstValue("X-Container-Object-Count")).contains("1");
            assertThat(head.headers().firstValue("X-Container-Meta-Owner")).contains("one");

            assertThat(viaTwo.send("POST", A + "/shared/obj%20%C3%A9", "X-Object-Meta-Color", "blue").statusCode()).isEqualTo(202);
            assertThat(viaOne.send("HEAD", A + "/shared/obj%20%C3%A9").headers().firstValue("X-Object-Meta-Color")).contains("blue");

            assertThat(viaTwo.send("DELETE", A + "/shared/obj%20%C3%A9").statusCode()).isEqualTo(204);
            assertThat(viaOne.send("GET", A + "/shared/obj%20%C3%A9").statusCode()).isEqualTo(404);
            assertThat(viaOne.send("GET", A + "/shared").statusCode()).as("empty listing").isEqualTo(204);
            assertThat(viaOne.send("DELETE", A + "/shared").statusCode()).isEqualTo(204);
            assertThat(viaTwo.send("HEAD", A + "/shared").statusCode()).isEqualTo(404);

            // ...and the other way round: a token from two works at one; a forged one at neither.
            SwiftHttp fromTwo = new SwiftHttp(two.port(), TestServer.USER, TestServer.KEY);
            assertThat(SwiftHttp.withToken(one.port(), fromTwo.token).send("HEAD", A).statusCode()).isEqualTo(204);
            // One character inside the MAC (the last one may carry only base64 padding bits, which decode alike).
            int at = fromTwo.token.length() - 6;
            String forged = fromTwo.token.substring(0, at) + (fromTwo.token.charAt(at) == 'A' ? 'B' : 'A')
                    + fromTwo.token.substring(at + 1);
            assertThat(SwiftHttp.withToken(one.port(), forged).send("HEAD", A).statusCode()).isEqualTo(401);
            assertThat(SwiftHttp.withToken(two.port(), forged).send("HEAD", A).statusCode()).isEqualTo(401);
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8).trim();
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static TestServer startWithSecretsOf(Path from, Path home, TestBackend cluster) throws Exception {
        java.nio.file.Files.copy(from.resolve("data/token-secrets"), home.resolve("data/token-secrets"),
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        return TestServer.start(home, cluster);
    }
}
