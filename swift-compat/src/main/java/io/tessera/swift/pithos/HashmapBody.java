package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.OwnedIds;
import io.tessera.swift.errors.SwiftException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * The body of a Pithos hashmap PUT: {@code {"block_hash":"sha256","block_size":4194304,"bytes":N,
 * "hashes":["<hex>",...]}} ({@code block_hash} and {@code block_size} may be left out, as kamaki does).
 * It is parsed as it streams in and may be at most as long as the hashmap of the largest object a
 * hashmap may describe ({@link #maxBodyBytes}; {@link #MAX_OBJECT_BYTES}, past Swift's max_file_size as
 * in Pithos, where only a single upload is capped): a longer body is refused with 413 after that many
 * bytes, never held. What the bodies being read hold, all requests together, is bounded too
 * ({@link #IN_FLIGHT_BYTES}): a body that would pass that budget is refused with 503 (retry), so a
 * crowd of large hashmaps cannot exhaust the heap. Anything that is not such a hashmap is a 400: not JSON, hashes that are not 64 hex digits,
 * a block size or hash other than the store's, a number of hashes other than ceil(bytes / block size)
 * (Pithos' InconsistentContentSize), or a hash that names a volume's owned block (those have no
 * content address, and are no client's to name).
 */
public final class HashmapBody {
    /** Room per hash: 64 hex digits, quotes, comma, and a pretty-printer's line break and indent. */
    static final int BYTES_PER_HASH = 96;
    static final int BYTES_BESIDES_HASHES = 4096;
    public static final String BLOCK_HASH = "sha256";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(1024)
                    .maxNumberLength(32).maxNameLength(256).build())
            .build();

    /**
     * The largest object a hashmap may describe: 64 GiB, 16,384 hashes of 4 MiB blocks, a body of at most
     * ~1.5 MB. Pithos has no cap of its own; this one keeps one request's parsed map (and the list of its
     * missing hashes) within a few MB.
     */
    public static final long MAX_OBJECT_BYTES = 64L << 30;
    /**
     * Hashmap body bytes being read or held by all requests of this process at once (8 MiB: the parsed
     * hashes and a 409's list of missing ones take about four times that, ~32 MB of heap at worst).
     */
    static final int IN_FLIGHT_BYTES = 8 << 20;
    private static final Semaphore IN_FLIGHT = new Semaphore(IN_FLIGHT_BYTES);

    private final BlockSize blockSize;
    private final long maxObjectBytes;
    private final Semaphore inFlight;

    /** The process's hashmap bodies, of objects up to {@link #MAX_OBJECT_BYTES}. */
    public HashmapBody(BlockSize blockSize) {
        this(blockSize, MAX_OBJECT_BYTES, IN_FLIGHT);
    }

    /**
     * @param maxObjectBytes the largest object a hashmap may describe
     * @param inFlight       the budget of body bytes of all requests together
     */
    HashmapBody(BlockSize blockSize, long maxObjectBytes, Semaphore inFlight) {
        this.blockSize = blockSize;
        this.maxObjectBytes = maxObjectBytes;
        this.inFlight = inFlight;
    }

    /** A hashmap read from a body, holding its share of the process's budget until closed. */
    public static final class Held implements AutoCloseable {
        private final Hashmap map;
        private final Semaphore inFlight;
        private int permits;

        private Held(Hashmap map, Semaphore inFlight, int permits) {
            this.map = map;
            this.inFlight = inFlight;
            this.permits = permits;
        }

        public Hashmap map() {
            return map;
        }

        @Override
        public void close() {
            inFlight.release(permits);
            permits = 0;
        }
    }

    /** The most hashes a hashmap may hold: those of the largest object. */
    long maxHashes() {
        return blockSize.blockCount(maxObjectBytes);
    }

    /** The longest body taken: the hashmap of the largest object, generously formatted. */
    public long maxBodyBytes() {
        return BYTES_BESIDES_HASHES + BYTES_PER_HASH * maxHashes();
    }

    /**
     * Reads and checks the hashmap in {@code in}.
     *
     * @param length the announced length, or -1 (chunked)
     */
    public Held read(InputStream in, long length) {
        if (length > maxBodyBytes()) {
            throw tooLarge();
        }
        Capped body = new Capped(in, maxBodyBytes(), inFlight);
        boolean read = false;
        try (JsonParser p = JSON.createParser(body)) {
            Hashmap map = parse(p);
            if (p.nextToken() != null) {
                throw invalid("Invalid data formatting: text after the hashmap");
            }
            read = true;
            return new Held(map, inFlight, body.taken);
        } catch (Capped.Exceeded e) {
            throw tooLarge();
        } catch (Capped.Busy e) {
            throw busy();
        } catch (JsonParseException e) {
            throw invalid("Invalid data formatting: not a JSON hashmap");
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw invalid("Invalid data formatting: not a JSON hashmap");
        } catch (IOException e) {
            if (e.getCause() instanceof Capped.Exceeded) {
                throw tooLarge();
            }
            if (e.getCause() instanceof Capped.Busy) {
                throw busy();
            }
            throw SwiftError.CLIENT_DISCONNECT.exception("The client disconnected during request.");
        } finally {
            if (!read) {
                inFlight.release(body.taken);
            }
        }
    }

    private static SwiftException busy() {
        return SwiftError.SERVICE_UNAVAILABLE.exception("Too many hashmaps being uploaded at once: retry later")
                .withHeader("Retry-After", "1");
    }

    private Hashmap parse(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw invalid("Invalid data formatting: a hashmap is a JSON object");
        }
        List<BlockHash> hashes = null;
        Long bytes = null;
        boolean sizeSeen = false;
        boolean hashSeen = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "hashes" -> {
                    if (hashes != null) {
                        throw invalid("Invalid data formatting: hashes given twice");
                    }
                    hashes = hashes(p);
                }
                case "bytes" -> {
                    if (bytes != null) {
                        throw invalid("Invalid data formatting: bytes given twice");
                    }
                    bytes = number(p, "bytes");
                }
                case "block_size" -> {
                    if (sizeSeen) {
                        throw invalid("Invalid data formatting: block_size given twice");
                    }
                    sizeSeen = true;
                    if (number(p, "block_size") != blockSize.bytes()) {
                        throw invalid("Invalid block_size: this store's blocks are " + blockSize.bytes() + " bytes");
                    }
                }
                case "block_hash" -> {
                    if (hashSeen) {
                        throw invalid("Invalid data formatting: block_hash given twice");
                    }
                    hashSeen = true;
                    if (p.currentToken() != JsonToken.VALUE_STRING
                            || !p.getText().trim().toLowerCase(Locale.ROOT).equals(BLOCK_HASH)) {
                        throw invalid("Invalid block_hash: this store's blocks are hashed with " + BLOCK_HASH);
                    }
                }
                default -> p.skipChildren(); // other fields (Pithos' own replies carry none we need)
            }
        }
        if (hashes == null || bytes == null) {
            throw invalid("Invalid data formatting: a hashmap needs bytes and hashes");
        }
        if (bytes < 0) {
            throw invalid("Invalid data formatting: bytes must not be negative");
        }
        if (bytes > maxObjectBytes) {
            throw tooLarge();
        }
        long expected = blockSize.blockCount(bytes);
        if (hashes.size() != expected) {
            throw invalid("Inconsistent content size: " + bytes + " bytes in blocks of " + blockSize.bytes()
                    + " need " + expected + " hashes, not " + hashes.size());
        }
        return new Hashmap(blockSize, bytes, hashes);
    }

    private List<BlockHash> hashes(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw invalid("Invalid data formatting: hashes is a list");
        }
        List<BlockHash> hashes = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_STRING) {
                throw invalid("Invalid hash: hashes are strings of 64 hex digits");
            }
            if (hashes.size() >= maxHashes()) {
                throw tooLarge();
            }
            String text = p.getText();
            BlockHash h;
            try {
                h = BlockHash.fromHex(text);
            } catch (IllegalArgumentException e) {
                throw invalid("Invalid hash: " + (text.length() > 80 ? text.substring(0, 80) + "..." : text));
            }
            if (OwnedIds.isOwned(h)) {
                throw invalid("Invalid hash: " + text + " is not a content hash");
            }
            hashes.add(h);
        }
        return hashes;
    }

    /** A whole number, written as a JSON number or a string of digits (Pithos reads both with int()). */
    private static long number(JsonParser p, String field) throws IOException {
        try {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return p.getLongValue();
            }
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return Long.parseLong(p.getText().trim());
            }
        } catch (NumberFormatException | com.fasterxml.jackson.core.exc.InputCoercionException e) {
            // below
        }
        throw invalid("Invalid data formatting: " + field + " must be a whole number");
    }

    private static SwiftException invalid(String message) {
        return SwiftError.BAD_REQUEST.exception(message);
    }

    private SwiftException tooLarge() {
        return SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Hashmap too large: at most the hashmap of a " + maxObjectBytes
                + "-byte object (" + maxHashes() + " hashes, " + maxBodyBytes() + " bytes) is taken");
    }

    /**
     * The body, failing once more than {@code max} bytes came, and taking each byte it reads from the
     * process's budget (waiting a little for room, then failing).
     */
    private static final class Capped extends FilterInputStream {
        static final class Exceeded extends IOException {
            Exceeded() {
                super("hashmap body too large", null);
            }
        }

        static final class Busy extends IOException {
            Busy() {
                super("hashmap budget exhausted", null);
            }
        }

        private static final int CHUNK = 64 * 1024;
        private long left;
        private final Semaphore inFlight;
        /** Permits taken from the budget: the bytes read. */
        int taken;

        Capped(InputStream in, long max, Semaphore inFlight) {
            super(in);
            this.left = max;
            this.inFlight = inFlight;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, (int) Math.min(Math.min(len, CHUNK), left + 1));
            if (n > 0) {
                // Charged for what came, not for what may come: a client that sends a byte now and then
                // holds a byte of the budget, not a chunk.
                try {
                    if (!inFlight.tryAcquire(n, 2, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new Busy();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Busy();
                }
                taken += n;
                left -= n;
                if (left < 0) {
                    throw new Exceeded();
                }
            }
            return n;
        }
    }
}
