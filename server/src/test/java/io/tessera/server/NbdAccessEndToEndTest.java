package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NBD access control with the clients hypervisors use ({@code qemu-img}, {@code qemu-io}, {@code nbdinfo}):
 * the Unix-domain socket (the default, mode 0600) and TCP with TLS and client certificates (certificates
 * made here with {@code openssl}, laid out as QEMU's tls-creds-x509 folders); an export is served only to
 * the client the REST API attached it to, and {@code ;handover} only to the named migration target.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NbdAccessEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;
    static TestServer server;
    static SwiftHttp http;
    static Path pki;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("/usr/bin/qemu-img", "/usr/bin/qemu-io", "/usr/bin/nbdinfo", "/usr/bin/openssl")) {
            assertThat(Path.of(tool)).as(tool + " (run scripts/install-test-deps.sh)").exists();
        }
        pki = Files.createDirectories(home.resolve("pki"));
        makeCertificates();
        TestServer.writeConfig(home, 0);
        Path conf = home.resolve("conf/tessera.yaml");
        String yaml = Files.readString(conf);
        assertThat(yaml).contains("plain_tcp: loopback");
        // The shipped default (the Unix socket in the data folder) plus TCP with TLS instead of plain TCP.
        Files.writeString(conf, yaml.replaceAll("plain_tcp: loopback.*", "tls_dir: " + pki.resolve("server")));
        server = TestServer.restart(home);
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- certificates

    /** A CA; the server's certificate (for 127.0.0.1); clients hv-1 and hv-2; and hv-1 again, signed by another CA. */
    static void makeCertificates() throws Exception {
        ca("ca");
        ca("rogue-ca");
        signed("server", "127.0.0.1", "ca", "serverAuth", "server");
        signed("hv-1", "hv-1", "ca", "clientAuth", "client");
        signed("hv-2", "hv-2", "ca", "clientAuth", "client");
        signed("rogue", "hv-1", "rogue-ca", "clientAuth", "client");
    }

    static void ca(String name) throws Exception {
        Path dir = Files.createDirectories(pki.resolve(name));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", dir.resolve("ca-key.pem").toString(), "-out", dir.resolve("ca-cert.pem").toString());
    }

    /** A folder as QEMU's tls-creds-x509 wants it: ca-cert.pem and {role}-cert.pem, {role}-key.pem. */
    static void signed(String folder, String cn, String ca, String purpose, String role) throws Exception {
        Path dir = Files.createDirectories(pki.resolve(folder));
        Path caDir = pki.resolve(ca);
        Files.copy(pki.resolve("ca").resolve("ca-cert.pem"), dir.resolve("ca-cert.pem")); // whom this side trusts
        Path ext = dir.resolve("ext.cnf");
        Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=" + purpose + "\n" + (purpose.equals("serverAuth") ? "subjectAltName=IP:127.0.0.1\n" : ""));
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn, "-keyout",
                dir.resolve(role + "-key.pem").toString(), "-out", dir.resolve("req.csr").toString());
        openssl("x509", "-req", "-in", dir.resolve("req.csr").toString(), "-CA", caDir.resolve("ca-cert.pem").toString(),
                "-CAkey", caDir.resolve("ca-key.pem").toString(), "-CAcreateserial", "-days", "2", "-sha256",
                "-extfile", ext.toString(), "-out", dir.resolve(role + "-cert.pem").toString());
    }

    static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Result r = run(cmd.toArray(String[]::new));
        assertThat(r.exit()).as("%s: %s", cmd, r.output()).isZero();
    }

    // ---------------------------------------------------------------- helpers

    record Result(int exit, String output) {
    }

    static Result run(String... cmd) throws Exception {
        Path out = Files.createTempFile(home, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    static JsonNode api(String method, String path, String body, int expectedStatus) throws Exception {
        HttpResponse<byte[]> r = http.send(method, "/volumes/v1/" + TestServer.ACCOUNT + path,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, text).isEqualTo(expectedStatus);
        return text.isEmpty() ? null : JSON.readTree(text);
    }

    static void create(String volume) throws Exception {
        api("POST", "", "{\"name\": \"" + volume + "\", \"size_bytes\": 4194304}", 201);
    }

    static JsonNode attach(String volume, String client, boolean migrationTarget) throws Exception {
        return api("POST", "/" + volume + "/attach",
                "{\"client\": \"" + client + "\", \"migration_target\": " + migrationTarget + "}", 200);
    }

    static String unixUri(String volume) {
        return "nbd+unix:///" + TestServer.ACCOUNT + "/" + volume + "?socket=" + server.server.nbdSocket();
    }

    /** qemu-io over TLS with the certificate folder {@code certs}: QEMU's --object tls-creds-x509 and --image-opts. */
    static Result qemuIoTls(String certs, String export, String... commands) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "--object",
                "tls-creds-x509,id=tls0,endpoint=client,dir=" + pki.resolve(certs), "--image-opts"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add("driver=nbd,host=127.0.0.1,port=" + server.nbdPort() + ",export=" + export + ",tls-creds=tls0");
        return run(cmd.toArray(String[]::new));
    }

    static String export(String volume) {
        return TestServer.ACCOUNT + "/" + volume;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void theUnixSocketIsInTheDataFolderWithMode0600AndServesOnlyAttachedVolumes() throws Exception {
        Path socket = server.server.nbdSocket();
        assertThat(socket).isEqualTo(home.resolve("data/nbd.sock"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
        create("unix-1");
        Result refused = run("qemu-img", "info", unixUri("unix-1"));
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("is not attached to local");
        Result nbdinfoRefused = run("nbdinfo", unixUri("unix-1"));
        assertThat(nbdinfoRefused.exit()).isNotZero(); // libnbd 1.14 does not print the server's reason
        assertThat(nbdinfoRefused.output()).contains("server replied with error").doesNotContain("export-size");

        JsonNode a = attach("unix-1", "local", false);
        assertThat(a.get("client").asText()).isEqualTo("local");
        Result io = run("qemu-io", "-f", "raw", "-c", "write -P 0x5c 4096 8192", "-c", "read -P 0x5c 4096 8192",
                "-c", "flush", unixUri("unix-1"));
        assertThat(io.exit()).as(io.output()).isZero();
        assertThat(io.output()).contains("read 8192/8192").doesNotContain("Pattern verification failed");
        Result info = run("nbdinfo", unixUri("unix-1"));
        assertThat(info.exit()).as(info.output()).isZero();
        assertThat(info.output()).contains("export-size: 4194304");
        assertThat(run("qemu-img", "info", unixUri("unix-1")).output()).contains("virtual size: 4 MiB");

        api("POST", "/unix-1/detach", "{\"client\": \"local\"}", 204);
        assertThat(run("qemu-img", "info", unixUri("unix-1")).exit()).as("detached").isNotZero();
    }

    @Test
    void tcpNeedsTlsAndAClientCertificateOfTheCaAndTheVolumeAttachedToItsCommonName() throws Exception {
        create("tls-1");
        JsonNode a = attach("tls-1", "hv-1", false);
        assertThat(a.get("nbd_uri").asText()).isEqualTo("nbds://127.0.0.1:" + server.nbdPort() + "/" + export("tls-1"));

        Result io = qemuIoTls("hv-1", export("tls-1"), "write -P 0x3a 0 65536", "read -P 0x3a 0 65536", "flush");
        assertThat(io.exit()).as(io.output()).isZero();
        assertThat(io.output()).contains("read 65536/65536").doesNotContain("Pattern verification failed");
        Result info = run("nbdinfo", "nbds://127.0.0.1:" + server.nbdPort() + "/" + export("tls-1")
                + "?tls-certificates=" + pki.resolve("hv-1"));
        assertThat(info.exit()).as(info.output()).isZero();
        assertThat(info.output()).contains("export-size: 4194304");

        // A certificate the CA did not sign, even with the right CN: the TLS handshake fails.
        Result rogue = qemuIoTls("rogue", export("tls-1"), "read 0 512");
        assertThat(rogue.exit()).as(rogue.output()).isNotZero();
        assertThat(rogue.output()).doesNotContain("read 512/512");
        Result rogueInfo = run("nbdinfo", "nbds://127.0.0.1:" + server.nbdPort() + "/" + export("tls-1")
                + "?tls-certificates=" + pki.resolve("rogue"));
        assertThat(rogueInfo.exit()).isNotZero();
        // A good certificate of another client: the volume is not attached to it.
        Result other = qemuIoTls("hv-2", export("tls-1"), "read 0 512");
        assertThat(other.exit()).isNotZero();
        assertThat(other.output()).contains("is not attached to hv-2");
        // No TLS at all: refused before anything about the export is said.
        Result plain = run("nbdinfo", "nbd://127.0.0.1:" + server.nbdPort() + "/" + export("tls-1"));
        assertThat(plain.exit()).isNotZero();
        assertThat(plain.output()).doesNotContain("export-size");
        // And the Unix socket's client is "local", which it is not attached to either.
        assertThat(run("qemu-img", "info", unixUri("tls-1")).output()).contains("is not attached to local");
    }

    /**
     * Attachments are in the store, not in the server's memory: after a restart the hypervisor reconnects
     * to its volume (and the migration target is still the one named); a detach still refuses.
     */
    @Test
    void attachmentsSurviveARestartOfTheServer() throws Exception {
        create("restart-1");
        attach("restart-1", "local", false);
        attach("restart-1", "hv-2", true);
        Result wrote = run("qemu-io", "-f", "raw", "-c", "write -P 0x6d 0 4096", "-c", "flush", unixUri("restart-1"));
        assertThat(wrote.exit()).as(wrote.output()).isZero();

        server.close();
        server = TestServer.restart(home);
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);

        Result info = run("nbdinfo", unixUri("restart-1"));
        assertThat(info.exit()).as(info.output()).isZero();
        assertThat(info.output()).contains("export-size: 4194304");
        Result img = run("qemu-img", "info", unixUri("restart-1"));
        assertThat(img.exit()).as(img.output()).isZero();
        assertThat(img.output()).contains("virtual size: 4 MiB");
        Result read = run("qemu-io", "-f", "raw", "-c", "read -P 0x6d 0 4096", unixUri("restart-1"));
        assertThat(read.exit()).as(read.output()).isZero();
        assertThat(read.output()).contains("read 4096/4096").doesNotContain("Pattern verification failed");
        JsonNode after = api("GET", "/restart-1", null, 200);
        assertThat(after.get("attached_to").asText()).isEqualTo("local");
        assertThat(after.get("migration_target").asText()).isEqualTo("hv-2");
        assertThat(qemuIoTls("hv-1", export("restart-1") + ";handover", "read 0 512").output())
                .contains("is not attached to hv-1");
        Result moved = qemuIoTls("hv-2", export("restart-1") + ";handover", "read -P 0x6d 0 4096");
        assertThat(moved.exit()).as(moved.output()).isZero();

        api("POST", "/restart-1/detach", "{\"client\": \"local\"}", 204);
        Result refused = run("qemu-img", "info", unixUri("restart-1"));
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("is not attached to local");
        assertThat(run("nbdinfo", unixUri("restart-1")).exit()).isNotZero();
    }

    @Test
    void onlyTheMigrationTargetTheRestApiNamedMayTakeAVolumeOverWithHandover() throws Exception {
        create("mig-1");
        attach("mig-1", "hv-1", false);
        assertThat(qemuIoTls("hv-1", export("mig-1"), "write -P 0x11 0 4096", "flush").exit()).isZero();

        Result unnamed = qemuIoTls("hv-2", export("mig-1") + ";handover", "write -P 0x22 0 4096");
        assertThat(unnamed.exit()).isNotZero();
        assertThat(unnamed.output()).contains("is not attached to hv-2");
        api("POST", "/mig-1/attach", "{\"client\": \"hv-2\"}", 409); // attached elsewhere, and not as a migration
        Result source = qemuIoTls("hv-1", export("mig-1") + ";handover", "write -P 0x22 0 4096");
        assertThat(source.exit()).isNotZero();
        assertThat(source.output()).contains("only the migration target");

        JsonNode target = attach("mig-1", "hv-2", true);
        assertThat(target.get("migration_target").asText()).isEqualTo("hv-2");
        assertThat(api("GET", "/mig-1", null, 200).get("migration_target").asText()).isEqualTo("hv-2");
        Result moved = qemuIoTls("hv-2", export("mig-1") + ";handover", "write -P 0x33 0 4096", "flush",
                "read -P 0x33 0 4096");
        assertThat(moved.exit()).as(moved.output()).isZero();
        assertThat(moved.output()).contains("read 4096/4096");
        // The source detaches when the migration is done: the target is now the attached client.
        api("POST", "/mig-1/detach", "{\"client\": \"hv-1\"}", 204);
        JsonNode after = api("GET", "/mig-1", null, 200);
        assertThat(after.get("attached_to").asText()).isEqualTo("hv-2");
        assertThat(after.get("migration_target").isNull()).isTrue();
        assertThat(qemuIoTls("hv-1", export("mig-1"), "read 0 512").output()).contains("is not attached to hv-1");
    }
}
