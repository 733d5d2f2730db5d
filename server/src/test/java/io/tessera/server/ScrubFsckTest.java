package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.content.ContentWriter;
import io.tessera.server.admin.AdminEndpoint;
import io.tessera.server.admin.JobStatus;
import io.tessera.swift.context.SwiftStore;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.WriteContent;
import io.tessera.swift.writes.WritePipeline;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scrub and fsck through the server's admin API (what {@code bin/tessera scrub|fsck} calls while a server
 * holds the store): a clean store reports nothing; a block whose stored content is damaged is found by
 * scrub, and an object whose block is gone is named by fsck. The damage is done below the store, as a
 * failing disk or an operator would (a block file's byte, a Cassandra row).
 */
abstract class ScrubFsckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    abstract TestBackend backend();

    /** Damages the stored content of {@code block} without the store knowing. */
    abstract void damage(TestServer server, BlockHash block) throws Exception;

    @Test
    void scrubFindsDamagedContentAndFsckNamesObjectsWithMissingBlocks() throws Exception {
        try (TestServer server = TestServer.start(home, backend())) {
            Store store = server.server.store();
            ExecutorService io = Executors.newFixedThreadPool(2);
            ObjectWriter writes = WritePipeline.of(new SwiftStore(store), new ContentWriter(store, io, new MetricRegistry()));
            store.metadata().createContainer(TestServer.ACCOUNT, "photos", Timestamp.now(), Map.of());
            Random r = new Random(3);
            BlockHash[] blocks = new BlockHash[3];
            for (int i = 0; i < 3; i++) {
                byte[] content = new byte[100_000 + i];
                r.nextBytes(content);
                blocks[i] = writes.write(new ObjectWrite(new ObjectLocation(TestServer.ACCOUNT, "photos", "cat" + i + ".jpg"),
                        "image/jpeg", Map.of(), null, false,
                        new WriteContent.Body(new ByteArrayInputStream(content), content.length)))
                        .map().merkleRoot();
            }
            AdminEndpoint endpoint = AdminEndpoint.read(home.resolve("data")).orElseThrow();

            assertThat(run(endpoint, "scrub").problems()).isZero();
            assertThat(run(endpoint, "fsck").problems()).isZero();

            damage(server, blocks[1]);
            store.blocks().delete(blocks[2]);

            JobStatus scrub = run(endpoint, "scrub");
            assertThat(scrub.exitCode()).isEqualTo(1);
            assertThat(scrub.problems()).isEqualTo(1);
            assertThat(scrub.reported()).singleElement().asString().contains(blocks[1].toHex());
            assertThat(scrub.summary()).contains("corrupt or missing   1");

            JobStatus fsck = run(endpoint, "fsck");
            assertThat(fsck.exitCode()).isEqualTo(1);
            assertThat(fsck.problems()).isEqualTo(1);
            assertThat(fsck.reported()).singleElement().asString()
                    .contains("object " + TestServer.ACCOUNT + "/photos/cat2.jpg").contains(blocks[2].toHex());

            HttpResponse<String> noToken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(endpoint.url() + "/admin/v1/jobs/scrub")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(403);
            io.shutdown();
        }
    }

    static JobStatus run(AdminEndpoint endpoint, String kind) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/admin/v1/jobs/" + kind))
                .header(AdminEndpoint.TOKEN_HEADER, endpoint.token()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = JSON.readValue(started.body(), JobStatus.class).id();
        for (int i = 0; i < 600; i++) {
            JobStatus s = JSON.readValue(http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/admin/v1/jobs/" + id))
                    .header(AdminEndpoint.TOKEN_HEADER, endpoint.token()).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body(), JobStatus.class);
            if (s.finished()) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(kind + " did not finish within a minute");
    }
}
