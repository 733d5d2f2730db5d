package io.tessera.store.cassandra;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.MapStore;
import io.tessera.store.StoreCorruptionException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

/**
 * Hashmaps in bounded partitions (invariant 4): the hashes are cut into pages of {@value #PAGE_HASHES}
 * (128 KiB), and {@value #PAGES_PER_GROUP} consecutive pages share a partition keyed by (map id, page
 * group), so a partition never exceeds 2 MiB whatever the map's size; a 1 TiB volume in 4 KiB blocks is
 * 4096 such partitions. The header row in {@code maps} is written after every page: a map whose header
 * is missing does not exist, so a crash mid-put leaves only garbage, never a truncated map.
 *
 * <p>No write here is a lightweight transaction (SCHEMA.md, Maps): the collector condemns a header with a
 * write stamped at the condemnation and deletes header and pages with tombstones stamped at that instant,
 * and a put that finds the map condemned or gone writes pages and header again, above them.
 */
final class CassandraMapStore implements MapStore {
    static final int PAGE_HASHES = 4096;
    static final int PAGES_PER_GROUP = 16;

    private final Cql cql;
    private final BlockSize storeBlockSize;
    private final PreparedStatement selectHeader;
    private final PreparedStatement insertHeader;
    private final PreparedStatement deleteHeader;
    private final PreparedStatement insertPage;
    private final PreparedStatement selectGroup;
    private final PreparedStatement deleteGroup;
    private final PreparedStatement scanFirst;
    private final PreparedStatement scanAfter;
    private final PreparedStatement condemn;
    private final PreparedStatement revive;
    private final PreparedStatement deleteHeaderUpTo;
    private final PreparedStatement deleteGroupUpTo;
    private final Timer putTimer;
    private final Timer getTimer;

