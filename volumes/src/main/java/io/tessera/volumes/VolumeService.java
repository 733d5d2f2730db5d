package io.tessera.volumes;

import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore.PutOutcome;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeStore.VolumeRecord;
import com.codahale.metrics.MetricRegistry;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.VerifiedBlocks;
import io.tessera.volumes.nbd.BlockDevice;
import io.tessera.volumes.nbd.ExportResolver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes: create (empty or cloned from an object), snapshot into an object, grow, delete, list, info,
 * and opening them for I/O. One instance per server process; its {@link #holder()} names it in write
 * leases: the configured node name plus a suffix unique to the instance, so two servers never share an
 * identity, not even two on one host with the same configuration.
 *
 * <p>A volume opened for writing in this process is shared by every NBD connection of this process
 * (one lease, one map in memory); another process (another holder) is refused while the lease is
 * live, unless it asks for a handover. A restarted server is another holder: it takes its volumes back
 * once the old process's leases expire (at most {@link VolumeLease.Timing#ttlMillis} after it died), or
 * at once with a handover.
 */
public final class VolumeService implements ExportResolver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VolumeService.class);
    public static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final String SNAPSHOT_META = "x-object-meta-tessera-snapshot-of";
    /** Object metadata marking a Static Large Object manifest (as swift-compat stores it). */
    static final String SLO_MARKER = "x-static-large-object";
    /** Object metadata marking a Dynamic Large Object manifest (its value names the segments' prefix). */
    static final String DLO_MARKER = "x-object-manifest";

    private final Store store;
    private final VolumeStore volumes;
    private final ContentMaps maps;
    private final VolumeLease.Holder holder;
    private final Hasher hasher;
    private final BlockCache blockCache;
    private final Attachments attachments;
    private final Map<String, Handle> open = new HashMap<>();
    /**
     * Striped by volume: held while a volume is opened (its lease taken, its map loaded), closed by its
     * last user (flushed, its lease released) and deleted (checked not open here, its lease taken, its
     * record removed), so these never interleave for one volume. Taken before {@code this}.
     */
    private final Object[] volumeLocks = new Object[64];
    private final VolumeLease.Timing leaseTiming;
    private final LongSupplier clock;
    private final ScheduledExecutorService renewer;

    private static final class Handle {
        VolumeIo io;
        int users;
    }

    public VolumeService(Store store, String node, Hasher hasher) {
        this(store, node, hasher, new MetricRegistry());
    }

    /** @param metrics where reads of corrupt image blocks are counted ({@link VerifiedBlocks#CORRUPT_METRIC}) */
    public VolumeService(Store store, String node, Hasher hasher, MetricRegistry metrics) {
        this(store, node, hasher, metrics, BlockCache.DEFAULT_BYTES, VolumeLease.Timing.DEFAULT, System::currentTimeMillis);
    }

    /**
     * @param node            this server's name (config {@code volumes.node_id}); the holder name adds a
     *                        suffix unique to this instance
     * @param blockCacheBytes the bound of the process's one cache of image blocks, shared by every volume,
     *                        clone and object export of this service ({@link BlockCache}; default 64 MiB)
     * @param leaseTiming     the write leases' TTL, fencing margin and renewal period (tests shorten them)
     * @param clock           this server's clock for its leases, in ms (tests skew it)
     */
    public VolumeService(Store store, String node, Hasher hasher, MetricRegistry metrics, long blockCacheBytes,
                         VolumeLease.Timing leaseTiming, LongSupplier clock) {
        this.store = store;
        this.blockCache = new BlockCache(
                new VerifiedBlocks(store.blocks(), metrics, BlockCache.DEFAULT_CHECKSUM_BYTES), blockCacheBytes,
                store.blockSize().bytes());
        this.volumes = store.volumes();
        this.attachments = new Attachments(store);
        this.maps = new ContentMaps(store);
        this.holder = new VolumeLease.Holder(
                node + "/" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
        this.hasher = hasher;
        this.leaseTiming = leaseTiming;
        this.clock = clock;
        for (int i = 0; i < volumeLocks.length; i++) {
            volumeLocks[i] = new Object();
        }
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "volume-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        renewer.scheduleWithFixedDelay(this::renewAll, leaseTiming.renewEveryMillis(), leaseTiming.renewEveryMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Bytes the shared block cache holds now. */
    long blockCacheBytes() {
        return blockCache.weightedSize();
    }

    /** This server's name in write leases: the node name, a slash, the process id and a random suffix. */
    public String holder() {
        return holder.name();
    }

    public Store store() {
        return store;
    }

    /** Which NBD client may open which export (the REST API's attach and detach; the NBD server's check). */
    public Attachments attachments() {
        return attachments;
    }

    // ---------------------------------------------------------------- management

    public record Info(VolumeRecord record, VolumeMap.Usage usage, Optional<VolumeStore.Lease> lease) {
    }

    /** An empty thin volume ({@code source} null) or a clone of {@code source} = "container/object". */
    public VolumeRecord create(String account, String name, Long sizeBytes, String source) {
        checkName(name);
        MapId parent = null;
        long size;
        if (source != null) {
            int slash = source.indexOf('/');
            if (slash <= 0 || slash == source.length() - 1) {
                throw VolumeException.badRequest("source must be \"{container}/{object}\", not \"" + source + "\"");
            }
            ObjectVersion v = store.metadata().getObject(account, source.substring(0, slash), source.substring(slash + 1))
                    .orElseThrow(() -> VolumeException.notFound("object " + source));
            refuseManifest(v, source);
            parent = v.map();
            maps.retain(parent); // one map read: the clone's parent must be whole (and not condemned: store/GC.md)
            size = sizeBytes == null ? v.length() : sizeBytes;
            if (size < v.length()) {
                throw VolumeException.badRequest("a clone is at least as large as its source (" + v.length() + " bytes)");
            }
        } else {
            if (sizeBytes == null) {
                throw VolumeException.badRequest("size_bytes is required for an empty volume");
            }
            size = sizeBytes;
        }
        if (size <= 0 || size > (1L << 50)) {
            throw VolumeException.badRequest("size_bytes must be between 1 and 2^50");
        }
        VolumeRecord r = new VolumeRecord(account, name, UUID.randomUUID().toString(), size, store.blockSize().bytes(),
                parent, source, 0, 0, Timestamp.now());
        if (!volumes.create(r)) {
            throw VolumeException.conflict("volume " + name + " exists");
        }
        return r;
    }

    public VolumeRecord get(String account, String name) {
        checkName(name);
        return volumes.get(account, name).orElseThrow(() -> VolumeException.notFound("volume " + name));
    }

    public Info info(String account, String name) {
        VolumeRecord r = get(account, name);
        VolumeMap m;
        synchronized (this) {
            Handle h = open.get(key(account, name));
            m = h != null ? h.io.map() : loadMap(r);
        }
        return new Info(r, m.usage(), volumes.lease(r.id()));
    }

    public List<VolumeRecord> list(String account) {
        List<VolumeRecord> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<VolumeRecord> page = volumes.list(account, after, 1000);
            out.addAll(page);
            if (page.size() < 1000) {
                return out;
            }
            after = page.get(page.size() - 1).name();
        }
    }

    /** Grows the volume; an open volume of this process sees the new size at once (new NBD connections). */
    public VolumeRecord resize(String account, String name, long newSize) {
        if (newSize > (1L << 50)) {
            throw VolumeException.badRequest("size_bytes must be at most 2^50");
        }
        UnaryOperator<VolumeRecord> grow = r -> {
            if (newSize < r.size()) {
                throw VolumeException.badRequest("volumes only grow (now " + r.size() + " bytes)");
            }
            return newSize == r.size() ? r : r.next(newSize, r.epoch());
        };
        VolumeIo io;
        synchronized (this) {
            Handle h = open.get(key(account, name));
            io = h == null ? null : h.io;
            if (io != null) {
                h.users++; // kept open while it changes: its record changes in one place (VolumeIo.updateRecord)
            }
        }
        if (io != null) {
            try {
                return io.updateRecord(grow);
            } finally {
                io.close();
            }
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            VolumeRecord r = get(account, name);
            VolumeRecord next = grow.apply(r);
            if (next == r || volumes.update(next, r.version())) {
                return next;
            }
        }
        throw VolumeException.conflict("volume " + name + " changed under us five times in a row");
    }

    /**
     * Deletes a volume nobody has open, and its attachment; its blocks become garbage for the collector.
     * Open here is refused (409), and so is open elsewhere (the lease take); the check, the take and the
     * delete hold the volume's lock, so no open of this server comes in between.
     * The attachment is keyed by the volume's id, so if its removal fails the row is unreachable garbage
     * (logged), never an attachment of a later volume of the same name.
     */
    public void delete(String account, String name) {
        String k = key(account, name);
        VolumeRecord r;
        synchronized (volumeLock(k)) {
            r = get(account, name);
            synchronized (this) {
                if (open.containsKey(k)) {
                    throw VolumeException.conflict("volume " + name + " is open (attached) on this server");
                }
            }
            VolumeLease lease = acquire(r.id(), name, false);
            try {
                if (!volumes.delete(account, name, r.version())) {
                    throw VolumeException.conflict("volume " + name + " changed meanwhile; try again");
                }
                lease.writer().deleteOverlay(store.blockSize().blockCount(r.size()));
            } finally {
                lease.release();
            }
        }
        try {
            attachments.forgetVolume(r.id());
        } catch (RuntimeException e) {
            log.warn("volume {}/{} deleted, but removing its attachment (id {}) failed: {}", account, name, r.id(),
                    e.toString());
        }
    }

    /**
     * Snapshots the volume into the object {@code container/object}: writes are paused, flushed, the map
     * is saved as an immutable hashmap, the epoch is bumped (owned blocks written so far are frozen:
     * later writes copy them up), and the object is published at once with the volume's size and no
     * ETag yet; the hasher later turns its owned blocks into content blocks and adds the MD5.
     */
    public ObjectVersion snapshot(String account, String name, String container, String object) {
        checkName(name);
        if (object == null || object.isEmpty() || object.getBytes(StandardCharsets.UTF_8).length > 1024
                || container == null || container.isEmpty() || container.contains("/")) {
            throw VolumeException.badRequest("a snapshot needs a container and an object name (at most 1024 bytes)");
        }
        if (store.metadata().getContainer(account, container).isEmpty()) {
            throw VolumeException.notFound("container " + container);
        }
        VolumeIo io = openVolume(account, name, false);
        MapId id;
        try {
            io.snapshotLock.writeLock().lock();
            try {
                io.lease().check();
                io.syncAcknowledged(); // the FLUSH barrier: the map saved next names only durable blocks
                Hashmap content = io.map().toHashmap(store.blockSize());
                id = maps.save(content);
                // Every owned block so far is frozen: later writes copy up.
                io.updateRecord(r -> r.next(Math.max(r.size(), io.map().size()), r.epoch() + 1));
            } finally {
                io.snapshotLock.writeLock().unlock();
            }
        } finally {
            io.close();
        }
        Timestamp ts = Timestamp.now();
        // The job first: a crash before the publish leaves a job the hasher drops, never an unhashed snapshot.
        volumes.addHashJob(new VolumeStore.HashJob(UUID.randomUUID().toString(), account, container, object, id, ts));
        ObjectVersion v = new ObjectVersion(account, container, object, ts, id, "", "application/octet-stream",
                Map.of(SNAPSHOT_META, name));
        if (store.metadata().putObject(v, PutCondition.NONE) != PutOutcome.PUBLISHED) {
            throw VolumeException.conflict("a newer version of " + container + "/" + object + " exists");
        }
        if (hasher != null) {
            hasher.wake();
        }
        return v;
    }

    // ---------------------------------------------------------------- I/O

    private static String key(String account, String name) {
        return account + "/" + name;
    }

    private Object volumeLock(String key) {
        return volumeLocks[Math.floorMod(key.hashCode(), volumeLocks.length)];
    }

    private VolumeMap loadMap(VolumeRecord r) {
        Hashmap parent = r.parentMap() == null ? null : maps.load(r.parentMap());
        return new VolumeMap(r.blockSize(), r.size(), parent,
                volumes.entries(r.id(), store.blockSize().blockCount(r.size())));
    }

    private VolumeLease acquire(String volumeId, String name, boolean handover) {
        return VolumeLease.acquire(volumes, volumeId, name, holder, handover, leaseTiming, clock);
    }

    /**
     * Opens a volume for reading and writing (taking or sharing this process's lease). Close it when done.
     * Opens, last closes and deletes of one volume are serialized (its lock), so this process never takes
     * a second lease of a volume it has open (and {@link VolumeLease#acquire} refuses to).
     */
    public VolumeIo openVolume(String account, String name, boolean handover) {
        checkName(name);
        String k = key(account, name);
        synchronized (volumeLock(k)) {
            synchronized (this) {
                Handle h = open.get(k);
                if (h != null && !h.io.lease().isLost()) {
                    h.users++;
                    return h.io;
                }
            }
            VolumeRecord r = get(account, name);
            // The take fences the old holder in the store before it returns: no wait before serving.
            VolumeLease lease = acquire(r.id(), name, handover);
            try {
                VolumeRecord fresh = get(account, name); // after the take: the latest record and map
                VolumeMap m = loadMap(fresh);
                synchronized (this) {
                    Handle h = new Handle();
                    h.io = new VolumeIo(store, blockCache, fresh, m, lease, "volume " + k, () -> release(k, h));
                    h.users = 1;
                    open.put(k, h);
                    log.info("volume {} opened for writing by {} (lease generation {})", k, holder, lease.generation());
                    return h.io;
                }
            } catch (RuntimeException e) {
                lease.release();
                throw e;
            }
        }
    }

    /** A user closed the volume; the last one flushes it and releases its lease, under the volume's lock. */
    private void release(String k, Handle h) {
        synchronized (volumeLock(k)) { // an open in between would find the lease still held here, and be refused
            VolumeIo io;
            synchronized (this) {
                if (--h.users > 0) {
                    return;
                }
                // A handle whose lease was lost may have been replaced by a newer one: leave that one alone.
                open.remove(k, h);
                io = h.io;
            }
            try {
                if (!io.lease().isLost()) {
                    io.syncAcknowledged();
                }
            } catch (VolumeException e) {
                log.warn("volume {}: the last flush at close was refused: {}", k, e.getMessage()); // fenced or expired
            } finally {
                io.lease().release();
                log.info("volume {} closed", k);
            }
        }
    }

    /** A read-only device over an object's content (an image or a snapshot). */
    public VolumeIo openObject(String account, String container, String object) {
        ObjectVersion v = store.metadata().getObject(account, container, object)
                .orElseThrow(() -> VolumeException.notFound("object " + container + "/" + object));
        refuseManifest(v, container + "/" + object);
        return VolumeIo.readOnly(store, blockCache, maps.load(v.map()), "object " + account + "/" + container + "/" + object);
    }

    /**
     * Swift's large objects are manifests: an object whose own content is the manifest (an SLO's JSON
     * segment list, marked {@value #SLO_MARKER}: True; a DLO's usually empty body, marked
     * {@value #DLO_MARKER}) while the large object's bytes live in other objects (the swift-compat
     * module resolves them; volumes do not depend on it). An image export or a clone reads an object's
     * own map, which for a manifest is the manifest, never the large object: refused with a 400 that
     * says what to do instead.
     */
    private static void refuseManifest(ObjectVersion v, String what) {
        if ("true".equalsIgnoreCase(v.metadata().getOrDefault(SLO_MARKER, ""))) {
            throw VolumeException.badRequest(what + " is a Static Large Object manifest: its own bytes are the "
                    + "manifest JSON, not the large object. Copy it into a plain object first (a Swift COPY or "
                    + "PUT with X-Copy-From copies the concatenated segments) and use that");
        }
        if (v.metadata().containsKey(DLO_MARKER)) {
            throw VolumeException.badRequest(what + " is a Dynamic Large Object manifest (X-Object-Manifest): "
                    + "its own bytes are not the large object. Copy it into a plain object first and use that");
        }
    }

    private void renewAll() {
        List<VolumeIo> ios;
        synchronized (this) {
            ios = open.values().stream().map(h -> h.io).toList();
        }
        for (VolumeIo io : ios) {
            try {
                if (!io.lease().renew()) {
                    log.warn("{}: the write lease was lost (handed over?); further writes are refused", io.description());
                } else {
                    // Entries a guest left unflushed for a lease term are stored: an owned block then never
                    // lives long before the entry naming it, far inside the collector's grace period.
                    io.storeIfOlderThan(leaseTiming.ttlMillis());
                }
            } catch (RuntimeException e) {
                log.warn("{}: renewing the lease failed: {}", io.description(), e.toString());
            }
        }
    }

    // ---------------------------------------------------------------- NBD exports

    /**
     * Export names: {@code {account}/{volume}} (read-write; append {@code ;handover} to take the lease over
     * from another holder) and {@code {account}/{container}/{object}} (read-only: images and snapshots).
     */
    @Override
    public BlockDevice open(String exportName) {
        boolean handover = exportName.endsWith(";handover");
        String name = handover ? exportName.substring(0, exportName.length() - ";handover".length()) : exportName;
        String[] parts = name.split("/", 3);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw VolumeException.notFound("export " + exportName);
        }
        if (parts.length == 2) {
            return openVolume(parts[0], parts[1], handover);
        }
        if (handover || parts[2].isEmpty()) {
            throw VolumeException.notFound("export " + exportName);
        }
        return openObject(parts[0], parts[1], parts[2]);
    }

    @Override
    public Optional<ExportInfo> describe(String exportName) {
        String name = exportName.endsWith(";handover") ? exportName.substring(0, exportName.length() - 9) : exportName;
        String[] parts = name.split("/", 3);
        try {
            if (parts.length == 2 && VOLUME_NAME.matcher(parts[1]).matches()) {
                return volumes.get(parts[0], parts[1]).map(r -> new ExportInfo(r.size(), false, "volume " + name));
            }
            if (parts.length == 3 && !parts[2].isEmpty()) {
                return store.metadata().getObject(parts[0], parts[1], parts[2])
                        .map(v -> new ExportInfo(v.length(), true, "object " + name));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static void checkName(String name) {
        if (name == null || !VOLUME_NAME.matcher(name).matches()) {
            throw VolumeException.badRequest("a volume name is 1-128 of [A-Za-z0-9._-], starting with a letter or digit");
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        List<String> keys;
        synchronized (this) {
            keys = new ArrayList<>(open.keySet());
        }
        for (String k : keys) {
            Handle h;
            synchronized (this) {
                h = open.get(k);
                if (h == null) {
                    continue;
                }
                h.users = 1;
            }
            release(k, h);
        }
    }
}
