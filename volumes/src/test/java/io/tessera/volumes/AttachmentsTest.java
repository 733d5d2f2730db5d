package io.tessera.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.VolumeStore.Attachment;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may open an export, and who may take it over with ;handover (attachments are rows of the store). */
class AttachmentsTest {
    @TempDir
    Path dir;
    Store store;
    VolumeService volumes;
    Attachments a;

    @BeforeEach
    void open() {
        store = EmbeddedStore.open(dir, new BlockSize(64 * 1024), Durability.DURABLE, new MetricRegistry());
        volumes = new VolumeService(store, "node-1", null, new MetricRegistry());
        volumes.create("acct", "vol", 1L << 20, null);
        volumes.create("acct", "vol2", 1L << 20, null);
        a = volumes.attachments();
    }

    @AfterEach
    void close() {
        volumes.close();
        store.close();
    }

    static int status(Runnable r) {
        try {
            r.run();
            return 200;
        } catch (VolumeException e) {
            return e.status();
        }
    }

    @Test
    void anExportIsOpenOnlyToItsAttachedClient() {
        assertThat(status(() -> a.check("acct/vol", "local"))).isEqualTo(403);
        a.attach("acct/vol", "hv-1", false);
        assertThat(a.attach("acct/vol", "hv-1", false)).as("idempotent").isEqualTo(new Attachment("hv-1", null));
        a.check("acct/vol", "hv-1");
        assertThat(status(() -> a.check("acct/vol", "hv-2"))).isEqualTo(403);
        assertThat(status(() -> a.check("acct/vol", "local"))).isEqualTo(403);
        assertThat(status(() -> a.check("acct/vol2", "hv-1"))).as("another export").isEqualTo(403);
        assertThat(status(() -> a.attach("acct/vol", "hv-2", false))).isEqualTo(409);
        a.detach("acct/vol", "hv-1");
        assertThat(status(() -> a.check("acct/vol", "hv-1"))).isEqualTo(403);
        assertThat(status(() -> a.detach("acct/vol", "hv-1"))).isEqualTo(404);
        assertThatThrownBy(() -> a.attach("acct/vol", " ", false)).hasMessageContaining("client must name");
    }

    @Test
    void onlyTheNamedMigrationTargetMayHandOverAndDetachingTheSourceLeavesIt() {
        assertThat(status(() -> a.attach("acct/vol", "hv-2", true))).as("nothing to migrate").isEqualTo(409);
        a.attach("acct/vol", "hv-1", false);
        assertThat(status(() -> a.check("acct/vol;handover", "hv-1"))).as("the source").isEqualTo(403);
        assertThat(status(() -> a.check("acct/vol;handover", "hv-2"))).as("unnamed").isEqualTo(403);
        a.attach("acct/vol", "hv-2", true);
        assertThat(status(() -> a.attach("acct/vol", "hv-3", true))).as("one migration at a time").isEqualTo(409);
        a.check("acct/vol;handover", "hv-2");
        a.check("acct/vol", "hv-1"); // the source keeps running until the migration is done
        assertThat(status(() -> a.check("acct/vol;handover", "hv-1"))).isEqualTo(403);
        a.detach("acct/vol", "hv-1");
        assertThat(a.of("acct/vol")).contains(new Attachment("hv-2", null));
        assertThat(status(() -> a.check("acct/vol;handover", "hv-2"))).as("no migration any more").isEqualTo(403);
        // A migration called off: detaching the target leaves the source.
        a.attach("acct/vol", "hv-3", true);
        a.detach("acct/vol", "hv-3");
        assertThat(a.of("acct/vol")).contains(new Attachment("hv-2", null));
    }

    @Test
    void anAttachmentOutlivesTheServiceButNotItsVolume() {
        a.attach("acct/vol", "hv-1", false);
        volumes.close();
        volumes = new VolumeService(store, "node-1", null, new MetricRegistry());
        a = volumes.attachments();
        a.check("acct/vol", "hv-1");
        volumes.delete("acct", "vol");
        volumes.create("acct", "vol", 1L << 20, null);
        assertThat(a.of("acct/vol")).as("a new volume of the same name starts unattached").isEmpty();
        assertThat(status(() -> a.check("acct/vol", "hv-1"))).isEqualTo(403);
        assertThat(status(() -> a.attach("acct/none", "hv-1", false))).as("no such volume").isEqualTo(404);
    }
}
