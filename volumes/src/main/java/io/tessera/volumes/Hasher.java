package io.tessera.volumes;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.OwnedIds;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.VolumeStore.HashJob;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.VerifiedBlocks;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background hasher: turns a published snapshot whose map names owned blocks into a pure content
 * map, so snapshots deduplicate without slowing the snapshot itself. For each job (written by
 * {@link VolumeService#snapshot} before it publishes): read every block of the snapshot's map, store
 * owned ones content-addressed ({@code putIfAbsent}), compute the MD5 of the whole content, save the
 * new map, and republish the object under the same name with a newer timestamp and the MD5 as ETag,
 * unless the object was replaced or deleted meanwhile (then the job is dropped).
 *
 * <p>Owned blocks of a snapshot are frozen (the volume's epoch moved on), so reading them here races
 * no writer. Memory: one block at a time.
 */
public final class Hasher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Hasher.class);

    private final Store store;
    private final ContentMaps maps;
    private final VerifiedBlocks contentBlocks;
    private final Object signal = new Object();
    private final long idleMillis;
    private volatile boolean pending;
    private volatile boolean stopped;
    private volatile boolean paused;
    private volatile Thread thread;

    public Hasher(Store store, long idleMillis) {
        this(store, idleMillis, new MetricRegistry());
    }

    /** @param metrics where corrupt content blocks met while hashing are counted */
    public Hasher(Store store, long idleMillis, MetricRegistry metrics) {
        this.store = store;
        this.contentBlocks = new VerifiedBlocks(store.blocks(), metrics);
        this.maps = new ContentMaps(store);
        this.idleMillis = idleMillis;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::loop, "snapshot-hasher");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Whether the background thread runs (the health check asks): false before {@link #start}, after {@link #close}, or if it died. */
    public boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive() && !stopped;
    }

    /** Stops background passes (tests use it to see a snapshot before it is hashed); {@link #runOnce} still works. */
    public void pause(boolean pause) {
        paused = pause;
        if (!pause) {
            wake();
        }
    }

    public void wake() {
        synchronized (signal) {
            pending = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (!stopped) {
            try {
                if (!paused) {
                    runOnce();
                }
            } catch (RuntimeException e) {
                log.warn("snapshot hasher pass failed (retried later): {}", e.toString());
            }
            synchronized (signal) {
                if (!pending && !stopped) {
                    try {
                        signal.wait(idleMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                pending = false;
            }
        }
    }

    /** Processes every pending job once; returns how many snapshots were republished. */
    public int runOnce() {
        int done = 0;
        for (HashJob job : store.volumes().hashJobs(100)) {
            if (stopped) {
                break;
            }
            if (process(job)) {
                done++;
            }
            store.volumes().removeHashJob(job.id());
        }
        return done;
    }

    private boolean process(HashJob job) {
        Optional<ObjectVersion> current = store.metadata().getObject(job.account(), job.container(), job.object());
        if (current.isEmpty() || !current.get().map().equals(job.map())) {
            log.info("snapshot {}/{} was replaced or deleted before it was hashed; nothing to do", job.container(), job.object());
            return false;
        }
        long start = System.nanoTime();
        Hashmap snap = maps.load(job.map());
        MessageDigest md5 = md5();
        int bs = store.blockSize().bytes();
        byte[] buf = new byte[bs];
        List<BlockHash> hashes = new ArrayList<>(snap.blockCount());
        for (int i = 0; i < snap.blockCount(); i++) {
            BlockHash h = snap.hashes().get(i);
            int len = snap.blockLength(i);
            if (h.isZeroBlock()) {
                java.util.Arrays.fill(buf, 0, len, (byte) 0);
                hashes.add(h);
            } else if (OwnedIds.isOwned(h)) {
                store.owned().read(h, 0, buf, 0, len);
                int stripped = BlockHasher.strippedLength(buf, 0, len);
                BlockHash content = BlockHasher.hash(buf, 0, stripped);
                if (stripped > 0) {
                    store.blocks().putIfAbsent(content, buf, 0, stripped);
                }
                hashes.add(content);
            } else {
                // Checked: the ETag published below must describe the true content, not a damaged copy.
                byte[] c = contentBlocks.get(h);
                int n = Math.min(c.length, len);
                System.arraycopy(c, 0, buf, 0, n);
                java.util.Arrays.fill(buf, n, len, (byte) 0);
                hashes.add(h);
            }
            md5.update(buf, 0, len);
        }
        Hashmap pure = new Hashmap(snap.blockSize(), snap.length(), hashes);
        MapId id = maps.save(pure);
        String etag = HexFormat.of().formatHex(md5.digest());
        // Publish last (invariant 2): blocks and map are durable; check again right before.
        Optional<ObjectVersion> now = store.metadata().getObject(job.account(), job.container(), job.object());
        if (now.isEmpty() || !now.get().map().equals(job.map()) || !now.get().timestamp().equals(current.get().timestamp())) {
            return false;
        }
        ObjectVersion v = now.get();
        Timestamp ts = Timestamp.now();
        if (!ts.isAfter(v.timestamp())) {
            ts = new Timestamp(v.timestamp().micros() + 1);
        }
        store.metadata().putObject(new ObjectVersion(v.account(), v.container(), v.name(), ts, id, etag,
                v.contentType(), v.metadata()), PutCondition.NONE);
        log.info("snapshot {}/{}/{} hashed: {} blocks in {} ms, ETag {}", job.account(), job.container(), job.object(),
                snap.blockCount(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), etag);
        return true;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stopped = true;
        wake();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
