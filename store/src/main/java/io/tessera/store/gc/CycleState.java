package io.tessera.store.gc;

import io.tessera.hashmap.BlockHash;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cycle's persisted progress (collector state key {@value #KEY}): which cycle, which phase, when its
 * mark started, where the current sweep is, and what it has freed so far. Written after every page of
 * the block and owned sweeps, so a crash there resumes at the last page; a crash in the mark or the map
 * sweep restarts the cycle (their result, the mark set, is in memory until the map sweep ends).
 */
record CycleState(String id, GcProgress.Phase phase, long markStart, BlockHash cursor,
                  long blocksFreed, long bytesFreed, long mapsFreed, long ownedFreed, long blocksCondemned) {
    static final String KEY = "cycle";

    CycleState at(GcProgress.Phase nextPhase, BlockHash nextCursor, GcProgress.Snapshot s) {
        return new CycleState(id, nextPhase, markStart, nextCursor, s.blocksFreed(), s.bytesFreed(), s.mapsFreed(),
                s.ownedFreed(), s.blocksCondemned());
    }

    String encode() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("phase", phase.name());
        m.put("markStart", Long.toString(markStart));
        m.put("cursor", cursor == null ? "" : cursor.toHex());
        m.put("blocksFreed", Long.toString(blocksFreed));
        m.put("bytesFreed", Long.toString(bytesFreed));
        m.put("mapsFreed", Long.toString(mapsFreed));
        m.put("ownedFreed", Long.toString(ownedFreed));
        m.put("blocksCondemned", Long.toString(blocksCondemned));
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    static CycleState decode(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        String cursor = m.getOrDefault("cursor", "");
        return new CycleState(m.get("id"), GcProgress.Phase.valueOf(m.get("phase")), Long.parseLong(m.get("markStart")),
                cursor.isEmpty() ? null : BlockHash.fromHex(cursor), num(m, "blocksFreed"), num(m, "bytesFreed"),
                num(m, "mapsFreed"), num(m, "ownedFreed"), num(m, "blocksCondemned"));
    }

    private static long num(Map<String, String> m, String k) {
        return Long.parseLong(m.getOrDefault(k, "0"));
    }
}
