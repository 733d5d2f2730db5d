package io.tessera.store.gc;

/**
 * The summary of one collection cycle. Deletion is two-phase (store/GC.md): garbage found for the first
 * time is <em>condemned</em> and freed by a later cycle, so a store's first cycle frees nothing.
 */
public record GcReport(String cycle, boolean resumed, long objects, long volumes, long mapsScanned, long mapsFreed,
                       long blocksScanned, long blocksKept, long blocksCondemned, long blocksFreed, long bytesFreed,
                       long ownedFreed, long millis) {

    static GcReport of(String cycle, boolean resumed, GcProgress.Snapshot s, long millis) {
        return new GcReport(cycle, resumed, s.objects(), s.volumes(), s.mapsScanned(), s.mapsFreed(), s.blocksScanned(),
                s.blocksKept(), s.blocksCondemned(), s.blocksFreed(), s.bytesFreed(), s.ownedFreed(), millis);
    }

    /** The lines {@code bin/tessera gc} prints. */
    public String summary() {
        return String.format("""
                objects scanned      %,d (and %,d volumes)
                maps scanned         %,d (%,d freed)
                blocks scanned       %,d
                blocks kept          %,d
                blocks condemned     %,d (freed by a later cycle, if still unreferenced)
                blocks freed         %,d (%,d bytes)
                owned blocks freed   %,d
                time                 %.1f s%s""", objects, volumes, mapsScanned, mapsFreed, blocksScanned, blocksKept,
                blocksCondemned, blocksFreed, bytesFreed, ownedFreed, millis / 1000.0,
                resumed ? "\n(resumed an interrupted cycle " + cycle + ")" : "");
    }
}
