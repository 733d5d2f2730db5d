package io.tessera.swift.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The secrets that sign auth tokens: a keyring of numbered secrets, one current (signs new tokens) and
 * any number retiring (still verify the tokens they signed until their retire time), kept in a file only
 * Tessera's user may read: a secret is the power to sign a token for any user, reseller admins included,
 * so it is never a row of the store (whose files other local users may be able to read) and a file open
 * to anyone else is refused.
 *
 * <p>File format, one secret per line: {@code <id> <64 hex digits> current|<retire epoch second>}.
 * Changed only by {@link #rotate} (a new current secret; the old one retires after an overlap), written
 * to a temporary file and renamed over the old one. A server re-reads the file when its modification time
 * changes (checked at most once a second), so a rotation takes effect without a restart. Every frontend
 * of one store must have the same file (copy it, after every rotation) for each to honour the others'
 * tokens.
 */
public final class TokenSecrets {
    /** One secret: its id (carried in tokens), its bytes, and when it stops verifying (0: current, never). */
    public record Secret(int id, byte[] bytes, long retiresAtEpochSecond) {
        boolean current() {
            return retiresAtEpochSecond == 0;
        }
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final long RECHECK_MILLIS = 1_000;

    private final Path file; // null: in memory only
    private final Clock clock;
    private volatile List<Secret> secrets;
    private volatile FileTime loadedModified;
    private volatile long checkedAtMillis;

    private TokenSecrets(Path file, Clock clock, List<Secret> secrets, FileTime modified) {
        this.file = file;
        this.clock = clock;
        this.secrets = secrets;
        this.loadedModified = modified;
        this.checkedAtMillis = clock.millis();
    }

    /** One fixed secret, in memory (tests; a server without a data folder). */
    public static TokenSecrets inMemory(byte[] secret, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("a token secret has at least 32 bytes");
        }
        return new TokenSecrets(null, clock, List.of(new Secret(1, secret.clone(), 0)), null);
    }

    /** A fresh random secret, in memory. */
    public static TokenSecrets random(Clock clock) {
        return inMemory(fresh(), clock);
    }

    /**
     * The keyring of {@code file}, made with one fresh secret (mode 0600) if there is none.
     *
     * @throws IOException if the file is open to anyone but its owner, or unreadable or malformed
     */
    public static TokenSecrets openOrCreate(Path file, Clock clock) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            write(file, List.of(new Secret(1, fresh(), 0)));
        }
        return new TokenSecrets(file, clock, read(file), Files.getLastModifiedTime(file));
    }

    /**
     * Makes a new current secret in {@code file}; the current one retires {@code overlap} from now (tokens
     * it signed stay valid until then, or until they expire, whichever comes first), and secrets already
     * retired are dropped. Returns the new secret's id.
     */
    public static int rotate(Path file, Duration overlap, Clock clock) throws IOException {
        long now = clock.instant().getEpochSecond();
        List<Secret> next = new ArrayList<>();
        int maxId = 0;
        for (Secret s : read(file)) {
            maxId = Math.max(maxId, s.id());
            if (s.current()) {
                next.add(new Secret(s.id(), s.bytes(), now + Math.max(1, overlap.toSeconds())));
            } else if (s.retiresAtEpochSecond() > now) {
                next.add(s);
            }
        }
        next.add(new Secret(maxId + 1, fresh(), 0));
        write(file, next);
        return maxId + 1;
    }

    /** The secret that signs new tokens. */
    public Secret current() {
        reloadIfChanged();
        return secrets.stream().filter(Secret::current).findFirst()
                .orElseThrow(() -> new IllegalStateException("no current token secret in " + file));
    }

    /** The secret with this id, if it still verifies tokens now. */
    public Optional<Secret> verifying(int id) {
        reloadIfChanged();
        long now = clock.millis() / 1000;
        for (Secret s : secrets) { // on every request: a loop, not a stream
            if (s.id() == id && (s.current() || s.retiresAtEpochSecond() > now)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private void reloadIfChanged() {
        if (file == null || clock.millis() - checkedAtMillis < RECHECK_MILLIS) {
            return;
        }
        synchronized (this) {
            if (clock.millis() - checkedAtMillis < RECHECK_MILLIS) {
                return;
            }
            checkedAtMillis = clock.millis();
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                if (!modified.equals(loadedModified)) {
                    secrets = read(file);
                    loadedModified = modified;
                }
            } catch (IOException e) {
                // Keep the secrets loaded: a file being replaced or made unreadable must not lock every user out.
                org.slf4j.LoggerFactory.getLogger(TokenSecrets.class)
                        .warn("token secrets: keeping the loaded ones, cannot re-read {}: {}", file, e.getMessage());
            }
        }
    }

    private static List<Secret> read(Path file) throws IOException {
        checkPrivate(file);
        List<Secret> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            try {
                byte[] bytes = HexFormat.of().parseHex(f[1]);
                if (f.length != 3 || bytes.length < 32) {
                    throw new IllegalArgumentException("expected <id> <64 hex digits> current|<retire epoch second>");
                }
                out.add(new Secret(Integer.parseInt(f[0]), bytes, f[2].equals("current") ? 0 : Long.parseLong(f[2])));
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + lineNo + " is not a token secret: " + e.getMessage());
            }
        }
        if (out.stream().filter(Secret::current).count() != 1) {
            throw new IOException(file + " must hold exactly one current token secret");
        }
        return List.copyOf(out);
    }

    /** Refuses a keyring anyone but its owner may read or write, or one that is not a plain file. */
    static void checkPrivate(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(file + " (token secrets) is not a regular file");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(mode)) {
            throw new IOException(file + " (token secrets) has mode " + PosixFilePermissions.toString(mode)
                    + ": whoever reads it can sign a token for any user; chmod 600 it, or delete it to make a new one"
                    + " (every token issued so far then ends)");
        }
        String me = System.getProperty("user.name");
        String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(me)) {
            throw new IOException(file + " (token secrets) is owned by " + owner + ", not by " + me);
        }
    }

    private static void write(Path file, List<Secret> secrets) throws IOException {
        StringBuilder text = new StringBuilder("# Tessera's token-signing secrets: never share or copy this file but to "
                + "Tessera's other frontends of the same store.\n");
        for (Secret s : secrets) {
            text.append(s.id()).append(' ').append(HexFormat.of().formatHex(s.bytes())).append(' ')
                    .append(s.current() ? "current" : Long.toString(s.retiresAtEpochSecond())).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY)); // 0600 from its first byte
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] fresh() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Override
    public String toString() {
        return file == null ? "token secrets in memory" : "token secrets " + file;
    }
}
