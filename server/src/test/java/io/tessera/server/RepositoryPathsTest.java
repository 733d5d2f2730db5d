package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository stands alone: no tracked file names the team's sibling folder (dot-dot-slash "shared") or
 * a path of one particular machine. A filesystem path is recognised by its first component (one of the
 * top-level folders of a Unix machine, below); it must then start with one of {@link #ALLOWED}, the
 * system paths every Debian machine has. Swift API paths ({@code /v1/AUTH_test/...}, {@code /info}) and
 * repository-relative paths are not filesystem roots and are not looked at.
 *
 * <p>The files are those {@code git ls-files} lists (a fresh clone's); outside a git work tree, every file
 * under the project root but build output ({@code target/}) and {@code data/}.
 */
class RepositoryPathsTest {
    /** The team's sibling folder, spelled so that this file does not name it. */
    private static final Pattern SIBLING = Pattern.compile("\\.\\./" + "shared\\b");

    /**
     * An absolute path whose first component is a top-level folder of a Unix machine. Not when it
     * continues a word, a variable or another path ({@code "$DIR"/run}, {@code ${X}/tmp}, {@code </root>}).
     */
    private static final Pattern ABSOLUTE = Pattern.compile(
            "(?<![\\w.$}\\])/~<-])(?<![\\w}]\")/(?:home|root|work|Users|mnt|media|srv|opt|farm|scratch|var|usr|etc"
                    + "|dev|proc|sys|tmp|run|bin|sbin|lib|lib64|boot)(?![\\w.-])[^\\s\"'`<>)\\]},;]*");

    /** The absolute paths a tracked file may name: those of the system itself, the same on every machine. */
    static final List<String> ALLOWED = List.of(
            "/usr/bin/",          // Debian's tools: python3, swift, qemu-img, qemu-io, nbdinfo, nbdcopy
            "/usr/sbin/nginx",    // Debian's nginx (bench/run.sh)
            "/usr/sbin/policy-rc.d", // Debian's switch that keeps packages from starting services at install
            "/usr/lib/jvm/",      // where Debian installs JDKs (bin/cassandra-local looks for a Java 17)
            "/usr/share/ganeti/", // where Ganeti looks for ExtStorage providers
            "/bin/sh", "/bin/bash",
            "/etc/",              // system configuration (/etc/ganeti/tessera.env)
            "/dev/",              // devices: /dev/null, /dev/urandom, /dev/nbd*, bash's /dev/tcp
            "/proc",              // the kernel's views: /proc/loadavg, /proc/<pid>/cmdline
            "/sys/",
            "/run/",              // runtime files of system services (an NBD socket under /run/tessera/)
            "/tmp", "/var/tmp");  // temporary files

    record Hit(String file, int line, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + text;
        }
    }

    @Test
    void noTrackedFileNamesTheSiblingFolderOrAPathOfOneMachine() throws Exception {
        Path root = projectRoot();
        List<String> files = trackedFiles(root);
        assertThat(files).as("files found under " + root).hasSizeGreaterThan(50);
        List<Hit> hits = new ArrayList<>();
        for (String file : files) {
            List<String> lines = textLines(root.resolve(file));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher sibling = SIBLING.matcher(line);
                while (sibling.find()) {
                    hits.add(new Hit(file, i + 1, sibling.group()));
                }
                Matcher abs = ABSOLUTE.matcher(line);
                while (abs.find()) {
                    String path = abs.group();
                    if (ALLOWED.stream().noneMatch(path::startsWith)) {
                        hits.add(new Hit(file, i + 1, path));
                    }
                }
            }
        }
        assertThat(hits).as("paths that exist only on some machines (allowed: %s)", ALLOWED).isEmpty();
    }

    @Test
    void thePatternsFindWhatTheyMustAndOnlyThat() {
        for (String bad : List.of("see ../" + "shared/ARCHITECTURE.md", "SWIFT_SRC=/" + "work/.mirror/x",
                "cd /" + "home/alice/tessera", "\"/" + "root/.m2/repository\"", "/" + "opt/swift/bin/x",
                "at /" + "srv/tessera")) {
            assertThat(SIBLING.matcher(bad).find() || ABSOLUTE.matcher(bad).results()
                    .anyMatch(m -> ALLOWED.stream().noneMatch(m.group()::startsWith))).as(bad).isTrue();
        }
        for (String fine : List.of("exec /usr/bin/python3 -c x", "2>/dev/null", "cat /proc/loadavg",
                "mktemp -d /tmp/x.XXXX", "\"$SWIFT_DATA\"/" + "run/*.pid", "GET /v1/AUTH_test/shared/doc",
                "</root>", "A + \"/shared/obj\"", "${TMPDIR:-/tmp}/tessera", "http://127.0.0.1:8080/info")) {
            assertThat(SIBLING.matcher(fine).find() || ABSOLUTE.matcher(fine).results()
                    .anyMatch(m -> ALLOWED.stream().noneMatch(m.group()::startsWith))).as(fine).isFalse();
        }
    }

    /** The nearest folder at or above the working directory with the parent pom and bin/tessera. */
    private static Path projectRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("bin/tessera"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no project root at or above " + System.getProperty("user.dir"));
    }

    private static List<String> trackedFiles(Path root) throws IOException, InterruptedException {
        if (Files.exists(root.resolve(".git"))) {
            Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = git.getInputStream().readAllBytes();
            if (git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0) {
                return Stream.of(new String(out, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty()).toList();
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(p -> !p.startsWith(".git/") && !p.startsWith("data/") && !p.matches("(.*/)?target/.*"))
                    .toList();
        }
    }

    /** The file's lines; none for a binary file (a NUL, or not UTF-8) or one gone since it was listed. */
    private static List<String> textLines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) {
            if (b == 0) {
                return List.of();
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString().lines().toList();
        } catch (MalformedInputException e) {
            return List.of();
        } catch (java.nio.charset.CharacterCodingException e) {
            return List.of();
        }
    }
}
