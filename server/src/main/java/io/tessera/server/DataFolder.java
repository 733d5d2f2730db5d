package io.tessera.server;

import io.tessera.server.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data folder holds the embedded store (whose files RocksDB makes 0644), the token secrets, the NBD
 * socket and the admin endpoint: what is in it is every user's data and the power to act as any of them.
 * So it is made 0700, before anything is written into it, and a folder other users (its group included)
 * may enter is refused (the files inside carry the process's umask: only the folder's mode keeps them
 * private).
 */
final class DataFolder {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private DataFolder() {
    }

    /** {@link #prepare}, its refusal a {@link ConfigException} (the server's start reports it without a trace). */
    static Path prepareOrRefuse(Path dir) {
        try {
            return prepare(dir);
        } catch (IOException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Makes {@code dir} (mode 0700) if it does not exist; refuses one that others may enter, or a link or file. */
    static Path prepare(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile: checked below like any existing folder
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the data folder " + dir + " is not a folder (a file, or a symbolic link: name its target)");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(mode)) {
            throw new IOException("the data folder " + dir + " has mode " + PosixFilePermissions.toString(mode)
                    + ": other users could read every stored object and the token secrets; run chmod 700 " + dir);
        }
        return dir;
    }
}
