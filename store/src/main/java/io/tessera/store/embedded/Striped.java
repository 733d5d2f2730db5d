package io.tessera.store.embedded;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A fixed set of locks, one picked per key by hash. Serialises the read-check-write steps of one
 * key (a block's putIfAbsent, an object's last-write-wins) on this node without a lock per key.
 * Inside the embedded backend only: the SPI itself offers no multi-key transactions.
 */
final class Striped<L> {
    private final Object[] stripes;

    Striped(int count, Supplier<L> lock) {
        if (Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two");
        }
        stripes = new Object[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = lock.get();
        }
    }

    L get(byte[] key) {
        return at(indexOf(key));
    }

    /** The stripe of {@code key}: callers that take several stripes take them in this order. */
    int indexOf(byte[] key) {
        int h = Arrays.hashCode(key);
        h ^= h >>> 16; // spread: Arrays.hashCode's low bits depend mostly on the last bytes
        return h & (stripes.length - 1);
    }

    @SuppressWarnings("unchecked")
    L at(int index) {
        return (L) stripes[index];
    }
}
