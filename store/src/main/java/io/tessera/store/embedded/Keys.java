package io.tessera.store.embedded;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.ListQuery;
import io.tessera.store.MapId;
import io.tessera.store.Names;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RocksDB key layouts. RocksDB orders keys by unsigned bytes, so a key that ends with a name's raw
 * UTF-8 bytes lists in {@link io.tessera.store.Names#UTF8_ORDER} for free. Everything before that
 * name (account, container) is length-prefixed, so "acc" + "2x" can never be mistaken for
 * "acc2" + "x" and one account's range never leaks into another's.
 */
final class Keys {
    /** Length prefixes are two bytes: Swift caps account and container names far below 64 KiB. */
    static final int MAX_PREFIXED = 0xFFFF;

    private Keys() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- blocks and maps ----

    static byte[] block(BlockHash hash) {
        return hash.toBytes();
    }

    /** A map's head row: Merkle root then length; its pages follow it in key order. */
    static byte[] mapHead(MapId id) {
        return ByteBuffer.allocate(BlockHash.LENGTH + 8)
                .put(id.merkleRoot().toBytes()).putLong(id.length()).array();
    }

    static byte[] mapPage(byte[] head, int page) {
        return ByteBuffer.allocate(head.length + 4).put(head).putInt(page).array();
    }

    // ---- accounts, containers, objects ----

    /** A path index partition's entries start with its name, length-prefixed; the entry's raw UTF-8 follows. */
    static byte[] indexPartition(String partition) {
        return concat(prefixed(partition));
    }

    /** An account's rows: its name, length-prefixed. Also the prefix of its containers. */
    static byte[] account(String account) {
        return concat(prefixed(account));
    }

    /** A container's row: the account, then the container's raw name (ordered within the account). */
    static byte[] container(String account, String container) {
        return concat(prefixed(account), utf8(container));
    }

    /** The prefix of a container's objects: account and container, both length-prefixed. */
    static byte[] objectsOf(String account, String container) {
        return concat(prefixed(account), prefixed(container));
    }

    static byte[] object(String account, String container, String name) {
        return concat(prefixed(account), prefixed(container), utf8(name));
    }

    /** The raw name at the end of a key that starts with {@code base}. */
    static String nameAfter(byte[] base, byte[] key) {
        return new String(key, base.length, key.length - base.length, StandardCharsets.UTF_8);
    }

    // ---- the expiry index: due time first, so a scan from the start reads only what is due ----

    static byte[] expiry(io.tessera.store.ExpiringObject e) {
        return concat(ByteBuffer.allocate(8).putLong(e.deleteAt()).array(), prefixed(e.account()),
                prefixed(e.container()), ByteBuffer.allocate(8).putLong(e.version().micros()).array(), utf8(e.name()));
    }

    /** The first key due after {@code seconds}: the scan bound of entries due at or before it. */
    static byte[] expiryAfter(long seconds) {
        return ByteBuffer.allocate(8).putLong(seconds + 1).array();
    }

    static io.tessera.store.ExpiringObject expiryOf(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        long at = b.getLong();
        String account = prefixedAt(b);
        String container = prefixedAt(b);
        long version = b.getLong();
        String name = new String(key, b.position(), b.remaining(), StandardCharsets.UTF_8);
        return new io.tessera.store.ExpiringObject(at, account, container, name, new io.tessera.store.Timestamp(version));
    }

    private static String prefixedAt(ByteBuffer b) {
        int length = b.getShort() & 0xFFFF;
        String s = new String(b.array(), b.position(), length, StandardCharsets.UTF_8);
        b.position(b.position() + length);
        return s;
    }

    // ---- counters (one 8-byte little-endian value per key, summed by RocksDB's uint64add merge) ----

    static final byte[] BLOCK_COUNT = utf8("b:count");
    static final byte[] BLOCK_BYTES = utf8("b:bytes");

    enum Counter { CONTAINERS, OBJECTS, BYTES }

    static byte[] accountCounter(String account, Counter counter) {
        return concat(new byte[] {'a'}, prefixed(account), new byte[] {(byte) counter.ordinal()});
    }

    static byte[] containerCounter(String account, String container, Counter counter) {
        return concat(new byte[] {'c'}, prefixed(account), prefixed(container), new byte[] {(byte) counter.ordinal()});
    }

    // ---- ranges ----

    /**
     * The key range {@code [from, to)} of the rows under {@code base} whose trailing name satisfies
     * {@code query}'s prefix and bounds; {@code to} is null when no key bounds it.
     */
    record Range(byte[] from, byte[] to) {
    }

    static Range range(byte[] base, ListQuery query) {
        byte[] from = base;
        byte[] to = successorOfPrefix(base);
        if (query.prefix() != null && !query.prefix().isEmpty()) {
            from = concat(base, utf8(query.prefix()));
            String end = Names.prefixEnd(query.prefix());
            to = end == null ? to : concat(base, utf8(end));
        }
        if (query.startAfter() != null) {
            from = max(from, concat(base, utf8(Names.successor(query.startAfter()))));
        }
        if (query.startAt() != null) {
            from = max(from, concat(base, utf8(query.startAt())));
        }
        if (query.endBefore() != null) {
            to = min(to, concat(base, utf8(query.endBefore())));
        }
        return new Range(from, to);
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}; null if there is none. For
     * binary keys and key bases; a bound derived from a name is {@link Names#prefixEnd}'s, in one place.
     */
    static byte[] successorOfPrefix(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] next = Arrays.copyOf(prefix, i + 1);
                next[i]++;
                return next;
            }
        }
        return null;
    }

    private static byte[] max(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] min(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static byte[] prefixed(String name) {
        byte[] bytes = utf8(name);
        if (bytes.length > MAX_PREFIXED) {
            throw new IllegalArgumentException("name longer than " + MAX_PREFIXED + " bytes");
        }
        return ByteBuffer.allocate(2 + bytes.length).putShort((short) bytes.length).put(bytes).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
