package io.tessera.store.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress and findings of a scrub or fsck: items done out of an estimated total (for a progress bar),
 * problems found, and the first {@value #MAX_REPORTED} of them in words (all of them are counted and
 * logged).
 */
public final class CheckProgress {
    static final int MAX_REPORTED = 1000;

    final AtomicLong done = new AtomicLong();
    final AtomicLong total = new AtomicLong();
    final AtomicLong problems = new AtomicLong();
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());

    public long done() {
        return done.get();
    }

    public long total() {
        return total.get();
    }

    public long problems() {
        return problems.get();
    }

    void report(String problem) {
        problems.incrementAndGet();
        if (reported.size() < MAX_REPORTED) {
            reported.add(problem);
        }
    }

    /** The problems described so far (at most {@value #MAX_REPORTED}). */
    public List<String> reported() {
        synchronized (reported) {
            return List.copyOf(reported);
        }
    }
}
