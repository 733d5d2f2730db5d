package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Swift's optional object features over real HTTP, once per backend ({@link SwiftFeaturesEmbeddedTest},
 * {@link SwiftFeaturesCassandraTest}): symlinks, both versioning APIs, quotas, expiring objects actually
 * removed, etag_quoter, and the /info keys that advertise them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SwiftFeaturesTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    private static final ObjectMapper JSON = new ObjectMapper();
    TestServer server;
    SwiftHttp http;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void container(String c, String... headers) throws Exception {
        assertThat(http.send("PUT", A + "/" + c, headers).statusCode()).isIn(201, 202);
    }

    private HttpResponse<byte[]> put(String path, String body, String... headers) throws Exception {
        return http.send("PUT", A + "/" + path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private String header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<byte[]> r = http.send("GET", A + "/" + path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private long objectCount(String c) throws Exception {
        return Long.parseLong(header(http.send("HEAD", A + "/" + c), "X-Container-Object-Count"));
    }

    @Test
    void infoAdvertisesTheFeatures() throws Exception {
        HttpResponse<byte[]> r = http.send("GET", "/info");
        JsonNode info = JSON.readTree(r.body());
        assertThat(info.path("symlink").path("symloop_max").asInt()).isEqualTo(2);
        assertThat(info.path("symlink").path("static_links").asBoolean()).isTrue();
        assertThat(info.path("versioned_writes").path("allowed_flags").toString())
                .contains("x-versions-location", "x-history-location");
        assertThat(info.has("object_versioning")).isTrue();
        assertThat(info.has("container_quotas")).isTrue();
        assertThat(info.has("account_quotas")).isTrue();
        assertThat(info.path("etag_quoter").path("enable_by_default").asBoolean(true)).isFalse();
    }

    // ---- symlinks ----

    @Test
    void dynamicSymlinkReadsItsTargetAndItselfWithSymlinkGet() throws Exception {
        container("sl-t");
        container("sl-l");
        String targetEtag = header(put("sl-t/target", "target body", "Content-Type", "application/target"), "ETag");
        HttpResponse<byte[]> made = put("sl-l/link", "", "X-Symlink-Target", "sl-t/target");
        assertThat(made.statusCode()).isEqualTo(201);

        HttpResponse<byte[]> get = http.send("GET", A + "/sl-l/link");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(body(get)).isEqualTo("target body");
        assertThat(header(get, "ETag")).isEqualTo(targetEtag);
        assertThat(header(get, "Content-Location")).isEqualTo(A + "/sl-t/target");

        HttpResponse<byte[]> ranged = http.send("GET", A + "/sl-l/link", "Range", "bytes=7-10");
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(body(ranged)).isEqualTo("body");

        HttpResponse<byte[]> itself = http.send("GET", A + "/sl-l/link?symlink=get");
        assertThat(itself.statusCode()).isEqualTo(200);
        assertThat(itself.body()).isEmpty();
        assertThat(header(itself, "X-Symlink-Target")).isEqualTo("sl-t/target");
        assertThat(header(itself, "Content-Type")).isEqualTo("application/symlink");

        JsonNode listing = json("sl-l?format=json");
        assertThat(listing.get(0).path("symlink_path").asText()).isEqualTo(A + "/sl-t/target");

        // DELETE removes the link only.
        assertThat(http.send("DELETE", A + "/sl-l/link").statusCode()).isEqualTo(204);
        assertThat(http.send("GET", A + "/sl-t/target").statusCode()).isEqualTo(200);
    }

    @Test
    void symlinkErrorsAreSwifts() throws Exception {
        container("sle");
        put("sle/t", "data");
        HttpResponse<byte[]> r = put("sle/l", "not empty", "X-Symlink-Target", "sle/t");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r)).isEqualTo("Symlink requests require a zero byte body");
        r = put("sle/l", "", "X-Symlink-Target", "no-slash");
        assertThat(r.statusCode()).isEqualTo(412);
        r = put("sle/self", "", "X-Symlink-Target", "sle/self");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r)).isEqualTo("Symlink cannot target itself");
        assertThat(http.send("GET", A + "/sle/l").statusCode()).isEqualTo(404); // nothing was created
        r = http.send("POST", A + "/sle/t", "X-Symlink-Target", "sle/other");
        assertThat(r.statusCode()).isEqualTo(400);

        // A link to nowhere: 404 with the place it points at.
        put("sle/dangling", "", "X-Symlink-Target", "sle/missing");
        r = http.send("GET", A + "/sle/dangling");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(header(r, "Content-Location")).isEqualTo(A + "/sle/missing");

        // Two links at each other: 409 after symloop_max hops.
        put("sle/a", "", "X-Symlink-Target", "sle/b");
        put("sle/b", "", "X-Symlink-Target", "sle/a");
        r = http.send("GET", A + "/sle/a");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(body(r)).isEqualTo("Too many levels of symbolic links, maximum allowed is 2");

        // POST to a link: applied to the link, answered 307 to the target.
        r = http.send("POST", A + "/sle/dangling", "X-Object-Meta-Color", "red");
        assertThat(r.statusCode()).isEqualTo(307);
        assertThat(header(r, "Location")).isEqualTo(A + "/sle/missing");
        assertThat(header(http.send("HEAD", A + "/sle/dangling?symlink=get"), "X-Object-Meta-Color")).isEqualTo("red");
    }

    @Test
    void staticSymlinkChecksTheTargetsEtag() throws Exception {
        container("ss");
        String etag = header(put("ss/t", "version one", "Content-Type", "text/one"), "ETag");
        HttpResponse<byte[]> r = put("ss/bad", "", "X-Symlink-Target", "ss/t", "X-Symlink-Target-Etag", "nope");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(body(r)).isEqualTo("Object Etag '" + etag + "' does not match X-Symlink-Target-Etag header 'nope'");
        r = put("ss/none", "", "X-Symlink-Target", "ss/missing", "X-Symlink-Target-Etag", etag);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(body(r)).isEqualTo("X-Symlink-Target does not exist");

        assertThat(put("ss/static", "", "X-Symlink-Target", "ss/t", "X-Symlink-Target-Etag", etag).statusCode())
                .isEqualTo(201);
        assertThat(body(http.send("GET", A + "/ss/static"))).isEqualTo("version one");
        JsonNode row = json("ss?format=json&prefix=static").get(0);
        assertThat(row.path("symlink_etag").asText()).isEqualTo(etag);
        assertThat(row.path("symlink_bytes").asLong()).isEqualTo(11);
        assertThat(row.path("content_type").asText()).isEqualTo("text/one"); // the target's, by default

        put("ss/t", "version two");
        r = http.send("GET", A + "/ss/static");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(header(r, "Content-Location")).isEqualTo(A + "/ss/t");
    }

    @Test
    void copyOfASymlinkCopiesTheTargetUnlessSymlinkGet() throws Exception {
        container("sc");
        put("sc/t", "payload");
        put("sc/l", "", "X-Symlink-Target", "sc/t");
        assertThat(http.send("COPY", A + "/sc/l", "Destination", "sc/copy").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> copy = http.send("GET", A + "/sc/copy");
        assertThat(body(copy)).isEqualTo("payload");
        assertThat(header(copy, "Content-Location")).isNull();
        assertThat(http.send("COPY", A + "/sc/l?symlink=get", "Destination", "sc/l2").statusCode()).isEqualTo(201);
        assertThat(header(http.send("HEAD", A + "/sc/l2?symlink=get"), "X-Symlink-Target")).isEqualTo("sc/t");
    }

    // ---- legacy versioned_writes ----

    @Test
    void versionsLocationKeepsOverwrittenVersionsAndDeletePopsThem() throws Exception {
        container("vl-archive");
        container("vl", "X-Versions-Location", "vl-archive");
        assertThat(header(http.send("HEAD", A + "/vl"), "X-Versions-Location")).isEqualTo("vl-archive");
        put("vl/o", "one", "Content-Type", "text/one");
        put("vl/o", "two", "Content-Type", "text/two");
        put("vl/o", "three");
        assertThat(objectCount("vl-archive")).isEqualTo(2);
        JsonNode archive = json("vl-archive?format=json");
        assertThat(archive.get(0).path("name").asText()).startsWith("001o/");
        assertThat(archive.get(0).path("content_type").asText()).isEqualTo("text/one");

        assertThat(http.send("DELETE", A + "/vl/o").statusCode()).isEqualTo(204);
        assertThat(body(http.send("GET", A + "/vl/o"))).isEqualTo("two");
        assertThat(http.send("DELETE", A + "/vl/o").statusCode()).isEqualTo(204);
        HttpResponse<byte[]> first = http.send("GET", A + "/vl/o");
        assertThat(body(first)).isEqualTo("one");
        assertThat(header(first, "Content-Type")).isEqualTo("text/one");
        assertThat(objectCount("vl-archive")).isZero();
        assertThat(http.send("DELETE", A + "/vl/o").statusCode()).isEqualTo(204);
        assertThat(http.send("GET", A + "/vl/o").statusCode()).isEqualTo(404);

        assertThat(http.send("PUT", A + "/vl-both", "X-Versions-Location", "a", "X-History-Location", "b")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void historyLocationArchivesOnDeleteWithAMarker() throws Exception {
        container("hl-archive");
        container("hl", "X-History-Location", "hl-archive");
        put("hl/o", "one");
        assertThat(http.send("DELETE", A + "/hl/o").statusCode()).isEqualTo(204);
        assertThat(http.send("GET", A + "/hl/o").statusCode()).isEqualTo(404);
        JsonNode archive = json("hl-archive?format=json");
        assertThat(archive).hasSize(2);
        assertThat(archive.get(1).path("content_type").asText())
                .isEqualTo("application/x-deleted;swift_versions_deleted=1");
    }

    /**
     * Versioning moves re-point a name at content that exists: archiving the current version, restoring an
     * archived one (stack mode), a POST. Such a new reference by name must revive content the collector
     * condemned meanwhile (store/GC.md: its mark may have missed the reference while it moved), as a copy
     * does; otherwise the next cycle frees a block the archive or the restored object names.
     */
    @Test
    void versioningMovesReviveCondemnedContent() throws Exception {
        io.tessera.store.Store store = server.server.store();
        container("rv-archive");
        container("rv", "X-Versions-Location", "rv-archive");
        put("rv/o", "first version");
        io.tessera.hashmap.BlockHash first = blockOf(store, "rv", "o");
        assertThat(store.gc().condemnBlock(first, System.currentTimeMillis())).isTrue();
        put("rv/o", "second version"); // archives the first: a new name for its block
        assertThat(store.gc().block(first).orElseThrow().condemned()).as("archived content revived").isFalse();

        io.tessera.hashmap.BlockHash second = blockOf(store, "rv", "o");
        assertThat(store.gc().condemnBlock(first, System.currentTimeMillis())).isTrue();
        assertThat(http.send("DELETE", A + "/rv/o").statusCode()).isEqualTo(204); // restores the first
        assertThat(body(http.send("GET", A + "/rv/o"))).isEqualTo("first version");
        assertThat(store.gc().block(first).orElseThrow().condemned()).as("restored content revived").isFalse();

        assertThat(store.gc().condemnBlock(first, System.currentTimeMillis())).isTrue();
        assertThat(http.send("POST", A + "/rv/o", "X-Object-Meta-K", "v").statusCode()).isEqualTo(202);
        assertThat(store.gc().block(first).orElseThrow().condemned()).as("re-published by a POST").isFalse();
        assertThat(second).isNotEqualTo(first);
    }

    private static io.tessera.hashmap.BlockHash blockOf(io.tessera.store.Store store, String container, String name) {
        io.tessera.store.MapId map = store.metadata().getObject(TestServer.ACCOUNT, container, name).orElseThrow().map();
        assertThat(map.length()).as("a one-block object: its map id names its block").isLessThanOrEqualTo(store.blockSize().bytes());
        return map.merkleRoot();
    }

    // ---- object versioning ----

    @Test
    void objectVersioningListsReadsAndDeletesVersions() throws Exception {
        container("ov", "X-Versions-Enabled", "true");
        assertThat(header(http.send("HEAD", A + "/ov"), "X-Versions-Enabled")).isEqualTo("True");
        HttpResponse<byte[]> v1 = put("ov/o", "version1", "Content-Type", "text/v1");
        String id1 = header(v1, "X-Object-Version-Id");
        assertThat(id1).isNotNull();
        assertThat(header(v1, "ETag")).isEqualTo("966634ebf2fc135707d6753692bf4b1e");
        String id2 = header(put("ov/o", "version2", "Content-Type", "text/v2"), "X-Object-Version-Id");
        assertThat(id2).isNotEqualTo(id1);

        HttpResponse<byte[]> current = http.send("GET", A + "/ov/o");
        assertThat(body(current)).isEqualTo("version2");
        assertThat(header(current, "X-Object-Version-Id")).isEqualTo(id2);
        HttpResponse<byte[]> old = http.send("GET", A + "/ov/o?version-id=" + id1);
        assertThat(body(old)).isEqualTo("version1");
        assertThat(header(old, "Content-Type")).isEqualTo("text/v1");

        JsonNode versions = json("ov?versions&format=json");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).path("version_id").asText()).isEqualTo(id2); // newest first
        assertThat(versions.get(0).path("is_latest").asBoolean()).isTrue();
        assertThat(versions.get(1).path("is_latest").asBoolean()).isFalse();
        assertThat(versions.get(1).path("bytes").asLong()).isEqualTo(8);
        JsonNode plain = json("ov?format=json");
        assertThat(plain).hasSize(1);
        assertThat(plain.get(0).path("bytes").asLong()).isEqualTo(8);
        assertThat(plain.get(0).path("hash").asText()).isEqualTo(header(current, "ETag"));
        // The container's usage counts its versions' bytes; its object count only the current ones.
        HttpResponse<byte[]> head = http.send("HEAD", A + "/ov");
        assertThat(header(head, "X-Container-Bytes-Used")).isEqualTo("16");
        assertThat(header(head, "X-Container-Object-Count")).isEqualTo("1");
        JsonNode account = JSON.readTree(http.send("GET", A + "?format=json&prefix=ov").body());
        assertThat(account.get(0).path("bytes").asLong()).isEqualTo(16);

        // DELETE writes a delete marker; the versions stay readable.
        HttpResponse<byte[]> deleted = http.send("DELETE", A + "/ov/o");
        assertThat(deleted.statusCode()).isEqualTo(204);
        String markerId = header(deleted, "X-Object-Version-Id");
        assertThat(http.send("GET", A + "/ov/o").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> marker = http.send("HEAD", A + "/ov/o?version-id=" + markerId);
        assertThat(marker.statusCode()).isEqualTo(404);
        assertThat(header(marker, "Content-Type")).isEqualTo("application/x-deleted;swift_versions_deleted=1");
        assertThat(json("ov?versions").size()).isEqualTo(3);

        // A versioned container is deleted only once its versions are.
        assertThat(http.send("DELETE", A + "/ov").statusCode()).isEqualTo(409);
        for (String id : List.of(id1, id2, markerId)) {
            assertThat(http.send("DELETE", A + "/ov/o?version-id=" + id).statusCode()).isEqualTo(204);
        }
        assertThat(json("ov?versions").size()).isZero();
        assertThat(http.send("DELETE", A + "/ov").statusCode()).isEqualTo(204);
        // Hidden version containers never show in the account listing.
        HttpResponse<byte[]> accountListing = http.send("GET", A + "?format=json");
        assertThat(body(accountListing)).doesNotContain("versions");
    }

    @Test
    void deletingAnOldManifestVersionDeletesItsSegmentsNotTheCurrentOnes() throws Exception {
        container("ovseg");
        container("ovslo", "X-Versions-Enabled", "true");
        for (String seg : List.of("a1", "a2", "b1", "b2")) {
            put("ovseg/" + seg, seg.substring(0, 1).repeat(1024 * 1024));
        }
        String v1 = header(put("ovslo/m?multipart-manifest=put",
                "[{\"path\": \"/ovseg/a1\"}, {\"path\": \"/ovseg/a2\"}]"), "X-Object-Version-Id");
        String v2 = header(put("ovslo/m?multipart-manifest=put",
                "[{\"path\": \"/ovseg/b1\"}, {\"path\": \"/ovseg/b2\"}]"), "X-Object-Version-Id");
        assertThat(v1).isNotNull().isNotEqualTo(v2);

        HttpResponse<byte[]> r = http.send("DELETE", A + "/ovslo/m?multipart-manifest=delete&version-id=" + v1,
                "Accept", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(r.body());
        assertThat(report.get("Response Status").asText()).isEqualTo("200 OK");
        assertThat(report.get("Number Deleted").asInt()).as("two segments and the version").isEqualTo(3);

        assertThat(http.send("HEAD", A + "/ovseg/a1").statusCode()).isEqualTo(404);
        assertThat(http.send("HEAD", A + "/ovseg/a2").statusCode()).isEqualTo(404);
        assertThat(http.send("HEAD", A + "/ovslo/m?version-id=" + v1).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> current = http.send("GET", A + "/ovslo/m");
        assertThat(current.statusCode()).as("the current manifest and its segments are untouched").isEqualTo(200);
        assertThat(current.body()).hasSize(2 * 1024 * 1024).containsOnly((byte) 'b');
    }

    @Test
    void versionIdRequestsAreCheckedAndOnlyForVersionedContainers() throws Exception {
        container("ovx");
        put("ovx/o", "x");
        assertThat(http.send("GET", A + "/ovx/o?version-id=1234567890.12345").statusCode()).isEqualTo(400);
        container("ovy", "X-Versions-Enabled", "true");
        put("ovy/o", "y");
        assertThat(http.send("GET", A + "/ovy/o?version-id=notatime").statusCode()).isEqualTo(400);
        assertThat(http.send("POST", A + "/ovy/o?version-id=1234567890.12345").statusCode()).isEqualTo(400);
        assertThat(http.send("GET", A + "/ovy?versions&format=xml").statusCode()).isEqualTo(406);
        assertThat(http.send("PUT", A + "/ovy", "X-Versions-Location", "elsewhere").statusCode()).isEqualTo(400);
    }

    // ---- quotas ----

    @Test
    void containerQuotasRefuseUploadsAndCopiesThatWouldPassThem() throws Exception {
        container("q", "X-Container-Meta-Quota-Bytes", "10", "X-Container-Meta-Quota-Count", "2");
        assertThat(put("q/a", "12345").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> r = put("q/b", "123456");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(body(r)).isEqualTo("Upload exceeds quota.");
        assertThat(http.send("GET", A + "/q/b").statusCode()).isEqualTo(404);
        assertThat(http.send("COPY", A + "/q/a", "Destination", "q/c").statusCode()).isEqualTo(201); // 10 bytes: fits
        assertThat(http.send("COPY", A + "/q/a", "Destination", "q/d").statusCode()).isEqualTo(413);
        assertThat(http.send("POST", A + "/q", "X-Container-Meta-Quota-Bytes", "ten").statusCode()).isEqualTo(400);
    }

    @Test
    void accountQuotaIsTheResellersToSet() throws Exception {
        String quotaAccount = "/v1/AUTH_quota";
        assertThat(http.send("POST", A, "X-Account-Meta-Quota-Bytes", "5").statusCode()).isEqualTo(403);
        SwiftHttp reseller = new SwiftHttp(server.port(), "reseller:admin", "reseller");
        assertThat(reseller.send("POST", quotaAccount, "X-Account-Meta-Quota-Bytes", "5").statusCode()).isEqualTo(204);
        assertThat(reseller.send("PUT", quotaAccount + "/c").statusCode()).isEqualTo(201);
        assertThat(reseller.send("PUT", quotaAccount + "/c/small", "1234".getBytes()).statusCode()).isEqualTo(201);
        assertThat(reseller.send("PUT", quotaAccount + "/c/big", "12".getBytes()).statusCode()).isEqualTo(413);
    }

    // ---- expiring objects ----

    @Test
    void expiredObjectsReadAsGoneAndAreThenRemovedForReal() throws Exception {
        container("exp");
        put("exp/keep", "kept");
        assertThat(put("exp/o", "short-lived", "X-Delete-After", "1").statusCode()).isEqualTo(201);
        assertThat(objectCount("exp")).isEqualTo(2);
        long deadline = System.currentTimeMillis() + 10_000;
        while (http.send("GET", A + "/exp/o").statusCode() != 404) {
            assertThat(System.currentTimeMillis()).as("expired in time").isLessThan(deadline);
            Thread.sleep(200);
        }
        server.server.expirer().runPass(); // the background job would do the same within seconds
        assertThat(objectCount("exp")).isEqualTo(1);
        List<String> names = new ArrayList<>();
        json("exp?format=json").forEach(n -> names.add(n.path("name").asText()));
        assertThat(names).containsExactly("keep");
    }

    // ---- etag_quoter ----

    @Test
    void rfcCompliantEtagsQuoteObjectEtagsPerContainer() throws Exception {
        container("eq", "X-Container-Rfc-Compliant-Etags", "true");
        container("eq-plain");
        put("eq/o", "hello");
        put("eq-plain/o", "hello");
        assertThat(header(http.send("HEAD", A + "/eq/o"), "ETag")).isEqualTo("\"5d41402abc4b2a76b9719d911017c592\"");
        assertThat(header(http.send("HEAD", A + "/eq-plain/o"), "ETag")).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(header(http.send("HEAD", A + "/eq"), "X-Container-Rfc-Compliant-Etags")).isEqualTo("True");
        // The account's flag applies where the container says nothing; a container's "false" wins; at once.
        assertThat(http.send("POST", A, "X-Account-Rfc-Compliant-Etags", "true").statusCode()).isEqualTo(204);
        assertThat(header(http.send("HEAD", A + "/eq-plain/o"), "ETag")).startsWith("\"");
        assertThat(http.send("POST", A + "/eq-plain", "X-Container-Rfc-Compliant-Etags", "false").statusCode())
                .isEqualTo(204);
        assertThat(header(http.send("HEAD", A + "/eq-plain/o"), "ETag")).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(http.send("POST", A, "X-Remove-Account-Rfc-Compliant-Etags", "x").statusCode()).isEqualTo(204);
    }

    // ---- COPY across accounts: the source is judged first ----

    @Test
    void crossAccountCopyChecksTheSourceBeforeTheDestination() throws Exception {
        container("xa");
        put("xa/o", "data");
        // The source is missing: 404, although the destination account is not ours.
        assertThat(http.send("COPY", A + "/xa/missing", "Destination", "c/o", "Destination-Account", "AUTH_test2")
                .statusCode()).isEqualTo(404);
        // The source is there, the destination is not writable: 403.
        assertThat(http.send("COPY", A + "/xa/o", "Destination", "c/o", "Destination-Account", "AUTH_test2")
                .statusCode()).isEqualTo(403);
        // Unreadable source in another account: 403 even when the destination container is missing.
        assertThat(http.send("PUT", A + "/nowhere/o", new byte[0], "X-Copy-From", "c/o",
                "X-Copy-From-Account", "AUTH_test2").statusCode()).isEqualTo(403);
    }
}
