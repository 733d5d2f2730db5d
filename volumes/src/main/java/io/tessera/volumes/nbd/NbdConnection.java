package io.tessera.volumes.nbd;

import static io.tessera.volumes.nbd.Nbd.*;

import io.tessera.volumes.VolumeException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NBD client: the fixed newstyle handshake, then the transmission phase. Three kinds of thread
 * take part, and none of them waits for another client:
 * <ul>
 *   <li>this connection's reader (the thread that runs {@link #run()}) reads requests in order. Before it
 *       reads a WRITE's payload or lets a READ run, it takes a slot among this connection's
 *       {@link #MAX_IN_FLIGHT} requests in flight and the request's bytes from its {@link PayloadBudget.Share
 *       share} of the process-wide budget (its own cap first, then the shared pool); when its slots or its
 *       cap are used up it stops reading, which pushes back on this client through TCP and on no other;</li>
 *   <li>the server's shared workers run the requests against the device, at most
 *       {@link NbdWorkers#PER_DEVICE} of one device at once, the others waiting in the device's lane
 *       (replies may come out of order, as NBD allows), and queue each reply here; queueing never
 *       blocks, and the queue can not grow beyond the slots;</li>
 *   <li>this connection's sender writes the queued replies (each reply, header and payload, one array,
 *       batched into one flush when several are ready) and then gives their slots and bytes back.</li>
 * </ul>
 * So a client that stops reading its replies stalls only its own sender and, through its slots, its own
 * reader; the server's watchdog drops it when a send makes no progress for the send timeout, and drops
 * a client that has not chosen an export within the handshake timeout.
 *
 * <p>A protocol violation the client can not recover from (a bad magic, an option or write larger than
 * we accept) closes this connection only; a bad request (out of range, unknown flag or command) gets an
 * error reply and the connection goes on.
 */
