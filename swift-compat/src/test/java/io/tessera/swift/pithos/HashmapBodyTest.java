package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.SwiftConstraints;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The bounds on hashmap PUT bodies: the largest object's hashmap fits, as Pithos clients format it, and
 * more does not; all bodies together stay within the process's budget, and every failure gives it back.
 */
class HashmapBodyTest {
    private final HashmapBody bodies = new HashmapBody(BlockSize.DEFAULT);

    /** Python's json.dumps(d, indent=4): one hash a line, eight spaces in. */
    private static String pretty(long bytes, int hashes) {
        String h = BlockHasher.hash(new byte[] {7}).toHex();
        StringBuilder b = new StringBuilder("{\n    \"block_hash\": \"sha256\", \n    \"block_size\": 4194304, \n    \"bytes\": ")
                .append(bytes).append(", \n    \"hashes\": [\n");
        for (int i = 0; i < hashes; i++) {
            b.append("        \"").append(h).append(i + 1 < hashes ? "\", \n" : "\"\n");
        }
        return b.append("    ]\n}").toString();
    }

    private Hashmap read(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (HashmapBody.Held held = bodies.read(new ByteArrayInputStream(b), b.length)) {
            return held.map();
        }
    }

    @Test
    void theLargestObjectsHashmapFitsPrettyPrinted() {
        long max = HashmapBody.MAX_OBJECT_BYTES;
        int hashes = (int) BlockSize.DEFAULT.blockCount(max);
        assertThat(hashes).isEqualTo(16384);
        assertThat(max).as("past Swift's max_file_size, as Pithos").isGreaterThan(SwiftConstraints.DEFAULTS.maxFileSize());
        String body = pretty(max, hashes);
        assertThat((long) body.length()).isLessThan(bodies.maxBodyBytes());
        Hashmap map = read(body);
        assertThat(map.length()).isEqualTo(max);
        assertThat(map.blockCount()).isEqualTo(hashes);
        // bytes and block_size as strings, as Pithos' int() takes them
        assertThat(read("{\"bytes\": \"1\", \"block_size\": \"4194304\", \"hashes\": [\""
                + BlockHasher.hash(new byte[] {1}).toHex().toUpperCase() + "\"]}").length()).isEqualTo(1);
    }

    @Test
    void oneHashMoreThanTheLargestObjectIsTooLarge() {
        long max = HashmapBody.MAX_OBJECT_BYTES;
        int hashes = (int) BlockSize.DEFAULT.blockCount(max) + 1;
        assertThatThrownBy(() -> read(pretty(max + BlockSize.DEFAULT.bytes(), hashes)))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.error().code()).isEqualTo(413));
        byte[] padded = (pretty(10, 1) + " ".repeat((int) bodies.maxBodyBytes())).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> bodies.read(new ByteArrayInputStream(padded), -1))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.error().code()).isEqualTo(413));
        assertThatThrownBy(() -> bodies.read(new ByteArrayInputStream(new byte[0]), bodies.maxBodyBytes() + 1))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.error().code()).isEqualTo(413));
    }

    /** A body that would pass the process's budget is a 503 while others hold it; failures give their share back. */
    @Test
    void allBodiesTogetherStayWithinTheBudget() {
        java.util.concurrent.Semaphore budget = new java.util.concurrent.Semaphore(256 * 1024);
        HashmapBody small = new HashmapBody(BlockSize.DEFAULT, HashmapBody.MAX_OBJECT_BYTES, budget);
        byte[] big = pretty(1500L * BlockSize.DEFAULT.bytes(), 1500).getBytes(StandardCharsets.UTF_8); // ~120 KB
        HashmapBody.Held first = small.read(new ByteArrayInputStream(big), big.length);
        HashmapBody.Held second = small.read(new ByteArrayInputStream(big), big.length);
        assertThat(budget.availablePermits()).isLessThan(big.length);
        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(big), big.length))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.error().code()).isEqualTo(503));
        first.close();
        small.read(new ByteArrayInputStream(big), big.length).close();
        second.close();
        assertThat(budget.availablePermits()).as("all given back").isEqualTo(256 * 1024);
        byte[] bad = (pretty(10, 1) + " trailing").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(bad), bad.length))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.error().code()).isEqualTo(400));
        byte[] padded = (pretty(10, 1) + " ".repeat(2 << 20)).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(padded), -1))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.error().code()).isIn(413, 503));
        assertThat(budget.availablePermits()).as("given back after failures").isEqualTo(256 * 1024);
    }

    @Test
    void deepOrOddJsonIsA400() {
        for (String body : new String[] {"[".repeat(1000), "{\"bytes\": 1e3, \"hashes\": []}", "{\"bytes\": 99999999999999999999999, \"hashes\": []}",
                "{\"x\": " + "[".repeat(100) + "]}", "{\"bytes\": 0, \"hashes\": [], \"block_size\": 4194304.0}", "null"}) {
            assertThatThrownBy(() -> read(body)).as(body.length() > 60 ? body.substring(0, 60) : body)
                    .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.error().code()).isEqualTo(400));
        }
    }
}
