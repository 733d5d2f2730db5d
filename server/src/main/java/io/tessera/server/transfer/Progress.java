package io.tessera.server.transfer;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a transfer has done so far: blocks hashed, blocks sent (or fetched) and bytes skipped because
 * the other side had them. On a terminal it redraws one status line on stderr five times a second;
 * elsewhere (a pipe, a log, a test) it draws nothing: only the summary, which the command prints.
 */
final class Progress implements AutoCloseable {
    final AtomicLong hashed = new AtomicLong();
    final AtomicLong toHash = new AtomicLong();
    final AtomicLong moved = new AtomicLong();
    final AtomicLong toMove = new AtomicLong();
    final AtomicLong skippedBytes = new AtomicLong();
    private final String verb;
    private final PrintWriter err;
    private final Thread drawer;
    private volatile String label = "";
    /** Wall time per phase (hash, hashmap requests, blocks moved, ...), and how often: for {@code --timings}. */
    private final java.util.Map<String, long[]> phases = new java.util.LinkedHashMap<>();

    Progress(String verb, PrintWriter err, boolean draw) {
        this.verb = verb;
        this.err = err;
        if (draw) {
            drawer = new Thread(this::drawLoop, "progress");
            drawer.setDaemon(true);
            drawer.start();
        } else {
            drawer = null;
        }
    }

    /** Whether a progress line is wanted: stderr is a terminal and not quiet. */
    static boolean onTerminal(boolean quiet) {
        return !quiet && System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    void label(String label) {
        this.label = label;
        hashed.set(0);
        toHash.set(0);
        moved.set(0);
        toMove.set(0);
        skippedBytes.set(0);
    }

    private void drawLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(200);
                if (label.isEmpty()) {
                    continue; // still logging in
                }
                String line = String.format(Locale.ROOT, "%s: hashed %d/%d blocks, %s %d/%d blocks, %s skipped",
                        label, hashed.get(), toHash.get(), verb, moved.get(), toMove.get(), mib(skippedBytes.get()));
                synchronized (err) {
                    err.print("\r" + line + "\033[K");
                    err.flush();
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Adds the time since {@code t0} (System.nanoTime) to {@code phase}. */
    void took(String phase, long t0) {
        long d = System.nanoTime() - t0;
        synchronized (phases) {
            long[] v = phases.computeIfAbsent(phase, k -> new long[2]);
            v[0] += d;
            v[1]++;
        }
    }

    /** "login 0.03 s, hash 0.91 s, hashmap PUT 0.05 s (2), ..." */
    String timings() {
        StringBuilder b = new StringBuilder();
        synchronized (phases) {
            for (var e : phases.entrySet()) {
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey())
                        .append(String.format(Locale.ROOT, " %.3f s", e.getValue()[0] / 1e9));
                if (e.getValue()[1] > 1) {
                    b.append(" (").append(e.getValue()[1]).append(')');
                }
            }
        }
        return b.toString();
    }

    static String mib(long bytes) {
        double m = bytes / 1048576.0;
        return m == Math.rint(m) ? String.format(Locale.ROOT, "%.0f MiB", m) : String.format(Locale.ROOT, "%.1f MiB", m);
    }

    @Override
    public void close() {
        if (drawer != null) {
            drawer.interrupt();
            try {
                drawer.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (err) {
                err.print("\r\033[K");
                err.flush();
            }
        }
    }
}