final class NbdConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(NbdConnection.class);
    /** Requests read but not yet answered on the wire, per connection (bounds the reply queue). */
    static final int MAX_IN_FLIGHT = 128;

    private NbdLink link;
    private final ExportResolver exports;
    private final ExportAccess access;
    private final Consumer<NbdConnection> onEnd;
    private final NbdWorkers workers;
    /** The device's lane onto the shared workers, once attached (the reader's: set and closed by it). */
    private NbdWorkers.Lane lane;
    private final NbdMetrics metrics;
    private final PayloadBudget budget;
    private final NbdLimits limits;
    private final String name;
    private DataInputStream in;
    private OutputStream out;
    private boolean structured;
    private boolean noZeroes;
    private boolean metaContext;
    private BlockDevice device;

    private final PayloadBudget.Share share;
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    /** Requests handed to the workers and not yet finished with the device. */
    private int running;
    private final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    /** Set (under the queue's lock) when the sender has stopped: replies queued later are dropped at once. */
    private boolean senderDone;
    private Thread sender;
    private volatile boolean closed;
    private final long handshakeDeadline;
    private volatile boolean attached;
    /** When the current blocking send or WRITE payload read began (System.nanoTime), or 0 when none is under way. */
    private volatile long stalledSince;
    private final CountDownLatch ended = new CountDownLatch(1);

    NbdConnection(NbdLink link, String name, ExportResolver exports, ExportAccess access, Consumer<NbdConnection> onEnd,
                  NbdWorkers workers, PayloadBudget budget, NbdLimits limits, NbdMetrics metrics) {
        this.link = link;
        this.access = access;
        this.name = name;
        this.metrics = metrics;
        this.exports = exports;
        this.onEnd = onEnd;
        this.workers = workers;
        this.budget = budget;
        this.share = budget.share();
        this.limits = limits;
        this.handshakeDeadline = System.nanoTime() + limits.handshakeTimeout().toNanos();
    }

    /** A reply ready to go out, holding its request's slot and (for READ data) its payload bytes until sent. */
    private record Reply(byte[] bytes, PayloadBudget.Grant grant) {
        static final Reply END = new Reply(new byte[0], PayloadBudget.Grant.NONE);
    }

    /** Queues a reply for the sender; never blocks (the queue is bounded by the slots). */
    private void send(byte[] bytes, PayloadBudget.Grant grant) {
        Reply r = new Reply(bytes, grant);
        synchronized (replies) {
            if (!senderDone) {
                replies.add(r);
                return;
            }
        }
        release(r); // the connection is gone: nobody will read it
    }

    private void release(Reply r) {
        if (r != Reply.END) {
            r.grant().release();
            slots.release();
        }
    }

    /** The sender's loop: writes replies as they come, one flush per batch, until END or a failed write. */
    private void sendLoop() {
        try (BufferedOutputStream o = new BufferedOutputStream(out, 64 * 1024)) {
            while (true) {
                Reply r = replies.take();
                boolean end = false;
                for (; r != null; r = replies.poll()) {
                    if (r == Reply.END) {
                        end = true;
                        break;
                    }
                    stalledSince = System.nanoTime();
                    try {
                        o.write(r.bytes());
                    } finally {
                        release(r);
                    }
                }
                o.flush();
                stalledSince = 0;
                if (end) {
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("NBD reply to {} failed: {}", link.peer(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stalledSince = 0;
            List<Reply> left = new ArrayList<>();
            synchronized (replies) {
                senderDone = true;
                replies.drainTo(left);
            }
            left.forEach(this::release);
            if (!closed) {
                closeQuietly(link); // wakes the reader
            }
        }
    }

    @Override
    public void run() {
        metrics.connected();
        try {
            in = new DataInputStream(new BufferedInputStream(link.in(), 64 * 1024));
            out = link.out();
            if (handshake()) {
                lane = workers.lane(device);
                attached = true;
                sender = new Thread(this::sendLoop, name + "-send");
                sender.setDaemon(true);
                sender.start();
                transmission();
            }
        } catch (EOFException | SocketException | ClosedChannelException e) {
            log.debug("NBD client {} went away: {}", link.peer(), e.toString());
        } catch (ProtocolViolation e) {
            log.info("NBD client {}: {}; closing the connection", link.peer(), e.getMessage());
        } catch (SSLException e) {
            log.warn("NBD client {}: TLS handshake failed: {}", link.peer(), e.getMessage());
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Broken pipe") || m.contains("Connection reset")) {
                log.debug("NBD client {} went away: {}", link.peer(), m);
            } else {
                log.warn("NBD connection {} failed: {}", link.peer(), e.toString());
            }
        } catch (RuntimeException e) {
            log.warn("NBD connection {} failed: {}", link.peer(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finish();
            onEnd.accept(this);
            metrics.disconnected();
            ended.countDown();
        }
    }

    /**
     * After the last request was read: lets the requests in flight finish with the device (bounded), has
     * the sender write their replies (bounded by the watchdog's send timeout), then closes everything.
     */
    private void finish() {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            synchronized (this) {
                while (running > 0 && System.nanoTime() < deadline) {
                    wait(100);
                }
            }
            if (sender != null) {
                synchronized (replies) {
                    if (!senderDone) {
                        replies.add(Reply.END);
                    }
                }
                sender.join(limits.sendTimeout().toMillis() + 5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        closeDevice();
        if (lane != null) {
            lane.close();
            lane = null;
        }
    }

    /**
     * Called by the server's watchdog: drops a client still handshaking past the handshake timeout, or
     * one whose reply (or WRITE payload) has not moved for the send timeout. True if it was dropped.
     */
    boolean dropIfStalled(long now) {
        String why = null;
        if (!attached && now - handshakeDeadline > 0) {
            why = "did not choose an export within " + limits.handshakeTimeout().toMillis() + " ms";
        } else {
            long since = stalledSince;
            if (since != 0 && now - since > limits.sendTimeout().toNanos()) {
                why = "moved no bytes for " + limits.sendTimeout().toSeconds() + " s";
            }
        }
        if (why == null || closed) {
            return false;
        }
        log.info("NBD client {} {}: dropping it", link.peer(), why);
        close();
        return true;
    }

    /** Closes the socket: the reader and sender stop, and the reader then closes the device. */
    void close() {
        closed = true;
        closeQuietly(link);
    }

    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Waits up to {@code millis} for this connection to end; if it has not, closes its device anyway. */
    void awaitEnd(long millis) throws InterruptedException {
        if (!ended.await(millis, TimeUnit.MILLISECONDS)) {
            closeDevice();
        }
    }

    private void closeDevice() {
        BlockDevice d;
        synchronized (this) {
            d = device;
            device = null;
        }
        if (d != null) {
            try {
                d.close();
            } catch (RuntimeException e) {
                log.warn("closing {} failed: {}", d.description(), e.toString());
            }
        }
    }

    private static final class ProtocolViolation extends IOException {
        ProtocolViolation(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- handshake

    /** Returns true when an export was chosen (go to transmission), false when the client ended it. */
    private boolean handshake() throws IOException {
        out.write(ByteBuffer.allocate(18).putLong(NBDMAGIC).putLong(IHAVEOPT)
                .putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)).array());
        int clientFlags = in.readInt();
        if ((clientFlags & ~(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)) != 0) {
            throw new ProtocolViolation("unknown client flags " + Integer.toHexString(clientFlags));
        }
        noZeroes = (clientFlags & FLAG_NO_ZEROES) != 0;
        while (true) {
            long magic = in.readLong();
            if (magic != IHAVEOPT) {
                throw new ProtocolViolation("bad option magic " + Long.toHexString(magic));
            }
            int option = in.readInt();
            int length = in.readInt();
            if (length < 0 || length > MAX_OPTION) {
                optionReply(option, REP_ERR_TOO_BIG, utf8("option too long"));
                throw new ProtocolViolation("option " + option + " of " + Integer.toUnsignedString(length) + " bytes");
            }
            byte[] data = in.readNBytes(length);
            if (data.length < length) {
                throw new EOFException();
            }
            if (option == OPT_STARTTLS) {
                startTls(data);
                continue;
            }
            if (link.client() == null && option != OPT_ABORT) {
                // TLS first: nothing, not even an export's size, is said in the clear.
                if (option == OPT_EXPORT_NAME) {
                    throw new ProtocolViolation("EXPORT_NAME before STARTTLS on a TLS-only listener");
                }
                optionReply(option, REP_ERR_TLS_REQD, utf8("this server requires TLS (NBD_OPT_STARTTLS) first"));
                continue;
            }
            switch (option) {
                case OPT_EXPORT_NAME -> {
                    if (exportName(data)) {
                        return true;
                    }
                    return false;
                }
                case OPT_ABORT -> {
                    optionReply(option, REP_ACK, new byte[0]);
                    return false;
                }
                case OPT_LIST -> {
                    if (length != 0) {
                        optionReply(option, REP_ERR_INVALID, utf8("LIST takes no data"));
                    } else {
                        // Export names are account-scoped: list none (clients learn theirs from the REST API).
                        optionReply(option, REP_ACK, new byte[0]);
                    }
                }
                case OPT_STRUCTURED_REPLY -> {
                    if (length != 0) {
                        optionReply(option, REP_ERR_INVALID, utf8("STRUCTURED_REPLY takes no data"));
                    } else {
                        structured = true;
                        optionReply(option, REP_ACK, new byte[0]);
                    }
                }
                case OPT_INFO, OPT_GO -> {
                    if (infoOrGo(option, data)) {
                        return true;
                    }
                }
                case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(option, data);
                default -> optionReply(option, REP_ERR_UNSUP, utf8("option " + option + " is not supported"));
            }
        }
    }

    /**
     * NBD_OPT_STARTTLS: ACK, then the TLS handshake, after which the client is the CN of its certificate.
     * A failed handshake (no certificate, one the CA did not sign) ends the connection.
     */
    private void startTls(byte[] data) throws IOException {
        if (link instanceof NbdLink.TlsTcp) {
            optionReply(OPT_STARTTLS, REP_ERR_INVALID, utf8("TLS is already on"));
            return;
        }
        if (!link.canStartTls()) {
            optionReply(OPT_STARTTLS, REP_ERR_UNSUP, utf8("this listener has no TLS (the Unix socket and loopback need none)"));
            return;
        }
        if (data.length != 0) {
            optionReply(OPT_STARTTLS, REP_ERR_INVALID, utf8("STARTTLS takes no data"));
            return;
        }
        optionReply(OPT_STARTTLS, REP_ACK, new byte[0]);
        NbdLink tls = link.startTls();
        link = tls;
        in = new DataInputStream(new BufferedInputStream(tls.in(), 64 * 1024));
        out = tls.out();
        log.debug("NBD client {} started TLS", tls.peer());
    }

    /**
     * Whether this connection's client may use the export (the attachments made through the REST API);
     * a refusal is answered like an unknown export would be, with the reason.
     */
    private VolumeException refusal(String exportName) {
        try {
            access.check(exportName, link.client());
            return null;
        } catch (VolumeException e) {
            log.warn("NBD client {} ({}) refused export {}: {}", link.peer(), link.client(), exportName, e.getMessage());
            return e;
        }
    }

    private boolean exportName(byte[] data) throws IOException {
        String name = decodeName(data);
        if (name == null) {
            throw new ProtocolViolation("export name is not UTF-8");
        }
        BlockDevice d;
        try {
            VolumeException refused = refusal(name);
            if (refused != null) {
                throw refused;
            }
            d = exports.open(name);
        } catch (VolumeException e) {
            // EXPORT_NAME has no way to say no but closing the connection.
            throw new ProtocolViolation("export " + name + " refused: " + e.getMessage());
        }
        synchronized (this) {
            device = d;
        }
        ByteBuffer b = ByteBuffer.allocate(10 + (noZeroes ? 0 : 124));
        b.putLong(d.size()).putShort((short) transmissionFlags(d.readOnly()));
        out.write(b.array());
        log.info("NBD client {} attached {} (EXPORT_NAME)", link.peer(), d.description());
        return true;
    }

    private int transmissionFlags(boolean readOnly) {
        int f = TF_HAS_FLAGS | TF_SEND_FLUSH | TF_SEND_FUA | TF_CAN_MULTI_CONN;
        if (readOnly) {
            f |= TF_READ_ONLY;
        } else {
            f |= TF_SEND_TRIM | TF_SEND_WRITE_ZEROES;
        }
        if (structured) {
            f |= TF_SEND_DF;
        }
        return f;
    }

    /** NBD_OPT_INFO and NBD_OPT_GO; true if GO succeeded. */
    private boolean infoOrGo(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (b.remaining() < 6) {
            optionReply(option, REP_ERR_INVALID, utf8("truncated request"));
            return false;
        }
        int nameLength = b.getInt();
        if (nameLength < 0 || nameLength > b.remaining() - 2) {
            optionReply(option, REP_ERR_INVALID, utf8("bad name length"));
            return false;
        }
        byte[] nameBytes = new byte[nameLength];
        b.get(nameBytes);
        int requests = Short.toUnsignedInt(b.getShort());
        if (b.remaining() != 2 * requests) {
            optionReply(option, REP_ERR_INVALID, utf8("bad information request count"));
            return false;
        }
        List<Integer> wanted = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            wanted.add(Short.toUnsignedInt(b.getShort()));
        }
        String name = decodeName(nameBytes);
        if (name == null) {
            optionReply(option, REP_ERR_INVALID, utf8("export name is not UTF-8"));
            return false;
        }
        VolumeException refused = refusal(name);
        if (refused != null) {
            optionReply(option, REP_ERR_POLICY, utf8(refused.getMessage()));
            return false;
        }
        long size;
        boolean readOnly;
        String description;
        BlockDevice opened = null;
        if (option == OPT_GO) {
            try {
                opened = exports.open(name);
            } catch (VolumeException e) {
                int code = e.status() == 404 ? REP_ERR_UNKNOWN : e.status() == 409 ? REP_ERR_POLICY : REP_ERR_INVALID;
                optionReply(option, code, utf8(e.getMessage()));
                return false;
            } catch (RuntimeException e) {
                log.warn("opening export {} failed", name, e);
                optionReply(option, REP_ERR_SHUTDOWN, utf8("the store cannot serve this export now"));
                return false;
            }
            size = opened.size();
            readOnly = opened.readOnly();
            description = opened.description();
        } else {
            var info = exports.describe(name);
            if (info.isEmpty()) {
                optionReply(option, REP_ERR_UNKNOWN, utf8("no export named " + name));
                return false;
            }
            size = info.get().size();
            readOnly = info.get().readOnly();
            description = info.get().description();
        }
        try {
            optionReply(option, REP_INFO, ByteBuffer.allocate(12).putShort((short) INFO_EXPORT).putLong(size)
                    .putShort((short) transmissionFlags(readOnly)).array());
            if (wanted.contains(INFO_NAME)) {
                optionReply(option, REP_INFO, ByteBuffer.allocate(2 + nameLength).putShort((short) INFO_NAME)
                        .put(nameBytes).array());
            }
            if (wanted.contains(INFO_DESCRIPTION)) {
                byte[] d = utf8(description);
                optionReply(option, REP_INFO, ByteBuffer.allocate(2 + d.length).putShort((short) INFO_DESCRIPTION)
                        .put(d).array());
            }
            if (wanted.contains(INFO_BLOCK_SIZE)) {
                optionReply(option, REP_INFO, ByteBuffer.allocate(14).putShort((short) INFO_BLOCK_SIZE)
                        .putInt(1).putInt(PREFERRED_BLOCK).putInt(MAX_PAYLOAD).array());
            }
            optionReply(option, REP_ACK, new byte[0]);
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            throw e;
        }
        if (opened != null) {
            synchronized (this) {
                device = opened;
            }
            log.info("NBD client {} attached {}", link.peer(), description);
            return true;
        }
        return false;
    }

    private void metaContext(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        List<String> queries = new ArrayList<>();
        String export;
        try {
            int nameLength = b.getInt();
            if (nameLength < 0 || nameLength > b.remaining()) {
                throw new IllegalArgumentException();
            }
            byte[] name = new byte[nameLength];
            b.get(name);
            export = decodeName(name);
            int count = b.getInt();
            if (count < 0 || count > 1024) {
                throw new IllegalArgumentException();
            }
            for (int i = 0; i < count; i++) {
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new IllegalArgumentException();
                }
                byte[] q = new byte[len];
                b.get(q);
                queries.add(new String(q, StandardCharsets.UTF_8));
            }
            if (b.hasRemaining() || export == null) {
                throw new IllegalArgumentException();
            }
        } catch (RuntimeException e) {
            optionReply(option, REP_ERR_INVALID, utf8("malformed meta context request"));
            return;
        }
        if (option == OPT_SET_META_CONTEXT && !structured) {
            optionReply(option, REP_ERR_INVALID, utf8("negotiate structured replies first"));
            return;
        }
        VolumeException refused = refusal(export);
        if (refused != null) {
            optionReply(option, REP_ERR_POLICY, utf8(refused.getMessage()));
            return;
        }
        if (exports.describe(export).isEmpty()) {
            optionReply(option, REP_ERR_UNKNOWN, utf8("no export named " + export));
            return;
        }
        boolean match = option == OPT_LIST_META_CONTEXT && queries.isEmpty();
        for (String q : queries) {
            if (q.equals(BASE_ALLOCATION) || (option == OPT_LIST_META_CONTEXT && q.equals("base:"))) {
                match = true;
            }
        }
        if (match) {
            byte[] n = utf8(BASE_ALLOCATION);
            optionReply(option, REP_META_CONTEXT, ByteBuffer.allocate(4 + n.length).putInt(BASE_ALLOCATION_ID).put(n).array());
        }
        if (option == OPT_SET_META_CONTEXT) {
            metaContext = match;
        }
        optionReply(option, REP_ACK, new byte[0]);
    }

    private void optionReply(int option, int type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(20 + data.length).putLong(REPLY_MAGIC).putInt(option).putInt(type)
                .putInt(data.length).put(data).array());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String decodeName(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- transmission

    /** One request read off the wire; {@code grant} is its share of the payload budget. */
    private record Request(int type, int flags, long handle, long offset, long length, byte[] payload,
                           PayloadBudget.Grant grant) {
    }

    private void transmission() throws IOException, InterruptedException {
        byte[] header = new byte[28];
        while (true) {
            in.readFully(header);
            ByteBuffer h = ByteBuffer.wrap(header);
            int magic = h.getInt();
            if (magic != REQUEST_MAGIC) {
                throw new ProtocolViolation("bad request magic " + Integer.toHexString(magic));
            }
            int flags = Short.toUnsignedInt(h.getShort());
            int type = Short.toUnsignedInt(h.getShort());
            long handle = h.getLong();
            long offset = h.getLong();
            long length = Integer.toUnsignedLong(h.getInt());
            if (type == CMD_DISC) {
                return; // run() lets the requests in flight finish before closing
            }
            if (type == CMD_WRITE && length > MAX_PAYLOAD) {
                throw new ProtocolViolation("write of " + length + " bytes (at most " + MAX_PAYLOAD + ")");
            }
            // Memory first: a slot, then the bytes this request will hold, before anything is allocated.
            while (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    return;
                }
            }
            long bytes = type == CMD_WRITE ? length : type == CMD_READ && length <= MAX_PAYLOAD ? 28 + length : 0;
            PayloadBudget.Grant grant = budget.take(share, bytes, () -> closed);
            if (grant == null) {
                slots.release();
                return;
            }
            Request r;
            try {
                byte[] payload = null;
                if (type == CMD_WRITE) {
                    payload = new byte[(int) length];
                    stalledSince = System.nanoTime();
                    in.readFully(payload);
                    stalledSince = 0;
                }
                r = new Request(type, flags, handle, offset, length, payload, grant);
                synchronized (this) {
                    running++;
                }
            } catch (IOException | RuntimeException e) {
                grant.release();
                slots.release();
                throw e;
            }
            try {
                lane.execute(() -> run(r));
            } catch (RuntimeException e) {
                done(r, null);
                throw e;
            }
        }
    }

    /** Runs one request on a worker. Requests run concurrently: a write waiting for the disk holds up no read. */
    private void run(Request r) {
        long t0 = System.nanoTime();
        byte[] reply = null;
        try {
            reply = handle(r);
            metrics.served(r.type(), System.nanoTime() - t0);
        } finally {
            done(r, reply);
        }
    }

    /**
     * A request is done with the device: its reply is queued. A READ's reply keeps the request's bytes
     * until it is sent; other replies are 16 bytes, so their bytes (a WRITE's applied payload) go back now.
     */
    private void done(Request r, byte[] reply) {
        synchronized (this) {
            if (--running == 0) {
                notifyAll();
            }
        }
        if (reply == null) {
            r.grant().release();
            slots.release();
        } else if (r.type() == CMD_READ) {
            send(reply, r.grant());
        } else {
            r.grant().release();
            send(reply, PayloadBudget.Grant.NONE);
        }
    }

    /** Runs a request against the device and returns its reply (never throws: failures are error replies). */
    private byte[] handle(Request r) {
        BlockDevice d = device;
        int type = r.type();
        long handle = r.handle();
        long offset = r.offset();
        long length = r.length();
        int flags = r.flags();
        int known = CMD_FLAG_FUA | CMD_FLAG_NO_HOLE | CMD_FLAG_DF | CMD_FLAG_REQ_ONE | CMD_FLAG_FAST_ZERO;
        if (d == null) {
            return error(type, handle, ESHUTDOWN, "the connection is closing");
        }
        if ((flags & ~known) != 0) {
            return error(type, handle, EINVAL, "unknown command flags");
        }
        boolean inRange = offset >= 0 && offset <= d.size() && length <= d.size() - offset;
        boolean fua = (flags & CMD_FLAG_FUA) != 0;
        try {
            switch (type) {
                case CMD_READ -> {
                    if (!inRange || length > MAX_PAYLOAD) {
                        return error(type, handle, length > MAX_PAYLOAD ? EOVERFLOW : EINVAL, "read outside the export");
                    }
                    byte[] reply = read(d, handle, offset, (int) length);
                    metrics.bytes(type, length);
                    return reply;
                }
                case CMD_WRITE -> {
                    if (d.readOnly()) {
                        return error(type, handle, EPERM, "read-only export");
                    } else if (!inRange) {
                        return error(type, handle, ENOSPC, "write past the end of the export");
                    }
                    d.write(offset, r.payload(), 0, r.payload().length, fua);
                    metrics.bytes(type, length);
                    return simpleReply(handle, 0);
                }
                case CMD_FLUSH -> {
                    d.flush();
                    return simpleReply(handle, 0);
                }
                case CMD_TRIM, CMD_WRITE_ZEROES -> {
                    if (d.readOnly()) {
                        return error(type, handle, EPERM, "read-only export");
                    } else if (!inRange) {
                        return error(type, handle, ENOSPC, "range past the end of the export");
                    } else if (type == CMD_WRITE_ZEROES && (flags & CMD_FLAG_FAST_ZERO) != 0) {
                        return error(type, handle, ENOTSUP, "fast zero is not offered");
                    }
                    if (type == CMD_TRIM) {
                        d.trim(offset, length, fua);
                    } else {
                        d.writeZeroes(offset, length, fua, (flags & CMD_FLAG_NO_HOLE) != 0);
                    }
                    metrics.bytes(type, length);
                    return simpleReply(handle, 0);
                }
                case CMD_BLOCK_STATUS -> {
                    if (!metaContext) {
                        return error(type, handle, EINVAL, "no meta context was negotiated");
                    } else if (!inRange || length == 0) {
                        return error(type, handle, EINVAL, "block status outside the export");
                    }
                    return blockStatus(d, handle, offset, length, (flags & CMD_FLAG_REQ_ONE) != 0);
                }
                default -> {
                    return error(type, handle, EINVAL, "unknown command " + type);
                }
            }
        } catch (VolumeException e) {
            int err = switch (e.status()) {
                case 400 -> EINVAL;
                case 403 -> EPERM;
                default -> EIO;
            };
            log.warn("{}: command {} at {}+{} refused: {}", d.description(), type, offset, length, e.getMessage());
            return error(type, handle, err, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("{}: command {} at {}+{} failed", d.description(), type, offset, length, e);
            return error(type, handle, EIO, "I/O error");
        }
    }

    /** A READ's reply, header and data in one array (its bytes were taken from the budget before this call). */
    private byte[] read(BlockDevice d, long handle, long offset, int length) {
        if (structured) {
            if (length == 0) {
                return chunkHeader(REPLY_FLAG_DONE, REPLY_TYPE_NONE, handle, 0).array();
            }
            byte[] reply = new byte[20 + 8 + length];
            d.read(offset, reply, 28, length);
            ByteBuffer.wrap(reply).putInt(STRUCTURED_REPLY_MAGIC).putShort((short) REPLY_FLAG_DONE)
                    .putShort((short) REPLY_TYPE_OFFSET_DATA).putLong(handle).putInt(8 + length).putLong(offset);
            return reply;
        }
        byte[] reply = new byte[16 + length];
        d.read(offset, reply, 16, length);
        ByteBuffer.wrap(reply).putInt(SIMPLE_REPLY_MAGIC).putInt(0).putLong(handle);
        return reply;
    }

    private byte[] blockStatus(BlockDevice d, long handle, long offset, long length, boolean one) {
        List<BlockDevice.Extent> extents = d.extents(offset, length, one);
        ByteBuffer b = chunkHeader(REPLY_FLAG_DONE, REPLY_TYPE_BLOCK_STATUS, handle, 4 + 8 * extents.size(),
                4 + 8 * extents.size());
        b.putInt(BASE_ALLOCATION_ID);
        for (BlockDevice.Extent e : extents) {
            b.putInt((int) e.length()).putInt(e.flags());
        }
        return b.array();
    }

    private static ByteBuffer chunkHeader(int flags, int type, long handle, int length) {
        return chunkHeader(flags, type, handle, length, 0);
    }

    private static ByteBuffer chunkHeader(int flags, int type, long handle, int length, int extra) {
        return ByteBuffer.allocate(20 + extra).putInt(STRUCTURED_REPLY_MAGIC).putShort((short) flags)
                .putShort((short) type).putLong(handle).putInt(length);
    }

    private static byte[] simpleReply(long handle, int error) {
        return ByteBuffer.allocate(16).putInt(SIMPLE_REPLY_MAGIC).putInt(error).putLong(handle).array();
    }

    /** An error reply: a structured error chunk where a structured reply is due (READ, BLOCK_STATUS), else simple. */
    private byte[] error(int type, long handle, int errno, String message) {
        metrics.error(type);
        if (structured && (type == CMD_READ || type == CMD_BLOCK_STATUS)) {
            byte[] m = utf8(message.length() > 200 ? message.substring(0, 200) : message);
            ByteBuffer b = chunkHeader(REPLY_FLAG_DONE, REPLY_TYPE_ERROR, handle, 6 + m.length, 6 + m.length);
            b.putInt(errno).putShort((short) m.length).put(m);
            return b.array();
        }
        return simpleReply(handle, errno);
    }
}
