package io.tessera.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.store.cassandra.CassandraConfig;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code store.cassandra.replication}, in either of two forms:
 * <pre>
 *   replication: {class: NetworkTopologyStrategy, factor: 3}       # the local datacenter, 3 replicas
 *   replication: "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}"   # a CQL map, as written
 * </pre>
 * Exactly one of {@code cql} and ({@code strategy}, {@code factor}) is set. Used only when the keyspace
 * is created: an existing keyspace keeps its replication.
 */
public record Replication(String cql, String strategy, Integer factor) {
    private static final Set<String> STRATEGIES = Set.of("NetworkTopologyStrategy", "SimpleStrategy");

    public Replication {
        if ((cql == null) == (strategy == null || factor == null)) {
            throw new IllegalArgumentException("replication is either a CQL map or a class with a factor");
        }
    }

    @JsonCreator
    static Replication fromYaml(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText().strip();
            if (!text.startsWith("{") || !text.endsWith("}") || !text.contains("'class'")) {
                throw new IllegalArgumentException("store.cassandra.replication: a string must be a CQL replication map"
                        + " such as \"{'class': 'NetworkTopologyStrategy', 'dc1': 3}\", not '" + text + "'");
            }
            return new Replication(text, null, null);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("store.cassandra.replication: give {class: ..., factor: N} or a CQL map string");
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("class") && !key.equals("factor")) {
                throw new IllegalArgumentException("store.cassandra.replication: unknown key '" + key
                        + "' (class and factor only; write other layouts as a CQL map string)");
            }
        }
        String strategy = node.path("class").asText("NetworkTopologyStrategy");
        if (!STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException("store.cassandra.replication.class must be one of " + STRATEGIES
                    + ", not '" + strategy + "'");
        }
        JsonNode factor = node.path("factor");
        if (!factor.canConvertToInt() || !factor.isIntegralNumber() || factor.asInt() < 1 || factor.asInt() > 100) {
            throw new IllegalArgumentException("store.cassandra.replication.factor must be a whole number of replicas"
                    + " (1..100), not '" + factor + "'");
        }
        return new Replication(null, strategy, factor.asInt());
    }

    /** The CQL replication map, for a keyspace whose local datacenter is {@code datacenter}. */
    public String toCql(String datacenter) {
        if (cql != null) {
            return cql;
        }
        return strategy.equals("SimpleStrategy") ? CassandraConfig.simpleStrategy(factor)
                : CassandraConfig.networkTopology(datacenter, factor);
    }

    @Override
    public String toString() {
        return cql != null ? cql : "{class: " + strategy + ", factor: " + factor + "}";
    }
}
