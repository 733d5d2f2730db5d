package io.tessera.store.gc;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the collector runs (config {@code gc:}, README "Garbage collection").
 *
 * @param grace    nothing written, condemned or re-referenced less than this long ago is deleted; must
 *                 exceed the longest upload (from its first block to its publish) and the clock skew
 *                 between frontends
 * @param bloomFpp the mark set's false-positive rate (a false positive keeps garbage, never loses data)
 * @param workDir  where the mark set is saved so a crashed sweep resumes on this node
 * @param accounting compute per-account physical bytes during the mark (one map read per object)
 * @param pageSize rows per query of every scan the collector makes (tests make it small to cross pages)
 */
public record GcSettings(Duration grace, double bloomFpp, Path workDir, boolean accounting, int pageSize) {
    public GcSettings(Duration grace, double bloomFpp, Path workDir, boolean accounting) {
        this(grace, bloomFpp, workDir, accounting, Roots.PAGE);
    }

    public GcSettings {
        if (pageSize < 1) {
            throw new IllegalArgumentException("gc page size must be positive, not " + pageSize);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("gc grace must not be negative");
        }
        if (bloomFpp <= 0 || bloomFpp >= 0.5) {
            throw new IllegalArgumentException("gc bloom_fpp must be in (0, 0.5), not " + bloomFpp);
        }
    }
}
