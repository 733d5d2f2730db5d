package io.tessera.volumes.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.volumes.VolumeException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The NBD framing, byte by byte, against an in-memory device: handshake, replies, errors, isolation. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NbdServerTest {
    private final MetricRegistry metrics = new MetricRegistry();
    private static final int SIZE = 1 << 20;

    /** A RAM disk whose second half reads as a hole. */
    static final class MemoryDevice implements BlockDevice {
        final byte[] data = new byte[SIZE];
        final boolean ro;
        int flushes;

        MemoryDevice(boolean ro) {
            this.ro = ro;
        }

        public long size() {
            return SIZE;
        }

        public boolean readOnly() {
            return ro;
        }

        public String description() {
            return "memory";
        }

        public void read(long offset, byte[] dest, int destOff, int len) {
            System.arraycopy(data, (int) offset, dest, destOff, len);
        }

        public void write(long offset, byte[] src, int srcOff, int len, boolean fua) {
            System.arraycopy(src, srcOff, data, (int) offset, len);
        }

        public void writeZeroes(long offset, long len, boolean fua, boolean noHole) {
            Arrays.fill(data, (int) offset, (int) (offset + len), (byte) 0);
        }

        public void trim(long offset, long len, boolean fua) {
            writeZeroes(offset, len, fua, false);
        }

        public void flush() {
            flushes++;
        }

        public List<Extent> extents(long offset, long len, boolean one) {
            List<Extent> out = new ArrayList<>();
            long half = SIZE / 2;
            if (offset < half) {
                out.add(new Extent(Math.min(len, half - offset), 0));
                if (one || offset + len <= half) {
                    return out;
                }
                out.add(new Extent(offset + len - half, 3));
            } else {
                out.add(new Extent(len, 3));
            }
            return out;
        }

        public void close() {
        }
    }

    MemoryDevice disk = new MemoryDevice(false);
    NbdServer server;

    @BeforeEach
    void start() throws IOException {
        ExportResolver exports = new ExportResolver() {
            public Optional<ExportInfo> describe(String name) {
                return switch (name) {
                    case "disk" -> Optional.of(new ExportInfo(SIZE, false, "memory"));
                    case "ro" -> Optional.of(new ExportInfo(SIZE, true, "memory"));
                    default -> Optional.empty();
                };
            }

            public BlockDevice open(String name) {
                return switch (name) {
                    case "disk" -> disk;
                    case "ro" -> new MemoryDevice(true);
                    case "busy" -> throw VolumeException.conflict("busy elsewhere");
                    default -> throw VolumeException.notFound(name);
                };
            }
        };
        server = new NbdServer(exports, "127.0.0.1", 0, Set.of(InetAddress.getByName("127.0.0.1")), NbdLimits.DEFAULTS,
                new NbdMetrics(metrics));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The test client, connected over TCP to this test's server. */
    final class Client extends NbdTestClient {
        Client() throws IOException {
            super(new Socket("127.0.0.1", server.port()));
        }

        @Override
        public long attach(String name) throws IOException {
            long size = super.attach(name);
            assertThat(size).isEqualTo(SIZE);
            return size;
        }
    }

    @Test
    void writeThenStructuredReadRoundTripsAndHandlesAreEchoed() throws Exception {
        try (Client c = new Client()) {
            c.attach("disk");
            byte[] data = new byte[5000];
            Arrays.fill(data, (byte) 0x5a);
            c.request(Nbd.CMD_WRITE, Nbd.CMD_FLAG_FUA, 0x1122334455667788L, 1001, data.length, data);
            assertThat(c.simpleReply(0x1122334455667788L)).isZero();
            c.request(Nbd.CMD_READ, 0, 42, 1000, 5002, null);
            Client.Chunk read = c.chunk(42);
            assertThat(read.type()).isEqualTo(Nbd.REPLY_TYPE_OFFSET_DATA);
            assertThat(read.flags()).isEqualTo(Nbd.REPLY_FLAG_DONE);
            ByteBuffer p = ByteBuffer.wrap(read.payload());
            assertThat(p.getLong()).isEqualTo(1000);
            byte[] got = new byte[5002];
            p.get(got);
            assertThat(got[0]).isZero();
            assertThat(got[5001]).isZero();
            assertThat(Arrays.copyOfRange(got, 1, 5001)).isEqualTo(data);
            c.request(Nbd.CMD_FLUSH, 0, 7, 0, 0, null);
            assertThat(c.simpleReply(7)).isZero();
            assertThat(disk.flushes).isEqualTo(1);
            c.request(Nbd.CMD_DISC, 0, 8, 0, 0, null);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void ioIsCountedByCommand() throws Exception {
        try (Client c = new Client()) {
            c.attach("disk");
            c.request(Nbd.CMD_WRITE, 0, 1, 0, 5000, new byte[5000]);
            assertThat(c.simpleReply(1)).isZero();
            c.request(Nbd.CMD_READ, 0, 2, 0, 4096, null);
            c.chunk(2);
            c.request(Nbd.CMD_READ, 0, 3, 4096, 1000, null);
            c.chunk(3);
            c.request(Nbd.CMD_READ, 0, 4, SIZE - 10, 20, null); // outside the export: an error
            c.chunk(4);
            c.request(Nbd.CMD_FLUSH, 0, 5, 0, 0, null);
            assertThat(c.simpleReply(5)).isZero();
            assertThat(metrics.getGauges().get("nbd.connections").getValue()).isEqualTo(1);
            // The counts are taken right after each reply is sent: wait for the last one to land.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (metrics.timer("nbd.requests{command=\"flush\"}").getCount() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(metrics.timer("nbd.requests{command=\"write\"}").getCount()).isEqualTo(1);
            assertThat(metrics.timer("nbd.requests{command=\"read\"}").getCount()).isEqualTo(3);
            assertThat(metrics.timer("nbd.requests{command=\"flush\"}").getCount()).isEqualTo(1);
            assertThat(metrics.counter("nbd.bytes{command=\"write\"}").getCount()).isEqualTo(5000);
            assertThat(metrics.counter("nbd.bytes{command=\"read\"}").getCount()).as("the refused read moved nothing").isEqualTo(5096);
            assertThat(metrics.counter("nbd.errors{command=\"read\"}").getCount()).isEqualTo(1);
            assertThat(metrics.counter("nbd.errors{command=\"write\"}").getCount()).isZero();
        }
    }

    @Test
    void pipelinedRequestsAreAllAnsweredEachUnderItsOwnHandle() throws Exception {
        for (int i = 0; i < 64; i++) {
            disk.data[i * 4096] = (byte) i;
        }
        try (Client c = new Client()) {
            c.attach("disk");
            for (int i = 0; i < 64; i++) {
                c.request(Nbd.CMD_READ, 0, 1000 + i, i * 4096L, 4096, null);
            }
            boolean[] seen = new boolean[64];
            for (int n = 0; n < 64; n++) {
                assertThat(c.in.readInt()).isEqualTo(Nbd.STRUCTURED_REPLY_MAGIC);
                assertThat(c.in.readUnsignedShort()).isEqualTo(Nbd.REPLY_FLAG_DONE);
                assertThat(c.in.readUnsignedShort()).isEqualTo(Nbd.REPLY_TYPE_OFFSET_DATA);
                int i = (int) (c.in.readLong() - 1000);
                byte[] p = new byte[c.in.readInt()];
                c.in.readFully(p);
                assertThat(seen[i]).isFalse();
                seen[i] = true;
                assertThat(ByteBuffer.wrap(p).getLong()).isEqualTo(i * 4096L);
                assertThat(p[8]).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void outOfRangeAndUnknownRequestsGetErrorsAndTheConnectionGoesOn() throws Exception {
        try (Client c = new Client()) {
            c.attach("disk");
            c.request(Nbd.CMD_READ, 0, 1, SIZE - 10, 20, null);
            Client.Chunk err = c.chunk(1);
            assertThat(err.type()).isEqualTo(Nbd.REPLY_TYPE_ERROR);
            assertThat(ByteBuffer.wrap(err.payload()).getInt()).isEqualTo(Nbd.EINVAL);
            c.request(Nbd.CMD_WRITE, 0, 2, SIZE, 4, new byte[4]);
            assertThat(c.simpleReply(2)).isEqualTo(Nbd.ENOSPC);
            c.request(Nbd.CMD_READ, 0, 3, -1L, 4, null);
            assertThat(ByteBuffer.wrap(c.chunk(3).payload()).getInt()).isEqualTo(Nbd.EINVAL);
            c.request(99, 0, 4, 0, 0, null);
            assertThat(c.simpleReply(4)).isEqualTo(Nbd.EINVAL);
            c.request(Nbd.CMD_WRITE_ZEROES, 0x100, 5, 0, 4, null); // unknown flag
            assertThat(c.simpleReply(5)).isEqualTo(Nbd.EINVAL);
            c.request(Nbd.CMD_WRITE_ZEROES, Nbd.CMD_FLAG_FAST_ZERO, 6, 0, 4, null);
            assertThat(c.simpleReply(6)).isEqualTo(Nbd.ENOTSUP);
            // still serving
            c.request(Nbd.CMD_READ, 0, 9, 0, 16, null);
            assertThat(c.chunk(9).type()).isEqualTo(Nbd.REPLY_TYPE_OFFSET_DATA);
        }
    }

    @Test
    void blockStatusTilesTheRangeAndHonoursReqOne() throws Exception {
        try (Client c = new Client()) {
            c.attach("disk");
            c.request(Nbd.CMD_BLOCK_STATUS, 0, 1, SIZE / 2 - 100, 300, null);
            ByteBuffer p = ByteBuffer.wrap(c.chunk(1).payload());
            assertThat(p.getInt()).isEqualTo(Nbd.BASE_ALLOCATION_ID);
            assertThat(new int[] {p.getInt(), p.getInt(), p.getInt(), p.getInt()}).containsExactly(100, 0, 200, 3);
            c.request(Nbd.CMD_BLOCK_STATUS, Nbd.CMD_FLAG_REQ_ONE, 2, SIZE / 2 - 100, 300, null);
            assertThat(c.chunk(2).payload()).hasSize(4 + 8);
        }
    }

    @Test
    void readOnlyExportsRefuseWrites() throws Exception {
        try (Client c = new Client()) {
            c.clientFlags(1); // fixed newstyle, zeroes wanted
            c.option(Nbd.OPT_EXPORT_NAME, "ro".getBytes(StandardCharsets.UTF_8));
            assertThat(c.in.readLong()).isEqualTo(SIZE);
            int flags = c.in.readUnsignedShort();
            assertThat(flags & Nbd.TF_READ_ONLY).isNotZero();
            c.in.readFully(new byte[124]);
            c.request(Nbd.CMD_WRITE, 0, 1, 0, 4, new byte[4]);
            assertThat(c.simpleReply(1)).isEqualTo(Nbd.EPERM);
            c.request(Nbd.CMD_READ, 0, 2, 0, 8, null); // simple reply: no structured replies negotiated
            assertThat(c.simpleReply(2)).isZero();
            c.in.readFully(new byte[8]);
        }
    }

    @Test
    void optionErrorsAreRepliesNotDisconnects() throws Exception {
        try (Client c = new Client()) {
            c.clientFlags(3);
            c.option(77, new byte[3]);
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ERR_UNSUP);
            c.option(Nbd.OPT_INFO, NbdTestClient.goData("nope"));
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ERR_UNKNOWN);
            c.option(Nbd.OPT_GO, NbdTestClient.goData("busy"));
            Client.OptReply busy = c.optReply();
            assertThat(busy.type()).isEqualTo(Nbd.REP_ERR_POLICY);
            assertThat(new String(busy.data(), StandardCharsets.UTF_8)).contains("busy elsewhere");
            c.option(Nbd.OPT_GO, new byte[] {0, 0, 0, 50, 1}); // name length beyond the data
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ERR_INVALID);
            c.option(Nbd.OPT_SET_META_CONTEXT, NbdTestClient.metaData("disk", "base:allocation")); // before STRUCTURED_REPLY
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ERR_INVALID);
            c.option(Nbd.OPT_LIST_META_CONTEXT, NbdTestClient.metaData("disk"));
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_META_CONTEXT);
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ACK);
            c.option(Nbd.OPT_LIST, new byte[0]);
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ACK);
            c.option(Nbd.OPT_INFO, NbdTestClient.goData("disk", Nbd.INFO_NAME, Nbd.INFO_DESCRIPTION));
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_INFO);
            assertThat(c.optReply().data()).startsWith(0, 1, 'd', 'i', 's', 'k');
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_INFO);
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ACK);
            c.option(Nbd.OPT_ABORT, new byte[0]);
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ACK);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedHandshakesCloseOnlyTheirOwnConnection() throws Exception {
        try (Client good = new Client()) {
            good.attach("disk");
            try (Client badFlags = new Client()) {
                badFlags.clientFlags(0xFF);
                assertThat(badFlags.closedByServer()).isTrue();
            }
            try (Client badMagic = new Client()) {
                badMagic.clientFlags(3);
                badMagic.out.write(new byte[16]);
                assertThat(badMagic.closedByServer()).isTrue();
            }
            try (Client huge = new Client()) {
                huge.clientFlags(3);
                huge.out.write(ByteBuffer.allocate(16).putLong(Nbd.IHAVEOPT).putInt(Nbd.OPT_GO).putInt(-1).array());
                assertThat(huge.optReply().type()).isEqualTo(Nbd.REP_ERR_TOO_BIG);
                assertThat(huge.closedByServer()).isTrue();
            }
            try (Client badRequest = new Client()) {
                badRequest.attach("disk");
                badRequest.out.write(new byte[28]); // bad request magic
                assertThat(badRequest.closedByServer()).isTrue();
            }
            try (Client halfway = new Client()) {
                halfway.clientFlags(3);
                halfway.out.write(new byte[5]); // then vanishes
            }
            good.request(Nbd.CMD_READ, 0, 5, 0, 4096, null);
            assertThat(good.chunk(5).payload()).hasSize(8 + 4096);
        }
        try (Client later = new Client()) {
            later.attach("disk");
        }
    }

    @Test
    void clientsFromOtherHostsAreRefused() throws Exception {
        server.close();
        server = new NbdServer(new ExportResolver() {
            public Optional<ExportInfo> describe(String n) {
                return Optional.empty();
            }

            public BlockDevice open(String n) {
                throw VolumeException.notFound(n);
            }
        }, "127.0.0.1", 0, Set.of(InetAddress.getByName("10.9.8.7")));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            try {
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            } catch (EOFException | java.net.SocketException e) {
                // reset: refused as well
            }
        }
    }
}
