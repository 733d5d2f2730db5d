package io.tessera.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.BlockStore.BlockStats;
import io.tessera.store.MetadataStore.PutOutcome;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.store.content.ContentWriter;
import io.tessera.store.content.WrittenContent;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, failure 4: with {@code durability: relaxed}, a block file was unlinked after an
 * unsynced delete of its index row; after a power loss the row came back without its file, and an
 * upload of the same block, deduplicated against that row, published an object whose block was gone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PowerLossTest {
    private static final String ACCOUNT = "acct";
    private static final String CONTAINER = "c";

    @TempDir
    Path dir;

    /**
     * A child JVM deletes a block file's index row and unlinks the file, then is killed -9 with its
     * unsynced WAL writes still in the process (a power loss). The index delete must have been
     * synced before the unlink; and an upload of the same block must store it again and read back.
     */
    @Test
    void aBlockDeletedJustBeforeAPowerLossIsStoredAgainByTheNextUpload() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                PowerLossDeleter.class.getName(), data.toString())
                .redirectError(stderr.toFile())
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("the child's stderr: %s", Files.readString(stderr)).isEqualTo("deleted");
            child.toHandle().destroyForcibly(); // SIGKILL: no close, so no sync
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        byte[] block = PowerLossDeleter.block();
        BlockHash hash = BlockHasher.hash(block);
        try (Store store = PowerLossDeleter.open(data, false)) {
            BlockStats afterLoss = store.blocks().stats();
            assertUploadReadsBack(store, block);
            assertThat(afterLoss.blocks()).as("blocks counted after the power loss: the synced delete survived")
                    .isZero();
        }
    }

    /**
     * The delete is synced now, but a store can still hold an index row whose file is gone (a power
     * loss under an older release) or short: an upload must not trust such a row.
     */
    @Test
    void anIndexRowWhoseFileIsMissingOrShortIsNotTrusted() throws IOException {
        byte[] block = PowerLossDeleter.block();
        BlockHash hash = BlockHasher.hash(block);
        Path data = dir.resolve("data");
        Path file = data.resolve("blocks").resolve(hash.toHex().substring(0, 2)).resolve(hash.toHex());
        try (Store store = PowerLossDeleter.open(data, false)) {
            assertThat(store.blocks().putIfAbsent(hash, block, 0, block.length)).isTrue();
        }
        Files.delete(file);
        try (Store store = PowerLossDeleter.open(data, false)) {
            assertThat(store.blocks().existing(List.of(hash))).as("a row without its file").isEmpty();
            assertUploadReadsBack(store, block);
            assertThat(store.blocks().stats().blocks()).as("the row was reused, not counted twice").isEqualTo(1);
        }
        Files.write(file, new byte[100]);
        try (Store store = PowerLossDeleter.open(data, false)) {
            assertThat(store.blocks().existing(List.of(hash))).as("a row whose file is short").isEmpty();
            assertUploadReadsBack(store, block);
        }
        assertThat(file).hasBinaryContent(block);
    }

    /** Uploads {@code block} through the PUT content path, publishes it, and reads the object back. */
    private static void assertUploadReadsBack(Store store, byte[] block) throws IOException {
        store.metadata().createContainer(ACCOUNT, CONTAINER, Timestamp.now(), Map.of());
        WrittenContent written = new ContentWriter(store, Runnable::run, new MetricRegistry())
                .write(new ByteArrayInputStream(block), block.length);
        ObjectVersion v = new ObjectVersion(ACCOUNT, CONTAINER, "o", Timestamp.now(), written.mapId(),
                written.md5Hex(), "application/octet-stream", Map.of());
        assertThat(store.metadata().putObject(v, PutCondition.NONE)).isEqualTo(PutOutcome.PUBLISHED);
        Hashmap map = new ContentMaps(store).load(v.map());
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        new ContentReader(store, Runnable::run, new MetricRegistry()).copy(map, 0, map.length(), read);
        assertThat(read.toByteArray()).as("the published object read back").isEqualTo(block);
    }
}
