package io.tessera.store.embedded;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PublicLink;
import io.tessera.store.StoreCorruptionException;
import io.tessera.store.Timestamp;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values of the metadata rows. Each starts with a format byte so a later release can change a row's
 * layout and still read what an older one wrote.
 */
final class Rows {
    static final byte FORMAT = 1;

    private Rows() {
    }

    /** An account's or a container's own row (its counters live in the counters column family). */
    record Entity(Timestamp created, Map<String, String> metadata) {
    }

    static byte[] encodeEntity(Entity entity) {
        Writer w = new Writer();
        w.longValue(entity.created().micros());
        w.metadata(entity.metadata());
        return w.bytes();
    }

    static Entity decodeEntity(byte[] row) {
        Reader r = new Reader(row);
        try {
            return new Entity(new Timestamp(r.longValue()), r.metadata());
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw r.corrupt();
        }
    }

    /** An object version without its account, container and name: those are its key. */
    static byte[] encodeObject(ObjectVersion v) {
        Writer w = new Writer();
        w.longValue(v.timestamp().micros());
        w.raw(v.map().merkleRoot().toBytes());
        w.longValue(v.map().length());
        w.string(v.etag());
        w.string(v.contentType());
        w.metadata(v.metadata());
        return w.bytes();
    }

    static ObjectVersion decodeObject(String account, String container, String name, byte[] row) {
        Reader r = new Reader(row);
        try {
            Timestamp timestamp = new Timestamp(r.longValue());
            BlockHash root = r.hash();
            MapId map = new MapId(root, r.longValue());
            return new ObjectVersion(account, container, name, timestamp, map, r.string(), r.string(), r.metadata());
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw r.corrupt();
        }
    }

    /** Applies Swift-style metadata changes: an empty value removes the key, others set it. */
    static Map<String, String> applyChanges(Map<String, String> current, Map<String, String> changes) {
        Map<String, String> result = new TreeMap<>(current);
        changes.forEach((key, value) -> {
            if (value.isEmpty()) {
                result.remove(key);
            } else {
                result.put(key, value);
            }
        });
        return result;
    }

    /** 8-byte little-endian, the encoding RocksDB's uint64add merge operator sums. */
    static byte[] publicLink(PublicLink link) {
        Writer w = new Writer();
        w.string(link.account());
        w.string(link.container());
        w.string(link.object());
        return w.bytes();
    }

    static PublicLink publicLink(byte[] row) {
        try {
            Reader r = new Reader(row);
            return new PublicLink(r.string(), r.string(), r.string());
        } catch (BufferUnderflowException | NullPointerException e) {
            throw new StoreCorruptionException("unreadable public link row");
        }
    }

    static byte[] counterDelta(long delta) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(delta).array();
    }

    static long counterValue(byte[] value) {
        if (value == null) {
            return 0;
        }
        if (value.length != 8) {
            throw new StoreCorruptionException("a counter has 8 bytes, not " + value.length);
        }
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer() {
            bytes.write(FORMAT);
        }

        void longValue(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen writing to memory
            }
        }

        void intValue(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void raw(byte[] b) {
            bytes.writeBytes(b);
        }

        /** Length-prefixed UTF-8; -1 stands for null (an object may have no content type). */
        void string(String s) {
            byte[] b = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
            intValue(b == null ? -1 : b.length);
            if (b != null) {
                bytes.writeBytes(b);
            }
        }

        void metadata(Map<String, String> metadata) {
            intValue(metadata.size());
            new TreeMap<>(metadata).forEach((k, v) -> {
                string(k);
                string(v);
            });
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    private static final class Reader {
        private final byte[] row;
        private final ByteBuffer in;

        Reader(byte[] row) {
            this.row = row;
            this.in = ByteBuffer.wrap(row);
            if (row.length == 0 || in.get() != FORMAT) {
                throw corrupt();
            }
        }

        long longValue() {
            return in.getLong();
        }

        byte[] raw(int n) {
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        /** A block hash, copied once out of the row. */
        BlockHash hash() {
            int at = in.position();
            if (in.remaining() < BlockHash.LENGTH) {
                throw new BufferUnderflowException();
            }
            BlockHash h = BlockHash.of(row, at);
            in.position(at + BlockHash.LENGTH);
            return h;
        }

        String string() {
            int n = in.getInt();
            if (n > in.remaining()) {
                throw new BufferUnderflowException();
            }
            if (n < 0) {
                return null;
            }
            // Decoded in place: no copy of the bytes first (a row's every string, on every read).
            int at = in.position();
            String s = new String(row, at, n, StandardCharsets.UTF_8);
            in.position(at + n);
            return s;
        }

        Map<String, String> metadata() {
            int n = in.getInt();
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                m.put(string(), string());
            }
            return m;
        }

        StoreCorruptionException corrupt() {
            return new StoreCorruptionException("unreadable metadata row (format " + FORMAT + " expected)");
        }
    }
}
