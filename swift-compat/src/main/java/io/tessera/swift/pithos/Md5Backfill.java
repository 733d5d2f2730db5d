package io.tessera.swift.pithos;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MD5 of an object made from a Pithos hashmap, computed in the background and then made its ETag
 * ({@link MetadataStore#replaceEtag}): no byte of it passed through the PUT, so it is published with its
 * Merkle root as ETag (never a wrong MD5), and Swift clients, which compare ETags with the MD5 of what
 * they download, get the MD5 once it is known. One thread reads the object's blocks (checked against
 * their hashes, as any read) at a time; at most {@link #QUEUE} objects wait, and one more is skipped
 * (keeps its Merkle root). It is best effort: an object replaced or deleted meanwhile is left alone, a
 * read that fails leaves the Merkle root. What was waiting when the server stopped (or was skipped) is
 * resumed lazily: every read of an object whose ETag is still its Merkle root offers it again
 * ({@link #offer}), once while it waits.
 * A version whose ETag is not its Merkle root (object versioning's links, whose target carries the
 * ETag they were made with) is not touched.
 */
public final class Md5Backfill implements AutoCloseable {
    static final int QUEUE = 64;
    private static final Logger log = LoggerFactory.getLogger(Md5Backfill.class);

    private final MetadataStore metadata;
    private final ContentMaps maps;
    private final ContentReader reader;
    private final ThreadPoolExecutor executor;
    private final Meter computed;
    private final Meter skipped;
    /** The versions queued or running (at most QUEUE + 1), so a read of one already waiting adds nothing. */
    private final java.util.Set<String> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Md5Backfill(MetadataStore metadata, ContentMaps maps, ContentReader reader, MetricRegistry metrics) {
        this.metadata = metadata;
        this.maps = maps;
        this.reader = reader;
        this.computed = metrics.meter("pithos.md5.computed");
        this.skipped = metrics.meter("pithos.md5.skipped");
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "pithos-md5");
            t.setDaemon(true);
            return t;
        });
    }

    /** Schedules {@code published} (as the write pipeline published it) if its ETag is its Merkle root. */
    public void submit(ObjectVersion published) {
        offer(published);
    }

    /**
     * Schedules {@code v} (a version just published, or just read) if its ETag is still its Merkle root
     * and it is not waiting already. Cheap when there is nothing to do: reads call it for every object.
     */
    public void offer(ObjectVersion v) {
        // An MD5 is 32 hex digits, a Merkle root 64: most ETags are told apart without making a string.
        if (v.length() == 0 || v.etag().length() != 64 || !v.etag().equals(v.map().merkleRoot().toHex())) {
            return;
        }
        String key = v.account() + "/" + v.container() + "/" + v.name() + "@" + v.timestamp().micros();
        if (!waiting.add(key)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    backfill(v);
                } finally {
                    waiting.remove(key);
                }
            });
        } catch (RejectedExecutionException full) {
            waiting.remove(key);
            skipped.mark();
        }
    }

    private void backfill(ObjectVersion v) {
        try {
            Hashmap map = maps.load(v.map());
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = reader.open(map, 0, map.length())) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (Thread.currentThread().isInterrupted()) {
                        return; // the server is stopping
                    }
                    md5.update(buf, 0, n);
                }
            }
            if (metadata.replaceEtag(v, HexFormat.of().formatHex(md5.digest()))) {
                computed.mark();
            } else {
                skipped.mark(); // replaced or deleted meanwhile
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            skipped.mark();
            log.warn("the MD5 of {}/{}/{} was not computed; its ETag stays its Merkle root: {}", v.account(),
                    v.container(), v.name(), e.toString());
        }
    }

    /** Stops: what is waiting is dropped, what runs stops at its next read. Call before the store closes. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("the MD5 backfill did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
