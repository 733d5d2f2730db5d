package io.tessera.volumes.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A minimal NBD client speaking the wire format directly, over any stream (TCP socket, Unix socket);
 * public for the NBD tests of the volumes package.
 */
public class NbdTestClient implements AutoCloseable {
    public final DataInputStream in;
    final OutputStream out;
    private final Closeable connection;

    /** Connects and reads the server's greeting (10 s read timeout). */
    public NbdTestClient(Socket s) throws IOException {
        this(configure(s).getInputStream(), s.getOutputStream(), s);
    }

    NbdTestClient(InputStream in, OutputStream out, Closeable connection) throws IOException {
        this.in = new DataInputStream(in);
        this.out = out;
        this.connection = connection;
        assertThat(this.in.readLong()).isEqualTo(Nbd.NBDMAGIC);
        assertThat(this.in.readLong()).isEqualTo(Nbd.IHAVEOPT);
        assertThat(this.in.readShort()).isEqualTo((short) 3);
    }

    private static Socket configure(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        return s;
    }

    void clientFlags(int flags) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(flags).array());
    }

    void option(int option, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(16 + data.length).putLong(Nbd.IHAVEOPT).putInt(option).putInt(data.length)
                .put(data).array());
    }

    record OptReply(int option, int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    OptReply optReply() throws IOException {
        assertThat(in.readLong()).isEqualTo(Nbd.REPLY_MAGIC);
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptReply(option, type, data);
    }

    static byte[] goData(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length).putInt(n.length).put(n)
                .putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    static byte[] metaData(String name, String... queries) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int len = 4 + n.length + 4;
        for (String q : queries) {
            len += 4 + q.length();
        }
        ByteBuffer b = ByteBuffer.allocate(len).putInt(n.length).put(n).putInt(queries.length);
        for (String q : queries) {
            b.putInt(q.length()).put(q.getBytes(StandardCharsets.UTF_8));
        }
        return b.array();
    }

    /** Structured replies, base:allocation, GO: the sequence qemu and libnbd use. Returns the export's size. */
    public long attach(String name) throws IOException {
        clientFlags(3);
        option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
        assertThat(optReply().type()).isEqualTo(Nbd.REP_ACK);
        option(Nbd.OPT_SET_META_CONTEXT, metaData(name, "base:allocation"));
        OptReply ctx = optReply();
        assertThat(ctx.type()).as(ctx.text()).isEqualTo(Nbd.REP_META_CONTEXT);
        assertThat(ByteBuffer.wrap(ctx.data()).getInt()).isEqualTo(Nbd.BASE_ALLOCATION_ID);
        assertThat(optReply().type()).isEqualTo(Nbd.REP_ACK);
        option(Nbd.OPT_GO, goData(name, Nbd.INFO_BLOCK_SIZE));
        OptReply export = optReply();
        assertThat(export.type()).as(export.text()).isEqualTo(Nbd.REP_INFO);
        ByteBuffer e = ByteBuffer.wrap(export.data());
        assertThat(e.getShort()).isEqualTo((short) Nbd.INFO_EXPORT);
        long size = e.getLong();
        OptReply bs = optReply();
        assertThat(ByteBuffer.wrap(bs.data()).getShort()).isEqualTo((short) Nbd.INFO_BLOCK_SIZE);
        assertThat(optReply().type()).isEqualTo(Nbd.REP_ACK);
        return size;
    }

    public void request(int type, int flags, long handle, long offset, int length, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + (payload == null ? 0 : payload.length)).putInt(Nbd.REQUEST_MAGIC)
                .putShort((short) flags).putShort((short) type).putLong(handle).putLong(offset).putInt(length);
        if (payload != null) {
            b.put(payload);
        }
        out.write(b.array());
    }

    /** Sends a WRITE and does not wait for its reply. */
    public void sendWrite(long handle, long offset, byte[] data) throws IOException {
        request(Nbd.CMD_WRITE, 0, handle, offset, data.length, data);
    }

    /** The next reply, a simple one, whatever its handle (pipelined replies come in any order): its error. */
    public int nextSimpleReplyError() throws IOException {
        assertThat(in.readInt()).isEqualTo(Nbd.SIMPLE_REPLY_MAGIC);
        int error = in.readInt();
        in.readLong();
        return error;
    }

    /** A simple reply: its error. */
    int simpleReply(long handle) throws IOException {
        assertThat(in.readInt()).isEqualTo(Nbd.SIMPLE_REPLY_MAGIC);
        int error = in.readInt();
        assertThat(in.readLong()).isEqualTo(handle);
        return error;
    }

    record Chunk(int flags, int type, byte[] payload) {
    }

    Chunk chunk(long handle) throws IOException {
        assertThat(in.readInt()).isEqualTo(Nbd.STRUCTURED_REPLY_MAGIC);
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        assertThat(in.readLong()).isEqualTo(handle);
        byte[] p = new byte[in.readInt()];
        in.readFully(p);
        return new Chunk(flags, type, p);
    }

    /** A structured READ of {@code length} bytes at {@code offset}: the data. */
    public byte[] read(long handle, long offset, int length) throws IOException {
        request(Nbd.CMD_READ, 0, handle, offset, length, null);
        Chunk c = chunk(handle);
        assertThat(c.type()).isEqualTo(Nbd.REPLY_TYPE_OFFSET_DATA);
        ByteBuffer p = ByteBuffer.wrap(c.payload());
        assertThat(p.getLong()).isEqualTo(offset);
        byte[] data = new byte[length];
        p.get(data);
        return data;
    }

    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
