package io.tessera.server.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * How {@code bin/tessera gc|scrub|fsck|stats} finds the server that holds the store: while it runs, the
 * server keeps {@code <data dir>/admin-endpoint}, readable by its owner only, with the loopback URL of
 * its admin API and a random token generated at start. Whoever can read the data folder may run
 * maintenance, nobody else: the admin API answers only requests that carry the token and come from
 * this machine.
 */
public record AdminEndpoint(String url, String token) {
    public static final String FILE = "admin-endpoint";
    public static final String TOKEN_HEADER = "X-Tessera-Admin-Token";

    public static AdminEndpoint create(int port) {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return new AdminEndpoint("http://127.0.0.1:" + port, HexFormat.of().formatHex(b));
    }

    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, "url=" + url + "\ntoken=" + token + "\n");
        Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Optional<AdminEndpoint> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String url = p.getProperty("url");
        String token = p.getProperty("token");
        return url == null || token == null ? Optional.empty() : Optional.of(new AdminEndpoint(url, token));
    }

    /** Removes the file if it is still this server's (a newer server may have replaced it). */
    public void remove(Path dataDir) {
        if (read(dataDir).filter(this::equals).isPresent()) {
            try {
                Files.deleteIfExists(dataDir.resolve(FILE));
            } catch (IOException ignored) {
                // a stale file is harmless: the CLI finds nobody listening and runs in-process
            }
        }
    }
}
