package io.tessera.store;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.VolumeStore.Entry;
import java.util.Collection;
import java.util.Map;

/**
 * Every write to one volume's overlay and owned blocks, made under one generation of its lease
 * (invariant 5): the only way to change them. Handed out by {@link VolumeStore#writer}.
 *
 * <p>Fencing: the store accepts a write only while the writer's generation is the volume's current one.
 * Every lease take ({@link VolumeStore#casLease} with a new generation: a handover, a take after expiry)
 * fences every writer of older generations from that moment: their later calls throw
 * {@link FencedException}, and a write of theirs still in flight never overwrites anything written under
 * the new generation. How exactly depends on the backend (the implementations say): embedded checks the
 * generation under the lock the lease take holds; Cassandra orders writes by timestamps that grow with
 * the generation (cassandra/SCHEMA.md, Volumes). A call that throws may or may not have changed the
 * rows it names, as a disk write that fails part way; it never overwrites a newer generation's data.
 */
public interface VolumeWriter {
    String volumeId();

    long generation();

    /** Sets overlay entries (index: block number); durable when this returns. */
    void putEntries(Map<Long, Entry> entries);

    /** Removes the overlay entries with index in {@code [0, blocks)} (deleting the volume). */
    void deleteOverlay(long blocks);

    /**
     * Writes {@code src[srcOff, srcOff+len)} at {@code offset} of an owned block of this volume, creating
     * it if needed. Concurrent writes into one block, even into one stored row, all land (the last of two
     * overlapping ones wins where they overlap). May return before the bytes are durable: see {@link #sync}.
     */
    void write(BlockHash id, int offset, byte[] src, int srcOff, int len);

    /**
     * Makes every earlier write to {@code ids} durable under the store's {@link Durability} (the NBD
     * server's FLUSH and FUA); throws {@link FencedException} if the generation was fenced meanwhile.
     */
    void sync(Collection<BlockHash> ids);
}
