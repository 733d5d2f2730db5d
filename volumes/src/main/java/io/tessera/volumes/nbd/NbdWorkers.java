package io.tessera.volumes.nbd;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD server's shared worker threads, which run requests against the devices, and each open device's
 * {@link Lane} onto them.
 *
 * <p>A request may block in its device for a long time: a volume's writes wait while a snapshot holds its
 * write lock, a FLUSH waits for a sync, a store may be slow. So that one device's blocked requests can not
 * take every worker, at most {@link #PER_DEVICE} requests of one device run at once; its further requests
 * wait in its lane, in order, and hold no thread. The lane is per device, not per connection: the
 * connections to one volume share its device (multi-conn, as nbdcopy opens), and together get no more.
 * With {@link #THREADS} workers, three devices blocked at once still leave a quarter of the workers to
 * every other export.
 */
final class NbdWorkers {
    private static final Logger log = LoggerFactory.getLogger(NbdWorkers.class);
    /** Worker threads of the server. */
    static final int THREADS = 16;
    /** Requests of one device running on the workers at once (more than enough to keep a volume busy on 2-4 cores). */
    static final int PER_DEVICE = 4;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "nbd-worker");
        t.setDaemon(true);
        return t;
    });
    /** The lanes of the devices open now, by identity (guarded by this). */
    private final Map<BlockDevice, Lane> lanes = new IdentityHashMap<>();

    /** The lane of {@code device}, shared by every connection that has it open; each one closes it once. */
    synchronized Lane lane(BlockDevice device) {
        Lane l = lanes.computeIfAbsent(device, Lane::new);
        l.users++;
        return l;
    }

    /** Runs no new request; the ones running finish. */
    void shutdown() {
        pool.shutdown();
    }

    /** One device's requests: at most {@link #PER_DEVICE} on the workers, the rest waiting here in order. */
    final class Lane implements Executor, AutoCloseable {
        private final BlockDevice device;
        private int users; // guarded by NbdWorkers.this
        private int running; // guarded by this
        private final ArrayDeque<Runnable> waiting = new ArrayDeque<>(); // guarded by this

        private Lane(BlockDevice device) {
            this.device = device;
        }

        /** Runs {@code task} on a worker now, or after this device's earlier requests; never blocks. */
        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                if (running >= PER_DEVICE) {
                    waiting.add(task);
                    return;
                }
                running++;
            }
            try {
                pool.execute(() -> runThenNext(task));
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    running--;
                }
                throw e;
            }
        }

        /** Runs a task, then hands this lane's next waiting one to the pool (so lanes take turns on the workers). */
        private void runThenNext(Runnable task) {
            for (Runnable t = task; t != null; ) {
                try {
                    t.run();
                } catch (RuntimeException e) {
                    log.warn("NBD request on {} failed", device.description(), e);
                }
                Runnable next;
                synchronized (this) {
                    next = waiting.poll();
                    if (next == null) {
                        running--;
                    }
                }
                if (next == null) {
                    return;
                }
                try {
                    pool.execute(() -> runThenNext(next));
                    return;
                } catch (RejectedExecutionException e) {
                    t = next; // the server is closing: finish the lane's requests on this thread
                }
            }
        }

        /** This connection is done with the device: the last one to close removes the lane. */
        @Override
        public void close() {
            synchronized (NbdWorkers.this) {
                if (--users == 0) {
                    lanes.remove(device, this);
                }
            }
        }
    }
}
