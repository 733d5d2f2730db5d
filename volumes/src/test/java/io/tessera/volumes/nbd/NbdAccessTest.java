package io.tessera.volumes.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.volumes.VolumeException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listeners' side of access control, on the wire: the Unix socket's mode and its "local" client,
 * the access check before an export is described or opened, TLS required before any option on a TLS
 * listener, and plain TCP refused off loopback. (TLS itself, with real clients: the server's NbdAccessEndToEndTest.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NbdAccessTest {
    @TempDir
    Path dir;
    NbdServer server;
    final List<String> asked = new CopyOnWriteArrayList<>();
    /** Lets "local" open "disk" only. */
    final ExportAccess access = (export, client) -> {
        asked.add(client + " " + export);
        if (!export.equals("disk") || !client.equals("local")) {
            throw new VolumeException(403, export + " is not attached to " + client);
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    NbdTestClient unixClient() throws Exception {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(server.socketPath()));
        return new NbdTestClient(Channels.newInputStream(ch), Channels.newOutputStream(ch), ch);
    }

    @Test
    void theUnixSocketHasItsModeServesTheLocalClientWhatItMayOpenAndIsRemovedOnClose() throws Exception {
        Path socket = dir.resolve("run/nbd.sock");
        Files.createDirectories(socket.getParent());
        Files.createFile(socket); // a regular file where the socket goes is not ours to replace
        try {
            new NbdServer(NbdLimitsTest.PATTERN, access,
                    List.of(new NbdServer.Unix(socket, PosixFilePermissions.fromString("rw-------"))), NbdLimits.DEFAULTS,
                    NbdMetrics.none()).close();
            throw new AssertionError("a regular file was replaced by the socket");
        } catch (java.io.IOException e) {
            assertThat(e.getMessage()).contains("is not a socket");
        }
        Files.delete(socket);
        server = new NbdServer(NbdLimitsTest.PATTERN, access,
                List.of(new NbdServer.Unix(socket, PosixFilePermissions.fromString("rw-------"))), NbdLimits.DEFAULTS,
                NbdMetrics.none());
        assertThat(server.port()).isEqualTo(-1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        try (NbdTestClient c = unixClient()) {
            c.clientFlags(3);
            c.option(Nbd.OPT_GO, NbdTestClient.goData("other"));
            NbdTestClient.OptReply refused = c.optReply();
            assertThat(refused.type()).isEqualTo(Nbd.REP_ERR_POLICY);
            assertThat(refused.text()).contains("not attached to local");
            c.option(Nbd.OPT_INFO, NbdTestClient.goData("other"));
            assertThat(c.optReply().type()).isEqualTo(Nbd.REP_ERR_POLICY);
            c.option(Nbd.OPT_STARTTLS, new byte[0]);
            assertThat(c.optReply().type()).as("no TLS on the Unix socket").isEqualTo(Nbd.REP_ERR_UNSUP);
        }
        try (NbdTestClient c = unixClient()) {
            assertThat(c.attach("disk")).isEqualTo(NbdLimitsTest.SIZE);
            assertThat(c.read(1, 12345, 1000)).isEqualTo(PatternDevice.expected(12345, 1000));
        }
        assertThat(asked).contains("local other", "local disk");
        // A second server on a socket someone listens on is refused; after close the file is gone.
        try {
            new NbdServer(NbdLimitsTest.PATTERN, access, List.of(new NbdServer.Unix(socket, Set.of())), NbdLimits.DEFAULTS,
                    NbdMetrics.none()).close();
            throw new AssertionError("a live socket was taken over");
        } catch (java.io.IOException e) {
            assertThat(e.getMessage()).contains("another NBD server listens");
        }
        server.close();
        assertThat(socket).doesNotExist();
        server = null;
    }

    static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    NbdServer unixServer(Path socket, String mode) throws java.io.IOException {
        return new NbdServer(NbdLimitsTest.PATTERN, access,
                List.of(new NbdServer.Unix(socket, PosixFilePermissions.fromString(mode))), NbdLimits.DEFAULTS,
                NbdMetrics.none());
    }

    /**
     * The socket is bound inside a folder that only the server's user (and, for a group mode, its group) may
     * enter, made so before the bind: between the bind and the chmod of the socket nobody else can reach it.
     * (A connect by another uid cannot be tried in a test; the modes say who can.)
     */
    @Test
    void theSocketIsBoundInAFolderOthersCannotEnterFromTheStart() throws Exception {
        // A folder the server creates: no bit for others, group traverse only if the socket's mode has group bits.
        Path fresh = dir.resolve("fresh/nbd");
        server = unixServer(fresh.resolve("nbd.sock"), "rw-rw----");
        assertThat(mode(fresh)).isEqualTo("rwxr-x---");
        assertThat(mode(fresh.resolve("nbd.sock"))).isEqualTo("rw-rw----");
        server.close();
        server = unixServer(fresh.resolve("nbd.sock"), "rw-------");
        assertThat(mode(fresh)).as("an owner-only socket: an owner-only folder").isEqualTo("rwx------");
        server.close();

        // A folder that exists wide open (umask 000, an old install): closed before the bind.
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        server = unixServer(open.resolve("nbd.sock"), "rw-rw----");
        assertThat(mode(open)).isEqualTo("rwxr-x---");
        assertThat(mode(open.resolve("nbd.sock"))).isEqualTo("rw-rw----");
        server.close();
        server = null;

        // A folder another user owns (they could swap the socket for theirs), or a link: refused.
        Path theirs = Files.createDirectories(dir.resolve("theirs"));
        var nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) { // only root can give a folder away
            Files.setOwner(theirs, nobody);
            assertThatThrownBy(() -> unixServer(theirs.resolve("nbd.sock"), "rw-rw----"))
                    .hasMessageContaining("owned by nobody");
        }
        Path link = Files.createSymbolicLink(dir.resolve("link"), open);
        assertThatThrownBy(() -> unixServer(link.resolve("nbd.sock"), "rw-rw----")).hasMessageContaining("not a folder");
        // A mode that lets every local user connect is refused outright.
        assertThatThrownBy(() -> unixServer(open.resolve("nbd.sock"), "rw-rw-rw-")).hasMessageContaining("other users");
    }

    @Test
    void aTlsListenerAnswersNothingBeforeStartTls() throws Exception {
        server = new NbdServer(NbdLimitsTest.PATTERN, access,
                List.of(new NbdServer.Tcp("127.0.0.1", 0, Set.of(InetAddress.getByName("127.0.0.1")), SSLContext.getDefault())),
                NbdLimits.DEFAULTS, NbdMetrics.none());
        try (NbdTestClient c = new NbdTestClient(new Socket("127.0.0.1", server.port()))) {
            c.clientFlags(3);
            for (int option : new int[] {Nbd.OPT_GO, Nbd.OPT_INFO, Nbd.OPT_LIST, Nbd.OPT_STRUCTURED_REPLY,
                    Nbd.OPT_LIST_META_CONTEXT}) {
                c.option(option, option == Nbd.OPT_GO || option == Nbd.OPT_INFO ? NbdTestClient.goData("disk") : new byte[0]);
                assertThat(c.optReply().type()).as("option %d", option).isEqualTo(Nbd.REP_ERR_TLS_REQD);
            }
            c.option(Nbd.OPT_EXPORT_NAME, "disk".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(c.closedByServer()).as("EXPORT_NAME in the clear ends the connection").isTrue();
        }
        assertThat(asked).as("the access check never ran: nobody is known before TLS").isEmpty();
    }

    @Test
    void plainTcpListensOnlyOnLoopback() {
        try {
            new NbdServer(NbdLimitsTest.PATTERN, access, List.of(new NbdServer.Tcp("0.0.0.0", 0, Set.of(), null)),
                    NbdLimits.DEFAULTS, NbdMetrics.none()).close();
            throw new AssertionError("plain TCP on every interface was accepted");
        } catch (Exception e) {
            assertThat(e).hasMessageContaining("only on a loopback address");
        }
    }
}
