package io.tessera.server;

import io.tessera.store.cassandra.CassandraExtension;
import java.util.List;

/**
 * The store a {@link TestServer} runs on, as the {@code store:} section of its tessera.yaml: tests go
 * through the same configuration path as {@code bin/tessera run}.
 */
interface TestBackend {
    /** The {@code store:} section, indented as in the file. */
    String storeYaml();

    static TestBackend embedded() {
        return () -> """
                store:
                  backend: embedded
                  data_dir: data
                """;
    }

    /** This test class's keyspace on the extension's node, RF 1, with a request timeout for a busy machine. */
    static Cassandra cassandra(CassandraExtension node) {
        return new Cassandra(List.of(node.contactPoint()), node.localDatacenter(), node.keyspace(),
                "{class: SimpleStrategy, factor: 1}", "LOCAL_QUORUM", 20, 4 * 1024 * 1024);
    }

    record Cassandra(List<String> contactPoints, String datacenter, String keyspace, String replication,
                     String consistency, int requestTimeoutSeconds, int blockSize) implements TestBackend {
        Cassandra withContactPoints(List<String> points) {
            return new Cassandra(points, datacenter, keyspace, replication, consistency, requestTimeoutSeconds, blockSize);
        }

        Cassandra withRequestTimeoutSeconds(int seconds) {
            return new Cassandra(contactPoints, datacenter, keyspace, replication, consistency, seconds, blockSize);
        }

        Cassandra withReplication(String yamlValue) {
            return new Cassandra(contactPoints, datacenter, keyspace, yamlValue, consistency, requestTimeoutSeconds, blockSize);
        }

        Cassandra withBlockSize(int bytes) {
            return new Cassandra(contactPoints, datacenter, keyspace, replication, consistency, requestTimeoutSeconds, bytes);
        }

        @Override
        public String storeYaml() {
            return """
                    store:
                      backend: cassandra
                      block_size: %d
                      cassandra:
                        contact_points: [%s]
                        datacenter: %s
                        keyspace: %s
                        replication: %s
                        consistency: %s
                        request_timeout_seconds: %d
                    """.formatted(blockSize, String.join(", ", contactPoints), datacenter, keyspace, replication,
                    consistency, requestTimeoutSeconds);
        }
    }
}
