package io.tessera.volumes;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.embedded.EmbeddedStore;
import io.tessera.volumes.nbd.NbdServer;
import io.tessera.volumes.nbd.NbdTestClient;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review S1, with the real lock: while a snapshot holds a volume's write lock, that volume's writes wait
 * in the NBD server's shared workers. Four connections to the volume (multi-conn) pipeline 16 writes each;
 * before, they took all 16 workers and a READ of another volume waited behind them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotStallsOnlyItsVolumeTest {
    static final String ACCOUNT = "AUTH_t";
    /** NbdWorkers.PER_DEVICE: the requests of one device on the shared workers at once. */
    static final int PER_DEVICE = 4;

    @TempDir
    Path dir;

    @Test
    void writesWaitingForASnapshotLeaveWorkersForOtherVolumes() throws Exception {
        try (Store store = EmbeddedStore.open(dir, new BlockSize(64 * 1024), Durability.DURABLE, new MetricRegistry());
             VolumeService service = new VolumeService(store, "node-a", null)) {
            service.create(ACCOUNT, "busy", 64L << 20, null);
            service.create(ACCOUNT, "calm", 64L << 20, null);
            List<NbdTestClient> writers = new ArrayList<>();
            try (NbdServer server = new NbdServer(service, "127.0.0.1", 0, Set.of(InetAddress.getByName("127.0.0.1")))) {
                VolumeIo busy = service.openVolume(ACCOUNT, "busy", false); // the handle the connections share
                busy.snapshotLock.writeLock().lock(); // what VolumeService.snapshot holds while it saves the map
                boolean locked = true;
                try (NbdTestClient other = new NbdTestClient(new Socket("127.0.0.1", server.port()))) {
                    for (int c = 0; c < 4; c++) {
                        NbdTestClient w = new NbdTestClient(new Socket("127.0.0.1", server.port()));
                        writers.add(w);
                        w.attach(ACCOUNT + "/busy");
                        for (int i = 0; i < 16; i++) {
                            w.sendWrite(i, (long) (c * 16 + i) * 4096, filled((byte) (c * 16 + i + 1)));
                        }
                    }
                    other.attach(ACCOUNT + "/calm");
                    int waiting = waitersSettled(busy);
                    long t0 = System.nanoTime();
                    boolean timedOut = false;
                    try {
                        assertThat(other.read(1, 0, 4096)).isEqualTo(new byte[4096]);
                    } catch (SocketTimeoutException e) {
                        timedOut = true; // NbdTestClient's 10 s read timeout
                    }
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    System.out.println("SnapshotStallsOnlyItsVolumeTest: " + waiting + " workers wait for the snapshot"
                            + " lock; a READ of another volume took " + ms + " ms (timed out: " + timedOut + ")");
                    assertThat(timedOut).as("the READ of another volume timed out after 10 s").isFalse();
                    assertThat(ms).as("ms for the READ of another volume").isLessThan(5000);
                    assertThat(waiting).as("workers waiting for the snapshot lock").isLessThanOrEqualTo(PER_DEVICE);

                    busy.snapshotLock.writeLock().unlock(); // the snapshot is done: every write goes through
                    locked = false;
                    for (NbdTestClient w : writers) {
                        for (int i = 0; i < 16; i++) {
                            assertThat(w.nextSimpleReplyError()).as("error of a write").isZero();
                        }
                    }
                    for (int k = 0; k < 64; k++) {
                        assertThat(writers.get(0).read(100 + k, (long) k * 4096, 4096)).isEqualTo(filled((byte) (k + 1)));
                    }
                } finally {
                    if (locked) {
                        busy.snapshotLock.writeLock().unlock();
                    }
                    for (NbdTestClient w : writers) {
                        w.close();
                    }
                    busy.close();
                }
            }
        }
    }

    static byte[] filled(byte b) {
        byte[] d = new byte[4096];
        Arrays.fill(d, b);
        return d;
    }

    /** The threads waiting for the volume's lock, once that stops growing (300 ms unchanged) or reaches 16. */
    static int waitersSettled(VolumeIo io) throws InterruptedException {
        return (int) Settled.value(io.snapshotLock::getQueueLength, 16);
    }
}
