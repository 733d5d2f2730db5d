package io.tessera.volumes.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * The byte stream under one NBD connection, and who is at the other end ({@link #client()}): what an
 * export's attachment names. A client on the Unix-domain socket, or on plain TCP (allowed on loopback
 * only), is {@value #LOCAL}: the socket file's permissions, or the loopback interface, said it may
 * connect. A client over TLS is the common name (CN) of the certificate it presented, which the CA
 * signed. Reads and writes may run at once on two threads (the reader and the sender).
 */
abstract class NbdLink implements Closeable {
    static final String LOCAL = "local";

    abstract InputStream in() throws IOException;

    abstract OutputStream out() throws IOException;

    /** For logs: the peer's address. */
    abstract String peer();

    /** Who the client is, for attachment checks; null while a TLS listener's client has not started TLS. */
    abstract String client();

    /** True if this listener serves nothing before NBD_OPT_STARTTLS. */
    boolean tlsRequired() {
        return false;
    }

    /** True if NBD_OPT_STARTTLS is offered now. */
    boolean canStartTls() {
        return false;
    }

    /** Runs the server side of a TLS handshake (client certificate required) and returns the TLS link. */
    NbdLink startTls() throws IOException {
        throw new UnsupportedOperationException("no TLS on this link");
    }

    /** A TCP connection: plain (loopback only) when {@code tls} is null, else TLS required before anything. */
    static final class Tcp extends NbdLink {
        private final Socket socket;
        private final SSLContext tls;

        Tcp(Socket socket, SSLContext tls) throws IOException {
            this.socket = socket;
            this.tls = tls;
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
        }

        InputStream in() throws IOException {
            return socket.getInputStream();
        }

        OutputStream out() throws IOException {
            return socket.getOutputStream();
        }

        String peer() {
            return String.valueOf(socket.getRemoteSocketAddress());
        }

        String client() {
            return tls == null ? LOCAL : null;
        }

        @Override
        boolean tlsRequired() {
            return tls != null;
        }

        @Override
        boolean canStartTls() {
            return tls != null;
        }

        @Override
        NbdLink startTls() throws IOException {
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, socket.getInetAddress().getHostAddress(),
                    socket.getPort(), true);
            s.setUseClientMode(false);
            s.setNeedClientAuth(true);
            s.startHandshake();
            return new TlsTcp(s, commonName(s));
        }

        public void close() throws IOException {
            socket.close();
        }
    }

    /** A TCP connection after STARTTLS. */
    static final class TlsTcp extends NbdLink {
        private final SSLSocket socket;
        private final String client;

        TlsTcp(SSLSocket socket, String client) {
            this.socket = socket;
            this.client = client;
        }

        InputStream in() throws IOException {
            return socket.getInputStream();
        }

        OutputStream out() throws IOException {
            return socket.getOutputStream();
        }

        String peer() {
            return socket.getRemoteSocketAddress() + " (TLS, " + client + ")";
        }

        String client() {
            return client;
        }

        public void close() throws IOException {
            socket.close();
        }
    }

    /** A connection on the Unix-domain socket. */
    static final class Unix extends NbdLink {
        private final SocketChannel channel;
        private final String name;

        Unix(SocketChannel channel, String name) {
            this.channel = channel;
            this.name = name;
        }

        InputStream in() {
            return new InputStream() {
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
                }
            };
        }

        OutputStream out() {
            return new OutputStream() {
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                }
            };
        }

        String peer() {
            return name;
        }

        String client() {
            return LOCAL;
        }

        public void close() throws IOException {
            channel.close();
        }
    }

    /** The CN of the client certificate of a TLS session. */
    static String commonName(SSLSocket s) throws SSLPeerUnverifiedException {
        Certificate[] chain = s.getSession().getPeerCertificates();
        String dn = ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
        try {
            for (Rdn rdn : new LdapName(dn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new SSLPeerUnverifiedException("unreadable certificate subject " + dn);
        }
        throw new SSLPeerUnverifiedException("the client certificate " + dn + " has no CN");
    }
}
