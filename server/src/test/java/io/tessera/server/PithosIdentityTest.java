package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity endpoint Pithos clients call first (issue 14, item 6), read the way astakosclient and
 * kamaki read it: {@code POST /identity/v2.0/tokens} describes a Tessera token in a Keystone v2 body
 * whose catalog leads to the object store and the account service; {@code user_catalogs} resolves
 * names. Runs once per backend ({@link PithosIdentityEmbeddedTest}, {@link PithosIdentityCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PithosIdentityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    TestServer server;
    SwiftHttp http;
    String base;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<byte[]> tokens(String body) throws Exception {
        return SwiftHttp.anonymous(server.port()).send("POST", "/identity/v2.0/tokens",
                body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    /** astakosclient's parse_endpoints: the catalog entries of that name whose endpoints have that versionId. */
    private static List<JsonNode> parseEndpoints(JsonNode reply, String name, String type, String versionId) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode service : reply.get("access").get("serviceCatalog")) {
            if ((name == null || service.get("name").asText().equals(name))
                    && (type == null || service.get("type").asText().equals(type))) {
                for (JsonNode e : service.get("endpoints")) {
                    if (versionId == null || e.get("versionId").asText().equals(versionId)) {
                        found.add(e);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void aValidTokenGetsTheBodyKamakiNeeds() throws Exception {
        HttpResponse<byte[]> r = tokens("{\"auth\":{\"token\":{\"id\":\"" + http.token + "\"}}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        JsonNode reply = JSON.readTree(r.body());
        JsonNode access = reply.get("access");
        // kamaki's _validate_token: the token echoed, or it authenticates again on every call
        assertThat(access.get("token").get("id").asText()).isEqualTo(http.token);
        assertThat(OffsetDateTime.parse(access.get("token").get("expires").asText())).isAfter(OffsetDateTime.now());
        // user_info reads token.tenant.id; the account is user.id (kamaki appends it to the store's URL)
        assertThat(access.get("token").get("tenant").get("id").asText()).isEqualTo(TestServer.ACCOUNT);
        assertThat(access.get("user").get("id").asText()).isEqualTo(TestServer.ACCOUNT);
        assertThat(access.get("user").get("name").asText()).isEqualTo(TestServer.USER);
        assertThat(access.get("user").get("roles").get(0).get("name").asText()).isEqualTo("default");
        assertThat(access.get("user").get("roles_links").isArray()).isTrue();

        // astakosclient's _fill_endpoints: without this entry it raises NoEndpoints
        List<JsonNode> account = parseEndpoints(reply, "astakos_account", null, "v1.0");
        assertThat(account).hasSize(1);
        assertThat(account.get(0).get("publicURL").asText()).isEqualTo(base + "/account/v1.0");
        assertThat(URI.create(account.get(0).get("SNF:uiURL").asText()).getPath()).isEqualTo("/ui");
        // kamaki's get_endpoint_url('object-store'): exactly one endpoint, without the account
        List<JsonNode> store = parseEndpoints(reply, null, "object-store", null);
        assertThat(store).hasSize(1);
        String storeUrl = store.get(0).get("publicURL").asText();
        assertThat(storeUrl).isEqualTo(base + "/v1");
        for (JsonNode service : access.get("serviceCatalog")) {
            assertThat(service.get("endpoints_links").isArray()).isTrue();
        }

        // ... and that URL, with the account appended, is the account's storage.
        String path = URI.create(storeUrl).getPath() + "/" + access.get("user").get("id").asText();
        assertThat(http.send("PUT", path + "/kamaki").statusCode()).isIn(201, 202);
        assertThat(http.send("HEAD", path + "/kamaki").headers().firstValue("X-Container-Block-Size")).isPresent();

        // passwordCredentials carry the token as the password (and the account as the user name)
        HttpResponse<byte[]> pw = tokens("{\"auth\":{\"passwordCredentials\":{\"username\":\"" + TestServer.ACCOUNT
                + "\",\"password\":\"" + http.token + "\"}}}");
        assertThat(pw.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(pw.body()).get("access").get("token").get("id").asText()).isEqualTo(http.token);
        assertThat(tokens("{\"auth\":{\"token\":{\"id\":\"" + http.token + "\"},\"tenantName\":\"" + TestServer.ACCOUNT
                + "\"}}").statusCode()).isEqualTo(200);
    }

    @Test
    void anInvalidTokenIs401AndNothingIssuesOne() throws Exception {
        for (String token : List.of("AUTH_tkbogus", "nonsense", http.token + "x", "")) {
            assertThat(tokens("{\"auth\":{\"token\":{\"id\":\"" + token + "\"}}}").statusCode()).as(token).isEqualTo(401);
        }
        // tempauth's user and key are not a token: no new way to get one
        assertThat(tokens("{\"auth\":{\"passwordCredentials\":{\"username\":\"test:tester\",\"password\":\"testing\"}}}")
                .statusCode()).isEqualTo(401);
        // a real token presented for another account or tenant
        assertThat(tokens("{\"auth\":{\"passwordCredentials\":{\"username\":\"AUTH_test2\",\"password\":\"" + http.token
                + "\"}}}").statusCode()).isEqualTo(401);
        assertThat(tokens("{\"auth\":{\"token\":{\"id\":\"" + http.token + "\"},\"tenantName\":\"AUTH_test2\"}}")
                .statusCode()).isEqualTo(401);
        assertThat(tokens("{\"auth\":{\"token\":{}}}").statusCode()).isEqualTo(401);
        // no credentials at all: the catalog only (Astakos' get_endpoints), no token, no user
        HttpResponse<byte[]> none = tokens("");
        assertThat(none.statusCode()).isEqualTo(200);
        JsonNode access = JSON.readTree(none.body()).get("access");
        assertThat(access.has("token")).isFalse();
        assertThat(access.has("user")).isFalse();
        assertThat(parseEndpoints(JSON.readTree(none.body()), "astakos_account", null, "v1.0")).hasSize(1);
        // bad bodies
        assertThat(tokens("not json").statusCode()).isEqualTo(400);
        assertThat(tokens("[1, 2]").statusCode()).isEqualTo(400);
        assertThat(tokens("{\"auth\": \"" + "x".repeat(100_000) + "\"}").statusCode()).isEqualTo(413);
        assertThat(http.send("GET", "/identity/v2.0/tokens").statusCode()).isEqualTo(405);
    }

    @Test
    void userCatalogsResolveAccountsAndNames() throws Exception {
        byte[] body = "{\"uuids\":[\"AUTH_test\",\"AUTH_nobody\"],\"displaynames\":[\"test2:tester2\",\"nobody:x\"]}"
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = http.send("POST", "/account/v1.0/user_catalogs", body, "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode reply = JSON.readTree(r.body());
        assertThat(reply.get("uuid_catalog").toString()).isEqualTo("{\"AUTH_test\":\"test:tester\"}");
        assertThat(reply.get("displayname_catalog").toString()).isEqualTo("{\"test2:tester2\":\"AUTH_test2\"}");
        assertThat(SwiftHttp.anonymous(server.port()).send("POST", "/account/v1.0/user_catalogs", body).statusCode())
                .isEqualTo(401);
        assertThat(SwiftHttp.withToken(server.port(), "AUTH_tkbogus").send("POST", "/account/v1.0/user_catalogs", body)
                .statusCode()).isEqualTo(401);
        // and the ordinary Swift API is as it was: a bad token still gets nowhere
        assertThat(SwiftHttp.withToken(server.port(), "AUTH_tkbogus").send("GET", "/v1/" + TestServer.ACCOUNT)
                .statusCode()).isEqualTo(401);
    }
}
