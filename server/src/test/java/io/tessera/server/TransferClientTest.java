package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bin/tessera put|get|sync} (issue 14, item 7) against a real server: byte-identical round trips
 * at the block edges, a re-put that sends only the changed block (counted at the server by the block
 * upload's meter), a get that resumes a truncated and corrupted file by fetching only the bad blocks,
 * a sync that sends only the changed file, and the failures each reduced to one line and exit 1 (wrong
 * key, no container, no server, over quota) or 2 (usage). Runs the commands in-process, through the very
 * command tree {@code main} executes. Once per backend ({@link TransferClientEmbeddedTest},
 * {@link TransferClientCassandraTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TransferClientTest {
    static final String A = "/v1/" + TestServer.ACCOUNT;
    static final int MIB = 1024 * 1024;
    static final int BLOCK = 4 * MIB;

    TestServer server;
    SwiftHttp http;
    @TempDir
    Path tmp;

    abstract TestBackend backend();

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, backend());
        http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
        assertThat(http.send("PUT", A + "/files").statusCode()).isIn(201, 202);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Run(int exit, String out, String err) {
        /** The numbers of the summary's "sent|fetched N of M blocks". */
        long[] blocks() {
            Matcher m = Pattern.compile("(?:sent|fetched) (\\d+) of (\\d+) blocks").matcher(out);
            assertThat(m.find()).as(out + err).isTrue();
            return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
    }

    Run tessera(String... args) {
        return run(server.port(), TestServer.USER, TestServer.KEY, args);
    }

    static Run run(int port, String user, String key, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--url", "http://127.0.0.1:" + port, "--user", user, "--key", key));
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    long received() {
        return server.server.metrics().meter("pithos.blocks.received").getCount();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    Path write(String name, byte[] data) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return p;
    }

    byte[] remote(String object) throws Exception {
        HttpResponse<byte[]> r = http.send("GET", A + "/files/" + object);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static void assertOk(Run r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
    }

    // ---- round trips ----

    @Test
    void filesAtTheBlockEdgesComeBackByteIdentical() throws Exception {
        byte[] onlyByteZero = new byte[2 * BLOCK + 5];
        Arrays.fill(onlyByteZero, 0, BLOCK, (byte) 7);
        onlyByteZero[BLOCK] = 1; // block 1: its only non-zero byte is its first
        byte[] trailingZeros = random(BLOCK + 100, 5);
        Arrays.fill(trailingZeros, BLOCK - 10, BLOCK + 100, (byte) 0); // both blocks end in NULs
        List<byte[]> cases = List.of(new byte[0], new byte[] {42}, random(BLOCK, 1), random(BLOCK + 1, 2),
                new byte[9 * MIB], onlyByteZero, trailingZeros, new byte[] {0});
        for (int c = 0; c < cases.size(); c++) {
            byte[] data = cases.get(c);
            String name = "edge-" + c;
            Path local = write("up/" + name, data);
            Run put = tessera("put", local.toString(), "files/" + name);
            assertOk(put);
            assertThat(put.blocks()[1]).as(name).isEqualTo((data.length + BLOCK - 1) / BLOCK);
            assertThat(remote(name)).as("what a plain GET of %s serves", name).isEqualTo(data);

            Path down = tmp.resolve("down-" + name);
            Run get = tessera("get", down.toString(), "files/" + name);
            assertOk(get);
            assertThat(Files.readAllBytes(down)).as(name).isEqualTo(data);
            // Fetched: every block but those of zeros, which need no request.
            assertThat(get.out()).contains(" of " + (data.length + BLOCK - 1) / BLOCK + " blocks");
        }
        // A folder as the target: the object's own name in it; and the short form container/folder/ for put.
        Path folder = Files.createDirectories(tmp.resolve("into"));
        assertOk(tessera("get", folder.toString(), "files/edge-1"));
        assertThat(Files.readAllBytes(folder.resolve("edge-1"))).containsExactly(42);
        assertOk(tessera("put", tmp.resolve("up/edge-1").toString(), "files/dir/"));
        assertThat(remote("dir/edge-1")).containsExactly(42);
        assertThat(http.send("HEAD", A + "/files/dir/edge-1").headers().firstValue("Content-Type"))
                .contains("application/octet-stream");
    }

    @Test
    void aRePutOfA100MiBFileWithOneChangedBlockSendsExactlyThatBlock() throws Exception {
        byte[] data = random(100 * MIB, 100);
        Path local = write("big.bin", data);
        long before = received();
        Run first = tessera("put", local.toString(), "files/big.bin");
        assertOk(first);
        assertThat(first.blocks()).containsExactly(25, 25);
        assertThat(received() - before).isEqualTo(25);
        assertThat(first.out()).contains("sent 25 of 25 blocks, 0 MiB already stored");

        Run again = tessera("put", local.toString(), "files/big.bin");
        assertOk(again);
        assertThat(again.out()).contains("sent 0 of 25 blocks, 100 MiB already stored");

        data[13 * BLOCK + 12345] ^= 1;
        Files.write(local, data);
        before = received();
        Run changed = tessera("put", "-j", "3", local.toString(), "files/big.bin");
        assertOk(changed);
        assertThat(received() - before).as("blocks the server received").isEqualTo(1);
        assertThat(changed.out()).contains("sent 1 of 25 blocks, 96 MiB already stored");
        assertThat(remote("big.bin")).isEqualTo(data);

        // Under another name: nothing at all is sent.
        before = received();
        assertThat(tessera("put", local.toString(), "files/big-copy.bin").out()).contains("sent 0 of 25 blocks");
        assertThat(received() - before).isZero();
        // Quiet: no summary.
        Run quiet = tessera("put", "-q", local.toString(), "files/big-copy.bin");
        assertOk(quiet);
        assertThat(quiet.out()).isEmpty();
    }

    @Test
    void aGetResumesByFetchingOnlyTheBlocksThatDiffer() throws Exception {
        byte[] data = random(40 * MIB + 777, 40);
        Path src = write("resume-src", data);
        assertOk(tessera("put", src.toString(), "files/resume"));
        Path local = tmp.resolve("resume-local");
        Files.write(local, data);

        // Nothing differs: nothing fetched.
        Run same = tessera("get", local.toString(), "files/resume");
        assertOk(same);
        assertThat(same.blocks()).containsExactly(0, 11);

        // Block 2 corrupted, and the file cut in the middle of block 7: blocks 2, 7, 8, 9, 10 are fetched.
        try (RandomAccessFile f = new RandomAccessFile(local.toFile(), "rw")) {
            f.seek(2L * BLOCK + 99);
            f.write(data[2 * BLOCK + 99] ^ 0x55);
            f.setLength(7L * BLOCK + 1000);
        }
        Run resumed = tessera("get", local.toString(), "files/resume");
        assertOk(resumed);
        assertThat(resumed.blocks()).containsExactly(5, 11);
        assertThat(resumed.out()).contains("fetched 5 of 11 blocks, 24 MiB already here");
        assertThat(Files.readAllBytes(local)).isEqualTo(data);

        // A longer local file is cut to the object's size; its garbage tail fetched over.
        try (RandomAccessFile f = new RandomAccessFile(local.toFile(), "rw")) {
            f.seek(data.length - 5);
            f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        }
        Run longer = tessera("get", local.toString(), "files/resume");
        assertOk(longer);
        assertThat(longer.blocks()).containsExactly(1, 11);
        assertThat(Files.readAllBytes(local)).isEqualTo(data);
    }

    @Test
    void aGetOfATruncatedFileWhoseTailIsZerosFetchesNothingForIt() throws Exception {
        byte[] data = new byte[3 * BLOCK];
        new Random(9).nextBytes(data);
        Arrays.fill(data, BLOCK + 10, 3 * BLOCK, (byte) 0); // block 1 mostly zeros, block 2 all zeros
        assertOk(tessera("put", write("zeros-src", data).toString(), "files/zeros-tail"));
        Path local = tmp.resolve("zeros-local");
        Files.write(local, Arrays.copyOf(data, BLOCK + 10)); // cut where the zeros begin
        Run r = tessera("get", local.toString(), "files/zeros-tail");
        assertOk(r);
        assertThat(r.blocks()).as("the short block hashes as its zero-padded whole").containsExactly(0, 3);
        assertThat(Files.readAllBytes(local)).isEqualTo(data);
    }

    @Test
    void namesThatNeedEscapingGoBothWays() throws Exception {
        byte[] data = random(MIB + 3, 77);
        Path dir = Files.createDirectories(tmp.resolve("odd"));
        String name = "a b%20c?d#e&f+g \u00fc\u4e2d.txt";
        Files.write(dir.resolve(name), data);
        assertOk(tessera("put", dir.resolve(name).toString(), "files/odd/" + name));
        assertThat(http.send("HEAD", A + "/files/odd/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
                .headers().firstValue("Content-Type")).as("guessed from the name").get().asString().startsWith("text/plain");
        Path back = tmp.resolve("odd-back");
        assertOk(tessera("get", back.toString(), "files/odd/" + name));
        assertThat(Files.readAllBytes(back)).isEqualTo(data);
        Run sync = tessera("sync", dir.toString(), "files/odd");
        assertOk(sync);
        assertThat(sync.out()).as("the same name, compared by its Merkle root").contains("1 files, 0 sent, 1 unchanged");
    }

    @Test
    void aPutInItsOwnSmallJvmStreamsA256MiBFileInAFewBlocksOfMemory() throws Exception {
        // The real entry point (bin/tessera put starts TransferMain) in a JVM of 40 MiB of heap: holding
        // the file, or more than a few blocks of it, would end it with an OutOfMemoryError.
        Path file = tmp.resolve("streamed.bin");
        byte[] chunk = random(MIB, 256);
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 256; i++) {
                chunk[0] = (byte) i;
                chunk[MIB / 2] = (byte) (i >> 3);
                out.write(chunk);
            }
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-Xmx40m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), "io.tessera.server.transfer.TransferMain", "put", "-j", "4",
                file.toString(), "files/streamed.bin");
        pb.environment().put("TESSERA_URL", "http://127.0.0.1:" + server.port());
        pb.environment().put("TESSERA_USER", TestServer.USER);
        pb.environment().put("TESSERA_KEY", TestServer.KEY);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("sent 64 of 64 blocks, 0 MiB already stored");
        HttpResponse<byte[]> head = http.send("HEAD", A + "/files/streamed.bin");
        assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(256L * MIB));

        Path back = tmp.resolve("streamed.back");
        pb.command().set(pb.command().indexOf("put"), "get");
        pb.command().set(pb.command().size() - 2, back.toString());
        p = pb.start();
        output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("fetched 64 of 64 blocks");
        assertThat(Files.mismatch(file, back)).isEqualTo(-1);
    }

    @Test
    void twoPutsRacingToOneNameLeaveOneWholeFile() throws Exception {
        byte[] one = random(6 * BLOCK + 11, 61);
        byte[] two = random(5 * BLOCK + 7, 62);
        Path f1 = write("race-1", one);
        Path f2 = write("race-2", two);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                var a = pool.submit(() -> tessera("put", f1.toString(), "files/raced"));
                var b = pool.submit(() -> tessera("put", f2.toString(), "files/raced"));
                assertOk(a.get());
                assertOk(b.get());
                assertThat(remote("raced")).satisfiesAnyOf(x -> assertThat(x).isEqualTo(one), x -> assertThat(x).isEqualTo(two));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- sync ----

    @Test
    void aSyncSendsOnlyTheChangedFileAndOnlyItsChangedBlocks() throws Exception {
        assertThat(http.send("PUT", A + "/synced").statusCode()).isIn(201, 202);
        Path dir = Files.createDirectories(tmp.resolve("tree"));
        byte[] a = random(9 * MIB, 1);
        byte[] b = random(3 * MIB, 2);
        write("tree/a.bin", a);
        write("tree/sub/b.bin", b);
        write("tree/sub/empty", new byte[0]);
        Run first = tessera("sync", dir.toString(), "synced/backup");
        assertOk(first);
        assertThat(first.out()).contains("3 files, 3 sent, 0 unchanged; sent 4 of 4 blocks");
        assertThat(http.send("GET", A + "/synced/backup/sub/b.bin").body()).isEqualTo(b);
        assertThat(http.send("GET", A + "/synced/backup/sub/empty").statusCode()).isEqualTo(200);

        a[5 * MIB] ^= 1; // block 1 of a.bin
        write("tree/a.bin", a);
        long before = received();
        Run second = tessera("sync", dir.toString(), "synced/backup/");
        assertOk(second);
        assertThat(second.out()).contains("3 files, 1 sent, 2 unchanged; sent 1 of 4 blocks");
        assertThat(received() - before).isEqualTo(1);
        assertThat(http.send("GET", A + "/synced/backup/a.bin").body()).isEqualTo(a);

        // Remote objects that are not local: left alone by default, removed with --delete; others' untouched.
        assertThat(http.send("PUT", A + "/synced/backup/stale", new byte[] {1}).statusCode()).isEqualTo(201);
        assertThat(http.send("PUT", A + "/synced/backupx", new byte[] {1}).statusCode()).isEqualTo(201);
        Files.delete(dir.resolve("sub/empty"));
        Run kept = tessera("sync", dir.toString(), "synced/backup");
        assertOk(kept);
        assertThat(kept.out()).contains("2 files, 0 sent, 2 unchanged", "2 remote-only left (--delete removes them)");
        assertThat(http.send("HEAD", A + "/synced/backup/stale").statusCode()).isEqualTo(200);
        Run deleted = tessera("sync", "--delete", dir.toString(), "synced/backup");
        assertOk(deleted);
        assertThat(deleted.out()).contains("2 remote-only deleted");
        assertThat(http.send("HEAD", A + "/synced/backup/stale").statusCode()).isEqualTo(404);
        assertThat(http.send("HEAD", A + "/synced/backup/sub/empty").statusCode()).isEqualTo(404);
        assertThat(http.send("HEAD", A + "/synced/backup/a.bin").statusCode()).isEqualTo(200);
        assertThat(http.send("HEAD", A + "/synced/backupx").statusCode()).as("not under the prefix").isEqualTo(200);
    }

    // ---- failures: one line, exit 1 (server) or 2 (usage), never a stack trace ----

    static void assertOneLine(Run r, int exit, String... contains) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(exit);
        assertThat(r.err().strip()).contains(contains).doesNotContain("\n", "Exception", "\tat ");
    }

    @Test
    void failuresAreOneClearLine() throws Exception {
        Path f = write("small", new byte[] {1, 2, 3});
        assertOneLine(run(server.port(), TestServer.USER, "wrong", "put", f.toString(), "files/x"), 1,
                "tessera put: authentication failed: wrong user or key (401)");
        assertOneLine(tessera("put", f.toString(), "nosuchcontainer/x"), 1, "no container 'nosuchcontainer' (404)");
        assertOneLine(tessera("get", tmp.resolve("g").toString(), "files/nosuchobject"), 1, "no object files/nosuchobject (404)");
        assertOneLine(tessera("sync", tmp.toString(), "nosuchcontainer"), 1, "no container 'nosuchcontainer' (404)");
        int down;
        try (ServerSocket s = new ServerSocket(0)) {
            down = s.getLocalPort();
        }
        assertOneLine(run(down, TestServer.USER, TestServer.KEY, "get", tmp.resolve("g").toString(), "files/x"), 1,
                "cannot reach http://127.0.0.1:" + down + ": connection refused");

        // Over a container quota: the hashmap PUT is refused.
        assertThat(http.send("PUT", A + "/tiny", new byte[0], "X-Container-Meta-Quota-Bytes", "10").statusCode()).isIn(201, 202);
        Run quota = tessera("put", write("over", random(100, 3)).toString(), "tiny/over");
        assertOneLine(quota, 1, "too large or over quota (413)");
        assertThat(http.send("HEAD", A + "/tiny/over").statusCode()).isEqualTo(404);

        // A large object has no hashmap of its own: the server's reason, in one line.
        assertThat(http.send("PUT", A + "/files/dlo", new byte[0], "X-Object-Manifest", "files/edge-").statusCode()).isEqualTo(201);
        assertOneLine(tessera("get", tmp.resolve("dlo").toString(), "files/dlo"), 1,
                "hashmap of files/dlo: refused 400: A large object has no hashmap of its own");

        // Someone else's container: not allowed.
        assertOneLine(run(server.port(), "test2:tester2", "testing2", "put", "--account", TestServer.ACCOUNT, f.toString(),
                "files/x"), 1, "not allowed (403)");

        // Usage: exit 2.
        assertOneLine(tessera("put", tmp.resolve("missing").toString(), "files/x"), 2, "no such file");
        assertOneLine(tessera("put", f.toString(), "/files"), 2, "container/path");
        assertOneLine(tessera("get", tmp.resolve("g").toString(), "files"), 2, "get needs container/object");
        assertOneLine(tessera("get", tmp.resolve("nodir/g").toString(), "files/x"), 2, "no such folder");
        assertOneLine(tessera("sync", f.toString(), "files"), 2, "not a folder");
        assertOneLine(tessera("put", "-j", "0", f.toString(), "files/x"), 2, "--jobs is 1 to 32");
        assertOneLine(tessera("put", tmp.toString(), "files/x"), 2, "is a folder");
        assertThat(tessera("put", f.toString()).exit()).as("a missing argument").isEqualTo(2);
        assertOneLine(tessera("put", f.toString(), "files/" + "n".repeat(2000)), 2, "at most 1024");
    }
}
