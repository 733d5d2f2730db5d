package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.content.ContentMaps;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Clone and snapshot time against image size (ARCHITECTURE.md: both O(1)-ish). Not part of the suite
 * (tag "bench", excluded in server/pom.xml); run it with
 * {@code mvn -B -q -pl server -am verify -Dbench.excluded=none -Dtest=VolumeFlatnessBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (the table lands in server/target/volume-flatness.txt).
 * The images are published through the store (their map and a version row, as an upload leaves them),
 * from 8 distinct random blocks, so a 10 GiB image needs no 10 GiB upload: the time of a clone or a
 * snapshot depends on the map (2,560 entries for 10 GiB), never on the bytes. Times are through the
 * REST API, as a user sees them; the hasher is paused so it does not compete.
 */
@Tag("bench")
class VolumeFlatnessBench {
    @Test
    void cloneAndSnapshotAreFlatInImageSize() throws Exception {
        Path home = Files.createTempDirectory(Path.of("/var/tmp"), "tessera-flat");
        try (TestServer server = TestServer.start(home)) {
            server.server.hasher().pause(true);
            Store store = server.server.store();
            SwiftHttp http = new SwiftHttp(server.port(), TestServer.USER, TestServer.KEY);
            assertThat(http.send("PUT", "/v1/" + TestServer.ACCOUNT + "/images").statusCode()).isIn(201, 202);
            assertThat(http.send("PUT", "/v1/" + TestServer.ACCOUNT + "/snaps").statusCode()).isIn(201, 202);
            int bs = store.blockSize().bytes();
            Random random = new Random(3);
            List<BlockHash> distinct = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] b = new byte[bs];
                random.nextBytes(b);
                BlockHash h = BlockHasher.hash(b);
                store.blocks().putIfAbsent(h, b, 0, b.length);
                distinct.add(h);
            }
            long[] sizes = {100L << 20, 10L << 30, 100L << 30};
            StringBuilder report = new StringBuilder("\nimage size   blocks   clone p50/max ms   snapshot p50/max ms\n");
            for (long size : sizes) {
                int blocks = (int) ((size + bs - 1) / bs);
                List<BlockHash> hashes = new ArrayList<>(blocks);
                for (int i = 0; i < blocks; i++) {
                    hashes.add(distinct.get(i % distinct.size()));
                }
                MapId id = new ContentMaps(store).save(new Hashmap(store.blockSize(), size, hashes));
                String name = "img-" + (size >> 20) + "M";
                store.metadata().putObject(new ObjectVersion(TestServer.ACCOUNT, "images", name, Timestamp.now(), id,
                        "etag", "application/octet-stream", Map.of()), PutCondition.NONE);
                double[] clone = new double[7];
                double[] snap = new double[7];
                for (int i = 0; i < clone.length; i++) {
                    String vol = name + "-c" + i;
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = http.send("POST", "/volumes/v1/" + TestServer.ACCOUNT,
                            ("{\"name\":\"" + vol + "\",\"source\":\"images/" + name + "\"}").getBytes(StandardCharsets.UTF_8));
                    clone[i] = (System.nanoTime() - t0) / 1e6;
                    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
                    t0 = System.nanoTime();
                    r = http.send("POST", "/volumes/v1/" + TestServer.ACCOUNT + "/" + vol + "/snapshot",
                            ("{\"container\":\"snaps\",\"object\":\"" + vol + "\"}").getBytes(StandardCharsets.UTF_8));
                    snap[i] = (System.nanoTime() - t0) / 1e6;
                    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
                }
                // the first round warms the JIT; report the rest
                double[] c = Arrays.copyOfRange(clone, 1, clone.length);
                double[] s = Arrays.copyOfRange(snap, 1, snap.length);
                Arrays.sort(c);
                Arrays.sort(s);
                report.append(String.format("%8d MiB %8d   %7.1f / %7.1f   %7.1f / %7.1f%n", size >> 20, blocks,
                        c[c.length / 2], c[c.length - 1], s[s.length / 2], s[s.length - 1]));
            }
            System.out.println(report);
            Files.writeString(Path.of("target/volume-flatness.txt"), report.toString());
        } finally {
            try (var paths = Files.walk(home)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
