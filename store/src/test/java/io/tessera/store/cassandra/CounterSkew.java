package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;

/** Moves a Cassandra store's usage counters behind its back, as drift would (collector tests). */
public final class CounterSkew {
    private CounterSkew() {
    }

    /** Adds to a container's counter row only (under the key its rows have now), or with a null container to the account's. */
    public static void add(CassandraExtension cassandra, String account, String container, long containers, long objects,
                           long bytes) {
        String ks = cassandra.keyspace();
        if (container == null) {
            cassandra.session().execute("UPDATE " + ks + ".account_usage SET containers = containers + ?,"
                    + " objects = objects + ?, bytes = bytes + ? WHERE account = ?", containers, objects, bytes, account);
            return;
        }
        Row row = cassandra.session().execute("SELECT incarnation FROM " + ks + ".containers WHERE account = ?"
                + " AND container = ?", account, container).one();
        String key = ContainerKey.of(container, row.getString("incarnation")).key();
        cassandra.session().execute("UPDATE " + ks + ".container_usage SET objects = objects + ?, bytes = bytes + ?"
                + " WHERE account = ? AND container = ?", objects, bytes, account, key);
    }
}
