package io.tessera.server;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.tessera.hashmap.BlockHash;
import io.tessera.store.cassandra.CassandraExtension;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ScrubFsckTest} on the cassandra store: a block's content row is overwritten with other bytes. */
class ScrubFsckCassandraTest extends ScrubFsckTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    TestBackend backend() {
        return TestBackend.cassandra(CASSANDRA);
    }

    @Override
    void damage(TestServer server, BlockHash block) {
        byte[] other = server.server.store().blocks().get(block).orElseThrow();
        other[5000] ^= 0x40;
        CASSANDRA.session().execute(SimpleStatement.newInstance("UPDATE " + CASSANDRA.keyspace()
                + ".blocks SET content = ? WHERE hash = ?", ByteBuffer.wrap(other), ByteBuffer.wrap(block.toBytes())));
    }
}
