package io.tessera.store.cassandra;

import java.net.InetSocketAddress;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.cassandra.CassandraContainer;

/**
 * The Docker path of {@link CassandraExtension}. A class of its own so that Testcontainers is loaded only
 * when asked, and its absence from a classpath only means "no Docker".
 */
final class DockerCassandra {
    static final String IMAGE = "cassandra:5.0.6";

    private DockerCassandra() {
    }

    static boolean available() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) { // NoClassDefFoundError without Testcontainers, anything from a broken engine
            return false;
        }
    }

    static CassandraNode start() {
        CassandraContainer container = new CassandraContainer(IMAGE);
        container.start();
        InetSocketAddress address = container.getContactPoint();
        return new CassandraNode(address.getHostString() + ":" + address.getPort(), container.getLocalDatacenter(),
                "Testcontainers " + IMAGE, container::stop);
    }
}