    CassandraMapStore(Cql cql, BlockSize storeBlockSize, MetricRegistry metrics) {
        this.cql = cql;
        this.storeBlockSize = storeBlockSize;
        selectHeader = cql.prepare("SELECT block_size, length, hash_count, condemned FROM {ks}.maps WHERE map_id = ?");
        // condemned = null: a write of the whole row, so a map stored again is no longer condemned
        insertHeader = cql.prepare("INSERT INTO {ks}.maps (map_id, block_size, length, hash_count, condemned)"
                + " VALUES (?, ?, ?, ?, null) USING TIMESTAMP ?");
        deleteHeader = cql.prepare("DELETE FROM {ks}.maps WHERE map_id = ?");
        scanFirst = cql.prepare("SELECT map_id, length, condemned, WRITETIME(length) AS written FROM {ks}.maps LIMIT ?");
        scanAfter = cql.prepare("SELECT map_id, length, condemned, WRITETIME(length) AS written FROM {ks}.maps"
                + " WHERE token(map_id) >= token(?) LIMIT ?");
        condemn = cql.prepare("UPDATE {ks}.maps USING TIMESTAMP ? SET condemned = ? WHERE map_id = ?");
        revive = cql.prepare("UPDATE {ks}.maps SET condemned = null WHERE map_id = ?");
        deleteHeaderUpTo = cql.prepare("DELETE FROM {ks}.maps USING TIMESTAMP ? WHERE map_id = ?");
        deleteGroupUpTo = cql.prepare("DELETE FROM {ks}.map_pages USING TIMESTAMP ? WHERE map_id = ? AND page_group = ?");
        insertPage = cql.prepare("INSERT INTO {ks}.map_pages (map_id, page_group, page, hashes) VALUES (?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
        selectGroup = cql.prepare("SELECT page, hashes FROM {ks}.map_pages WHERE map_id = ? AND page_group = ?");
        deleteGroup = cql.prepare("DELETE FROM {ks}.map_pages WHERE map_id = ? AND page_group = ?");
        putTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.maps", "put"));
        getTimer = metrics.timer(MetricRegistry.name("tessera.store.cassandra.maps", "get"));
    }

    @Override
    public MapId put(Hashmap map) {
        if (!map.blockSize().equals(storeBlockSize)) {
            // A MapId names no block size: get() could only hand the map back with the store's.
            throw new IllegalArgumentException("a map in blocks of " + map.blockSize().bytes()
                    + " bytes cannot be stored in a store of " + storeBlockSize.bytes() + "-byte blocks");
        }
        MapId id = MapId.of(map);
        try (Timer.Context ignored = putTimer.time()) {
            String key = id.key();
            Optional<Row> existing = header(key);
            if (existing.isPresent() && existing.get().isNull("condemned")) {
                return id; // content-addressed: an existing map is this very map
            }
            // Absent, or condemned by the collector: pages and header written again, above its tombstones.
            long stamp = CassandraBlockStore.writeStamp(existing.map(h -> h.getLong("condemned")).orElse(0L));
            List<BlockHash> hashes = map.hashes();
            cql.pipeline(IntStream.range(0, pageCount(hashes.size())).boxed().toList(),
                    page -> cql.executeAsync(insertPage.bind(key, page / PAGES_PER_GROUP, page, encodePage(hashes, page), stamp)
                            .setIdempotent(true)),
                    "writing the pages of map " + key);
            // A racing put of the same map writes the same header: idempotent.
            cql.execute(insertHeader.bind(key, map.blockSize().bytes(), map.length(), (long) hashes.size(), stamp)
                    .setIdempotent(true), "publishing map " + key);
            return id;
        }
    }

    @Override
    public Optional<Hashmap> get(MapId id) {
        try (Timer.Context ignored = getTimer.time()) {
            String key = id.key();
            Optional<Row> header = header(key);
            if (header.isEmpty()) {
                return Optional.empty();
            }
            long count = header.get().getLong("hash_count");
            int pages = pageCount(count);
            List<List<Row>> groups = cql.pipeline(IntStream.range(0, groupCount(pages)).boxed().toList(),
                    group -> allRows(cql.executeAsync(selectGroup.bind(key, group).setIdempotent(true))),
                    "reading map " + key);
            List<BlockHash> hashes = new ArrayList<>((int) count);
            int expectedPage = 0;
            for (List<Row> rows : groups) {
                for (Row row : rows) {
                    int page = row.getInt("page");
                    ByteBuffer blob = row.getByteBuffer("hashes");
                    int expectedHashes = (int) Math.min(PAGE_HASHES, count - (long) page * PAGE_HASHES);
                    if (page != expectedPage || blob == null || blob.remaining() != expectedHashes * BlockHash.LENGTH) {
                        throw new StoreCorruptionException("map " + key + ": page " + page + " is damaged or out of place"
                                + " (expected page " + expectedPage + " with " + expectedHashes + " hashes)");
                    }
                    decodePage(blob, hashes);
                    expectedPage++;
                }
            }
            if (hashes.size() != count) {
                throw new StoreCorruptionException("map " + key + " has " + hashes.size() + " of its " + count + " hashes");
            }
            return Optional.of(new Hashmap(new BlockSize(header.get().getInt("block_size")),
                    header.get().getLong("length"), hashes));
        }
    }

    @Override
    public void delete(MapId id) {
        String key = id.key();
        Optional<Row> header = header(key);
        long count = header.map(h -> h.getLong("hash_count")).orElseGet(() -> storeBlockSize.blockCount(id.length()));
        // Unpublish first, then drop the pages: a reader sees the whole map or none of it.
        cql.execute(deleteHeader.bind(key).setIdempotent(true), "deleting map " + key);
        cql.pipeline(IntStream.range(0, groupCount(pageCount(count))).boxed().toList(),
                group -> cql.executeAsync(deleteGroup.bind(key, group).setIdempotent(true)),
                "deleting the pages of map " + key);
    }

    /** The header row; a row without a length (a condemnation that outlived a delete) is no header. */
    private Optional<Row> header(String key) {
        return Optional.ofNullable(cql.execute(selectHeader.bind(key).setIdempotent(true), "reading map " + key).one())
                .filter(r -> !r.isNull("length"));
    }

    static int pageCount(long hashes) {
        return (int) ((hashes + PAGE_HASHES - 1) / PAGE_HASHES);
    }

    static int groupCount(int pages) {
        return (pages + PAGES_PER_GROUP - 1) / PAGES_PER_GROUP;
    }

    private static ByteBuffer encodePage(List<BlockHash> hashes, int page) {
        int from = page * PAGE_HASHES;
        int to = Math.min(hashes.size(), from + PAGE_HASHES);
        byte[] blob = new byte[(to - from) * BlockHash.LENGTH];
        for (int i = from; i < to; i++) {
            hashes.get(i).copyTo(blob, (i - from) * BlockHash.LENGTH);
        }
        return ByteBuffer.wrap(blob);
    }

    private static void decodePage(ByteBuffer blob, List<BlockHash> into) {
        byte[] bytes = new byte[blob.remaining()];
        blob.duplicate().get(bytes);
        for (int off = 0; off < bytes.length; off += BlockHash.LENGTH) {
            into.add(BlockHash.of(bytes, off));
        }
    }

    /** Every row of a (bounded) partition, following the driver's pages. */
    static CompletionStage<List<Row>> allRows(CompletionStage<AsyncResultSet> first) {
        return first.thenCompose(rs -> collect(rs, new ArrayList<>()));
    }

    private static CompletionStage<List<Row>> collect(AsyncResultSet rs, List<Row> into) {
        rs.currentPage().forEach(into::add);
        if (!rs.hasMorePages()) {
            return CompletableFuture.completedFuture(into);
        }
        return rs.fetchNextPage().thenCompose(next -> collect(next, into));
    }

    static List<Row> allRowsOf(Cql cql, com.datastax.oss.driver.api.core.cql.Statement<?> statement, String what) {
        return cql.await(allRows(cql.executeAsync(statement)), what);
    }

    // ---- the collector's side (CassandraGcStore) ----

    List<io.tessera.store.GcStore.MapEntry> scan(MapId after, int limit) {
        var statement = after == null ? scanFirst.bind(limit) : scanAfter.bind(after.key(), limit + 1);
        List<io.tessera.store.GcStore.MapEntry> out = new ArrayList<>();
        for (Row row : allRowsOf(cql, statement.setIdempotent(true), "scanning maps")) {
            MapId id = MapId.parse(row.getString("map_id"));
            if (!row.isNull("length") && !id.equals(after) && out.size() < limit) {
                out.add(new io.tessera.store.GcStore.MapEntry(id, row.getLong("written") / 1000,
                        row.isNull("condemned") ? 0 : row.getLong("condemned")));
            }
        }
        return out;
    }

    /** Marks a map condemned at {@code atMillis}, with a write stamped at that instant. */
    boolean condemn(MapId id, long atMillis) {
        cql.execute(condemn.bind(atMillis * 1000, atMillis, id.key()).setIdempotent(true), "condemning map " + id.key());
        return true;
    }

    /** Clears the condemned mark of a map the collector found referenced again. */
    boolean revive(MapId id, long condemnedMillis) {
        cql.execute(revive.bind(id.key()).setIdempotent(true), "reviving map " + id.key());
        return true;
    }

    /**
     * Deletes the map if it is still condemned at {@code condemnedMillis}: the header, then the pages, with
     * tombstones stamped at the condemnation, so a header and pages a later put writes again survive them.
     */
    boolean deleteIfCondemned(MapId id, long condemnedMillis) {
        String key = id.key();
        Optional<Row> header = header(key);
        if (header.isEmpty() || header.get().isNull("condemned") || header.get().getLong("condemned") != condemnedMillis) {
            return false;
        }
        long stamp = condemnedMillis * 1000;
        cql.execute(deleteHeaderUpTo.bind(stamp, key).setIdempotent(true), "unpublishing map " + key);
        long count = header.get().getLong("hash_count");
        cql.pipeline(IntStream.range(0, groupCount(pageCount(count))).boxed().toList(),
                group -> cql.executeAsync(deleteGroupUpTo.bind(stamp, key, group).setIdempotent(true)),
                "deleting the pages of map " + key);
        return true;
    }
}
