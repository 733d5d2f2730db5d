package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tessera.store.ExpiringObject;
import io.tessera.store.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The expiry index (SCHEMA.md, Expiring objects): entries in partitions of one hour of due times
 * ({@code expiry_index}), plus the list of hours that may hold entries ({@code expiry_hours}, one small
 * partition: at most one row per hour with pending expiries). Finding due entries reads the listed
 * past hours in order and only their due rows; an hour found empty once it is over is dropped from
 * the list. Partitions stay bounded by the objects due within one hour.
 */
final class ExpiryIndex {
    static final long HOUR = 3600;

    private final Cql cql;
    private final PreparedStatement insert;
    private final PreparedStatement insertHour;
    private final PreparedStatement hours;
    private final PreparedStatement due;
    private final PreparedStatement remove;
    private final PreparedStatement removeHour;

    static List<String> ddl() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_index (hour bigint, delete_at bigint, account text,"
                        + " container text, name text, version bigint,"
                        + " PRIMARY KEY ((hour), delete_at, account, container, name, version))",
                "CREATE TABLE IF NOT EXISTS {ks}.expiry_hours (shard int, hour bigint, PRIMARY KEY (shard, hour))");
    }

    ExpiryIndex(Cql cql) {
        this.cql = cql;
        insert = cql.prepare("INSERT INTO {ks}.expiry_index (hour, delete_at, account, container, name, version)"
                + " VALUES (?, ?, ?, ?, ?, ?)");
        insertHour = cql.prepare("INSERT INTO {ks}.expiry_hours (shard, hour) VALUES (0, ?)");
        hours = cql.prepare("SELECT hour FROM {ks}.expiry_hours WHERE shard = 0 AND hour <= ? LIMIT 64");
        due = cql.prepare("SELECT delete_at, account, container, name, version FROM {ks}.expiry_index"
                + " WHERE hour = ? AND delete_at <= ? LIMIT ?");
        remove = cql.prepare("DELETE FROM {ks}.expiry_index WHERE hour = ? AND delete_at = ? AND account = ?"
                + " AND container = ? AND name = ? AND version = ?");
        removeHour = cql.prepare("DELETE FROM {ks}.expiry_hours WHERE shard = 0 AND hour = ?");
    }

    /** Indexes an entry: the hour row first, so an entry is never in an hour the reader does not know. */
    void add(ExpiringObject e) {
        long hour = e.deleteAt() / HOUR;
        cql.execute(insertHour.bind(hour).setIdempotent(true), "indexing an expiry hour");
        cql.execute(insert.bind(hour, e.deleteAt(), e.account(), e.container(), e.name(), e.version().micros())
                .setIdempotent(true), "indexing the expiry of " + e.account() + "/" + e.container() + "/" + e.name());
    }

    List<ExpiringObject> due(long nowSeconds, int limit) {
        List<ExpiringObject> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        long currentHour = nowSeconds / HOUR;
        // LIMITs are below the driver's page size: the first page holds every row.
        for (Row h : cql.execute(hours.bind(currentHour).setIdempotent(true), "listing expiry hours").currentPage()) {
            long hour = h.getLong("hour");
            int before = out.size();
            for (Row r : cql.execute(due.bind(hour, nowSeconds, limit - out.size()).setIdempotent(true),
                    "reading due expiries").currentPage()) {
                out.add(new ExpiringObject(r.getLong("delete_at"), r.getString("account"), r.getString("container"),
                        r.getString("name"), new Timestamp(r.getLong("version"))));
            }
            if (out.size() == before && hour < currentHour) {
                // An hour that is over and holds nothing due holds nothing at all: forget it.
                cql.execute(removeHour.bind(hour).setIdempotent(true), "dropping an empty expiry hour");
            }
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    void remove(ExpiringObject e) {
        cql.execute(remove.bind(e.deleteAt() / HOUR, e.deleteAt(), e.account(), e.container(), e.name(),
                e.version().micros()).setIdempotent(true), "removing an expiry entry");
    }
}
