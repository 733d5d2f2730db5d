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
    private final PreparedStatement deleteHeaderIfCondemned;
    private final PreparedStatement deleteGroupUpTo;
    private final Timer putTimer;
    private final Timer getTimer;

    CassandraMapStore(Cql cql, BlockSize storeBlockSize, MetricRegistry metrics) {
        this.cql = cql;
        this.storeBlockSize = storeBlockSize;
        selectHeader = cql.prepare("SELECT block_size, length, hash_count, condemned FROM {ks}.maps WHERE map_id = ?");
        // Every write of a header is a lightweight transaction, so the collector's conditional delete
        // (also one) and a put of the same map are ordered, whatever the frontends' clocks say.
        insertHeader = cql.prepare("INSERT INTO {ks}.maps (map_id, block_size, length, hash_count) VALUES (?, ?, ?, ?)"
                + " IF NOT EXISTS");
        deleteHeader = cql.prepare("DELETE FROM {ks}.maps WHERE map_id = ? IF EXISTS");
        scanFirst = cql.prepare("SELECT map_id, length, condemned, WRITETIME(length) AS written FROM {ks}.maps LIMIT ?");
        scanAfter = cql.prepare("SELECT map_id, length, condemned, WRITETIME(length) AS written FROM {ks}.maps"
                + " WHERE token(map_id) >= token(?) LIMIT ?");
        condemn = cql.prepare("UPDATE {ks}.maps SET condemned = ? WHERE map_id = ? IF length >= 0 AND condemned = null");
        revive = cql.prepare("UPDATE {ks}.maps SET condemned = null WHERE map_id = ? IF condemned = ?");
        deleteHeaderIfCondemned = cql.prepare("DELETE FROM {ks}.maps WHERE map_id = ? IF condemned = ?");
        deleteGroupUpTo = cql.prepare("DELETE FROM {ks}.map_pages USING TIMESTAMP ? WHERE map_id = ? AND page_group = ?");
        insertPage = cql.prepare("INSERT INTO {ks}.map_pages (map_id, page_group, page, hashes) VALUES (?, ?, ?, ?)");
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
            for (int attempt = 0; ; attempt++) {
                Optional<Row> existing = header(key);
                if (existing.isEmpty()) {
                    break;
                }
                if (existing.get().isNull("condemned")) {
                    return id; // content-addressed: an existing map is this very map
                }
                // Condemned by the collector: stored again by its address, so it is live again.
                if (revive(id, existing.get().getLong("condemned"))) {
                    return id;
                }
                if (attempt > 8) {
                    throw new io.tessera.store.StoreUnavailableException("map " + key + " keeps changing under the collector");
                }
            }
            List<BlockHash> hashes = map.hashes();
            cql.pipeline(IntStream.range(0, pageCount(hashes.size())).boxed().toList(),
                    page -> cql.executeAsync(insertPage.bind(key, page / PAGES_PER_GROUP, page, encodePage(hashes, page))
                            .setIdempotent(true)),
                    "writing the pages of map " + key);
            // Not applied means a racing put of the same map published it first: the same content.
            cql.execute(insertHeader.bind(key, map.blockSize().bytes(), map.length(), (long) hashes.size())
                    .setSerialConsistencyLevel(com.datastax.oss.driver.api.core.ConsistencyLevel.LOCAL_SERIAL),
                    "publishing map " + key);
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
        cql.execute(deleteHeader.bind(key).setSerialConsistencyLevel(
                com.datastax.oss.driver.api.core.ConsistencyLevel.LOCAL_SERIAL), "deleting map " + key);
        cql.pipeline(IntStream.range(0, groupCount(pageCount(count))).boxed().toList(),
                group -> cql.executeAsync(deleteGroup.bind(key, group).setIdempotent(true)),
                "deleting the pages of map " + key);
    }

    private Optional<Row> header(String key) {
        return Optional.ofNullable(cql.execute(selectHeader.bind(key).setIdempotent(true), "reading map " + key).one());
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

    boolean condemn(MapId id, long atMillis) {
        return lwt(condemn.bind(atMillis, id.key()), "condemning map " + id.key());
    }

    boolean revive(MapId id, long condemnedMillis) {
        return lwt(revive.bind(id.key(), condemnedMillis), "reviving map " + id.key());
    }

    /**
     * Unpublishes the header by LWT if still condemned at {@code condemnedMillis}, then drops the pages
     * with tombstones timestamped at the condemnation, so pages a later put writes again survive them.
     */
    boolean deleteIfCondemned(MapId id, long condemnedMillis) {
        String key = id.key();
        Optional<Row> header = header(key);
        if (header.isEmpty() || !lwt(deleteHeaderIfCondemned.bind(key, condemnedMillis), "unpublishing map " + key)) {
            return false;
        }
        long count = header.get().getLong("hash_count");
        cql.pipeline(IntStream.range(0, groupCount(pageCount(count))).boxed().toList(),
                group -> cql.executeAsync(deleteGroupUpTo.bind(condemnedMillis * 1000, key, group).setIdempotent(true)),
                "deleting the pages of map " + key);
        return true;
    }

    private boolean lwt(com.datastax.oss.driver.api.core.cql.BoundStatement statement, String what) {
        Row applied = cql.execute(statement.setSerialConsistencyLevel(
                com.datastax.oss.driver.api.core.ConsistencyLevel.LOCAL_SERIAL), what).one();
        return applied == null || applied.getBoolean("[applied]");
    }
}
