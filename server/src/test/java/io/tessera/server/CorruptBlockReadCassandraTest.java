package io.tessera.server;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.cassandra.CassandraExtension;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CorruptBlockReadTest} on the cassandra store: the block's row is rewritten with one bit flipped. */
class CorruptBlockReadCassandraTest extends CorruptBlockReadTest {
    @RegisterExtension
    static final CassandraExtension CASSANDRA = new CassandraExtension();

    @Override
    TestBackend backend() {
        return TestBackend.cassandra(CASSANDRA);
    }

    @Override
    void damage(TestServer server, BlockHash block) {
        String ks = CASSANDRA.keyspace();
        ByteBuffer key = ByteBuffer.wrap(block.toBytes());
        Row row = CASSANDRA.session().execute("SELECT content FROM " + ks + ".blocks WHERE hash = ?", key).one();
        if (row == null) {
            throw new AssertionError("no row for block " + block);
        }
        ByteBuffer content = row.getByteBuffer("content");
        byte[] bytes = new byte[content.remaining()];
        content.get(bytes);
        bytes[bytes.length / 2] ^= 0x40; // one flipped bit: same length, so only the hash can tell
        CASSANDRA.session().execute("UPDATE " + ks + ".blocks SET content = ? WHERE hash = ?", ByteBuffer.wrap(bytes), key);
    }
}
