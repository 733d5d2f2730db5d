package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.volumes.VolumeException;
import io.tessera.volumes.VolumeIo;
import io.tessera.volumes.VolumeLease;
import io.tessera.volumes.VolumeService;
import io.tessera.volumes.nbd.NbdServer;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes with the real clients hypervisors and operators use: an image uploaded with the {@code swift}
 * CLI, cloned into volumes over the REST API, read and written over NBD by QEMU's own client
 * ({@code qemu-img}, {@code qemu-io}) and libnbd's ({@code nbdinfo}, {@code nbdcopy}), snapshotted into
 * an object that {@code swift download} fetches. The tools must be installed
 * (scripts/install-test-deps.sh): this test fails, never skips, without them.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VolumesEndToEndTest {
    private static final String SWIFT = "/usr/bin/swift";
    private static final List<String> TOOLS = List.of("/usr/bin/qemu-img", "/usr/bin/qemu-io", "/usr/bin/nbdinfo",
            "/usr/bin/nbdcopy", SWIFT);
    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;
    static TestServer server;
    static SwiftHttp http;
    static Path image;
    static byte[] imageBytes;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : TOOLS) {
            assertThat(Path.of(tool)).as(tool + " (run scripts/install-test-deps.sh)").exists();
        }
        server = TestServer.start(home);
        server.server.hasher().pause(true); // the tests run the hasher themselves, to see both states
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        // A raw disk image: random data, a whole zero block, a block with a zero tail, a short last block.
        imageBytes = new byte[10 * MIB + 512];
        Random random = new Random(11);
        random.nextBytes(imageBytes);
        Arrays.fill(imageBytes, 4 * MIB, 8 * MIB, (byte) 0);
        Arrays.fill(imageBytes, 9 * MIB, 10 * MIB, (byte) 0);
        image = home.resolve("disk.raw");
        Files.write(image, imageBytes);
        run(home, SWIFT, "-A", server.authUrl(), "-U", TestServer.USER, "-K", TestServer.KEY, "upload", "images", "disk.raw");
        run(home, SWIFT, "-A", server.authUrl(), "-U", TestServer.USER, "-K", TestServer.KEY, "post", "snaps");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    record Result(int exit, String out, String err) {
    }

    static Result runAllowingFailure(Path cwd, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("ST_") || k.toLowerCase().endsWith("_proxy"));
        env.put("LC_ALL", "C.UTF-8");
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Result run(Path cwd, String... cmd) throws Exception {
        Result r = runAllowingFailure(cwd, cmd);
        assertThat(r.exit()).as("%s\nstdout: %s\nstderr: %s", String.join(" ", cmd), r.out(), r.err()).isZero();
        return r;
    }

    static JsonNode api(String method, String path, String body, int expectedStatus) throws Exception {
        HttpResponse<byte[]> r = http.send(method, "/volumes/v1/" + TestServer.ACCOUNT + path,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, text).isEqualTo(expectedStatus);
        return text.isEmpty() ? null : JSON.readTree(text);
    }

    /** Attaches a volume to the NBD client "local" (this host: the Unix socket and loopback TCP). */
    static void attach(String volume) throws Exception {
        JsonNode a = api("POST", "/" + volume + "/attach", "{\"client\": \"local\"}", 200);
        assertThat(a.get("client").asText()).isEqualTo("local");
    }

    static String uri(String volume) {
        return "nbd://127.0.0.1:" + server.nbdPort() + "/" + TestServer.ACCOUNT + "/" + volume;
    }

    /** The whole content of an export, read by QEMU's client. */
    static byte[] readWithQemu(String uri) throws Exception {
        Path out = Files.createTempFile(home, "convert", ".raw");
        run(home, "qemu-img", "convert", "-f", "raw", "-O", "raw", uri, out.toString());
        return Files.readAllBytes(out);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static void qemuIo(String uri, String... commands) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-d", "unmap"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(uri);
        Result r = run(home, cmd.toArray(String[]::new));
        assertThat(r.out() + r.err()).as("qemu-io output").doesNotContain("Pattern verification failed")
                .doesNotContainIgnoringCase("error");
    }

    static void fill(byte[] model, long offset, int len, int value) {
        Arrays.fill(model, (int) offset, (int) offset + len, (byte) value);
    }

    static byte[] swiftDownload(String container, String object) throws Exception {
        Path out = home.resolve("dl-" + System.nanoTime());
        run(home, SWIFT, "-A", server.authUrl(), "-U", TestServer.USER, "-K", TestServer.KEY, "download", container, object,
                "-o", out.toString());
        return Files.readAllBytes(out);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void anImageClonedIntoAVolumeReadsBackIdentically() throws Exception {
        JsonNode v = api("POST", "", "{\"name\": \"clone-read\", \"source\": \"images/disk.raw\"}", 201);
        attach("clone-read");
        assertThat(v.get("size_bytes").asLong()).isEqualTo(imageBytes.length);
        assertThat(v.get("parent").asText()).isEqualTo("images/disk.raw");
        assertThat(v.get("nbd_uri").asText()).isEqualTo(uri("clone-read"));
        // Allocated: every block but the zero one; all of it still shared with the image.
        long expectedAllocated = imageBytes.length - 4L * MIB;
        assertThat(v.get("allocated_bytes").asLong()).isEqualTo(expectedAllocated);
        assertThat(v.get("shared_with_parent_bytes").asLong()).isEqualTo(expectedAllocated);
        assertThat(v.get("owned_bytes").asLong()).isZero();
        assertThat(sha256(readWithQemu(v.get("nbd_uri").asText()))).isEqualTo(sha256(imageBytes));
        // The image itself, read-only over NBD, once attached.
        api("POST", "/attach", "{\"object\": \"images/disk.raw\", \"client\": \"local\"}", 200);
        String imageUri = "nbd://127.0.0.1:" + server.nbdPort() + "/" + TestServer.ACCOUNT + "/images/disk.raw";
        assertThat(sha256(readWithQemu(imageUri))).isEqualTo(sha256(imageBytes));
        // QEMU sees the export is read-only and refuses to open it for writing.
        Result ro = runAllowingFailure(home, "qemu-io", "-f", "raw", "-c", "write -P 1 0 512", imageUri);
        assertThat(ro.exit()).isNotZero();
        assertThat(ro.out() + ro.err()).contains("Permission denied");
        Result read = run(home, "qemu-io", "-r", "-f", "raw", "-c", "read -P 0 4194304 4194304", imageUri);
        assertThat(read.out()).contains("read 4194304/4194304");
    }

    @Test
    void qemuIoWritesAtUnalignedOffsetsZeroesDiscardsAndFlushesWithoutTouchingTheImageOrASibling() throws Exception {
        api("POST", "", "{\"name\": \"cow-a\", \"source\": \"images/disk.raw\", \"size_bytes\": " + 16 * MIB + "}", 201);
        attach("cow-a");
        api("POST", "", "{\"name\": \"cow-b\", \"source\": \"images/disk.raw\"}", 201);
        attach("cow-b");
        byte[] model = Arrays.copyOf(imageBytes, 16 * MIB);
        qemuIo(uri("cow-a"),
                "write -P 0xab 1000 5000", "read -P 0xab 1000 5000",
                "write -P 0x11 4194000 700", "read -P 0x11 4194000 700",      // across a block boundary
                "write -P 0x22 12582912 4096", "read -P 0x22 12582912 4096",  // past the image's end (grown)
                "write -z 300000 70000", "read -P 0 300000 70000",              // zeroes inside a shared block
                "write -z -u 8388608 1048576",                                  // unmap inside a zero-tailed block
                "discard 0 0",
                "discard 4194304 4194304", "read -P 0 4194304 4194304",         // a whole block
                "flush");
        fill(model, 1000, 5000, 0xab);
        fill(model, 4194000, 700, 0x11);
        fill(model, 12582912, 4096, 0x22);
        fill(model, 300000, 70000, 0);
        fill(model, 8388608, 1048576, 0);
        fill(model, 4194304, 4194304, 0);
        assertThat(sha256(readWithQemu(uri("cow-a")))).isEqualTo(sha256(model));
        assertThat(sha256(readWithQemu(uri("cow-b")))).as("a sibling clone").isEqualTo(sha256(imageBytes));
        assertThat(sha256(swiftDownload("images", "disk.raw"))).as("the image").isEqualTo(sha256(imageBytes));
        JsonNode info = api("GET", "/cow-a", null, 200);
        assertThat(info.get("owned_bytes").asLong()).isPositive();
    }

    @Test
    void nbdinfoAndItsMapShowAThinVolume() throws Exception {
        api("POST", "", "{\"name\": \"thin\", \"size_bytes\": " + 1024L * MIB + "}", 201);
        attach("thin");
        Result info = run(home, "nbdinfo", uri("thin"));
        assertThat(info.out()).contains("export-size: 1073741824").contains("base:allocation");
        Result map = run(home, "nbdinfo", "--map", uri("thin"));
        assertThat(map.out().trim()).matches("0\\s+1073741824\\s+3\\s+hole,zero");
        qemuIo(uri("thin"), "write -P 0x5a 0 1048576", "write -P 0x5b 104857600 4096");
        Result after = run(home, "nbdinfo", "--map", uri("thin"));
        assertThat(after.out().lines().map(String::trim).toList()).containsExactly(
                "0     4194304    0  data", "4194304   100663296    3  hole,zero",
                "104857600     4194304    0  data", "109051904   964689920    3  hole,zero");
        JsonNode v = api("GET", "/thin", null, 200);
        assertThat(v.get("allocated_bytes").asLong()).isEqualTo(8L * MIB);
    }

    @Test
    void nbdcopyRoundTrips() throws Exception {
        byte[] data = new byte[12 * MIB];
        new Random(5).nextBytes(data);
        Arrays.fill(data, 5 * MIB, 9 * MIB, (byte) 0);
        Path src = home.resolve("nbdcopy-src.raw");
        Files.write(src, data);
        api("POST", "", "{\"name\": \"copied\", \"size_bytes\": " + data.length + "}", 201);
        attach("copied");
        run(home, "nbdcopy", "--flush", src.toString(), uri("copied"));
        Path back = home.resolve("nbdcopy-back.raw");
        run(home, "nbdcopy", uri("copied"), back.toString());
        assertThat(sha256(Files.readAllBytes(back))).isEqualTo(sha256(data));
    }

    @Test
    void aSnapshotIsAnObjectEqualToTheVolumeAtThatMomentBeforeAndAfterHashing() throws Exception {
        api("POST", "", "{\"name\": \"snapme\", \"source\": \"images/disk.raw\"}", 201);
        attach("snapme");
        qemuIo(uri("snapme"), "write -P 0x33 100 9000", "write -P 0x44 6291456 4096", "flush");
        byte[] atSnapshot = imageBytes.clone();
        fill(atSnapshot, 100, 9000, 0x33);
        fill(atSnapshot, 6291456, 4096, 0x44);
        JsonNode snap = api("POST", "/snapme/snapshot", "{\"container\": \"snaps\", \"object\": \"snap-1\"}", 201);
        assertThat(snap.get("size_bytes").asLong()).isEqualTo(imageBytes.length);
        // Writes after the snapshot change the volume, not the snapshot (the owned blocks were frozen).
        qemuIo(uri("snapme"), "write -P 0x55 0 20000", "write -P 0x66 6291456 100", "flush");
        byte[] after = atSnapshot.clone();
        fill(after, 0, 20000, 0x55);
        fill(after, 6291456, 100, 0x66);

        HttpResponse<byte[]> head = http.send("HEAD", "/v1/" + TestServer.ACCOUNT + "/snaps/snap-1");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("ETag")).as("no ETag before hashing").isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(imageBytes.length));
        assertThat(sha256(swiftDownload("snaps", "snap-1"))).as("before hashing").isEqualTo(sha256(atSnapshot));
        assertThat(sha256(readWithQemu(uri("snapme")))).isEqualTo(sha256(after));
        // A range read of the unhashed snapshot.
        HttpResponse<byte[]> range = http.send("GET", "/v1/" + TestServer.ACCOUNT + "/snaps/snap-1", "Range", "bytes=6291450-6291460");
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(atSnapshot, 6291450, 6291461));

        assertThat(server.server.hasher().runOnce()).isPositive(); // other tests' snapshots may be pending too
        HttpResponse<byte[]> hashed = http.send("HEAD", "/v1/" + TestServer.ACCOUNT + "/snaps/snap-1");
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(atSnapshot));
        assertThat(hashed.headers().firstValue("ETag").map(e -> e.replace("\"", ""))).contains(md5);
        assertThat(sha256(swiftDownload("snaps", "snap-1"))).as("after hashing").isEqualTo(sha256(atSnapshot));

        // A snapshot is an image: clone it again.
        api("POST", "", "{\"name\": \"from-snap\", \"source\": \"snaps/snap-1\"}", 201);
        attach("from-snap");
        assertThat(sha256(readWithQemu(uri("from-snap")))).isEqualTo(sha256(atSnapshot));
        // And the volume is still whole after its snapshot was hashed.
        assertThat(sha256(readWithQemu(uri("snapme")))).isEqualTo(sha256(after));
    }

    @Test
    void aCloneOfAnUnhashedSnapshotCopiesUpInsteadOfWritingTheSnapshotsBlocks() throws Exception {
        api("POST", "", "{\"name\": \"src-u\", \"size_bytes\": " + 8 * MIB + "}", 201);
        attach("src-u");
        qemuIo(uri("src-u"), "write -P 0x71 0 8388608", "flush");
        api("POST", "/src-u/snapshot", "{\"container\": \"snaps\", \"object\": \"unhashed\"}", 201);
        api("POST", "", "{\"name\": \"clone-u\", \"source\": \"snaps/unhashed\"}", 201);
        attach("clone-u");
        qemuIo(uri("clone-u"), "write -P 0x72 4096 4096", "flush");
        byte[] expected = new byte[8 * MIB];
        Arrays.fill(expected, (byte) 0x71);
        assertThat(sha256(swiftDownload("snaps", "unhashed"))).isEqualTo(sha256(expected));
        assertThat(sha256(readWithQemu(uri("src-u")))).isEqualTo(sha256(expected));
        fill(expected, 4096, 4096, 0x72);
        assertThat(sha256(readWithQemu(uri("clone-u")))).isEqualTo(sha256(expected));
    }

    @Test
    void aSecondWriterIsRefusedAndAHandoverFencesTheFirst() throws Exception {
        api("POST", "", "{\"name\": \"leased\", \"size_bytes\": " + 8 * MIB + "}", 201);
        attach("leased");
        // This server holds the volume open (as a running VM would) ...
        VolumeIo first = server.server.volumes().openVolume(TestServer.ACCOUNT, "leased", false);
        // ... and another Tessera node on the same store is asked to serve it.
        try (VolumeService other = new VolumeService(server.server.store(), "other-node", null);
             NbdServer otherNbd = new NbdServer(other, "127.0.0.1", 0, Set.of(InetAddress.getByName("127.0.0.1")))) {
            String otherUri = "nbd://127.0.0.1:" + otherNbd.port() + "/" + TestServer.ACCOUNT + "/leased";
            Result refused = runAllowingFailure(home, "qemu-io", "-f", "raw", "-c", "write -P 1 0 512", otherUri);
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.out() + refused.err()).contains("is open for writing on");
            JsonNode info = api("GET", "/leased", null, 200);
            assertThat(info.get("attached_on").asText()).isEqualTo(server.server.volumes().holder());

            // Live migration: the destination opens with the handover flag and takes the lease.
            Result moved = run(home, "qemu-io", "-f", "raw", "-c", "write -P 7 0 512", "-c", "flush",
                    "nbd://127.0.0.1:" + otherNbd.port() + "/" + TestServer.ACCOUNT + "/leased;handover");
            assertThat(moved.out()).contains("wrote 512/512");
            byte[] stale = new byte[512];
            Arrays.fill(stale, (byte) 9);
            try {
                first.write(0, stale, 0, 512, false);
                throw new AssertionError("the fenced holder's write was accepted");
            } catch (VolumeException e) {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.getMessage()).contains("moved to another holder");
            }
        } finally {
            first.close();
        }
        byte[] content = readWithQemu(uri("leased"));
        byte[] expected = new byte[512];
        Arrays.fill(expected, (byte) 7);
        assertThat(Arrays.copyOf(content, 512)).isEqualTo(expected);
    }

    @Test
    void theRestApiListsGrowsAndDeletes() throws Exception {
        api("POST", "", "{\"name\": \"grow-me\", \"size_bytes\": " + MIB + "}", 201);
        api("POST", "", "{\"name\": \"grow-me\", \"size_bytes\": " + MIB + "}", 409);
        api("POST", "", "{\"name\": \"bad/name\", \"size_bytes\": 5}", 400);
        api("POST", "", "{\"name\": \"x\", \"source\": \"images/missing\"}", 404);
        api("POST", "", "not json", 400);
        JsonNode grown = api("POST", "/grow-me/resize", "{\"size_bytes\": " + 3 * MIB + "}", 200);
        assertThat(grown.get("size_bytes").asLong()).isEqualTo(3L * MIB);
        api("POST", "/grow-me/resize", "{\"size_bytes\": " + MIB + "}", 400);
        attach("grow-me");
        assertThat(run(home, "nbdinfo", "--size", uri("grow-me")).out().trim()).isEqualTo(String.valueOf(3 * MIB));
        JsonNode list = api("GET", "", null, 200);
        assertThat(list.get("volumes").findValuesAsText("name")).contains("grow-me");
        api("DELETE", "/grow-me", null, 204);
        api("GET", "/grow-me", null, 404);
        HttpResponse<byte[]> noToken = new java.util.concurrent.Callable<HttpResponse<byte[]>>() {
            @Override
            public HttpResponse<byte[]> call() throws Exception {
                return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.port() + "/volumes/v1/" + TestServer.ACCOUNT))
                        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            }
        }.call();
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<byte[]> otherAccount = http.send("GET", "/volumes/v1/AUTH_test2");
        assertThat(otherAccount.statusCode()).isEqualTo(403);
    }

    /** Runs one Ganeti ExtStorage script the way Ganeti does: environment in, stdout out. */
    static Result ganeti(String script, Map<String, String> vars) throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path wrapper = home.resolve("tessera-cli");
        if (!Files.exists(wrapper)) {
            // bin/tessera needs a packaged jar; tests run before packaging, so call Main on the test classpath.
            Files.writeString(wrapper, "#!/usr/bin/env bash\nexec java -Xshare:auto -XX:TieredStopAtLevel=1 -cp '"
                    + System.getProperty("java.class.path") + "' io.tessera.server.Main \"$@\"\n");
            wrapper.toFile().setExecutable(true);
        }
        ProcessBuilder pb = new ProcessBuilder(root.resolve("ganeti/tessera/" + script).toString()).directory(home.toFile());
        Map<String, String> env = pb.environment();
        env.put("TESSERA_BIN", wrapper.toString());
        env.put("TESSERA_URL", "http://127.0.0.1:" + server.port());
        env.put("TESSERA_USER", TestServer.USER);
        env.put("TESSERA_KEY", TestServer.KEY);
        env.put("TESSERA_GANETI_STATE", home.resolve("ganeti-state").toString());
        env.putAll(vars);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theGanetiProviderCreatesAttachesGrowsSnapshotsAndRemovesThroughTheCli() throws Exception {
        String vol = "3f2a.ext.disk0";
        Map<String, String> base = Map.of("VOL_NAME", vol);
        assertThat(ganeti("verify", Map.of("VOL_NAME", vol, "EXTP_ORIGIN", "images/disk.raw")).exit()).isZero();
        assertThat(ganeti("verify", Map.of("VOL_NAME", vol, "EXTP_COLOR", "red")).exit()).isNotZero();
        Result created = ganeti("create", Map.of("VOL_NAME", vol, "VOL_SIZE", "16", "EXTP_ORIGIN", "images/disk.raw"));
        assertThat(created.exit()).as(created.err()).isZero();
        Result attached = ganeti("attach", base);
        assertThat(attached.exit()).as(attached.err()).isZero();
        assertThat(attached.out().trim()).isEqualTo(uri(vol));
        byte[] expected = Arrays.copyOf(imageBytes, 16 * MIB);
        assertThat(sha256(readWithQemu(attached.out().trim()))).isEqualTo(sha256(expected));
        assertThat(ganeti("open", Map.of("VOL_NAME", vol, "VOL_OPEN_EXCLUSIVE", "False")).exit()).isZero();
        assertThat(ganeti("attach", base).out().trim()).isEqualTo(uri(vol) + ";handover");
        assertThat(ganeti("close", base).exit()).isZero();
        assertThat(ganeti("grow", Map.of("VOL_NAME", vol, "VOL_SIZE", "16", "VOL_NEW_SIZE", "32")).exit()).isZero();
        assertThat(api("GET", "/" + vol, null, 200).get("size_bytes").asLong()).isEqualTo(32L * MIB);
        Result snap = ganeti("snapshot", Map.of("VOL_NAME", vol, "VOL_SNAPSHOT_NAME", "ganeti-snap",
                "EXTP_SNAPSHOT_CONTAINER", "snaps"));
        assertThat(snap.exit()).as(snap.err()).isZero();
        assertThat(swiftDownload("snaps", "ganeti-snap")).hasSize(32 * MIB);
        assertThat(ganeti("detach", base).exit()).isZero();
        assertThat(ganeti("detach", base).exit()).isZero();
        assertThat(ganeti("setinfo", Map.of("VOL_NAME", vol, "VOL_METADATA", "originstname+vm1")).exit()).isZero();
        assertThat(ganeti("remove", base).exit()).isZero();
        assertThat(ganeti("remove", base).exit()).as("idempotent").isZero();
        api("GET", "/" + vol, null, 404);
    }
}
