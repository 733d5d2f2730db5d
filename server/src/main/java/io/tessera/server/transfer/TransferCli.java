package io.tessera.server.transfer;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bin/tessera put|get|sync}: a transfer client that moves only the blocks the other side lacks,
 * over the Pithos hashmap API. Connection settings as {@code bin/tessera volume}: TESSERA_URL
 * (http://127.0.0.1:8080), TESSERA_USER / TESSERA_KEY (or ST_USER / ST_KEY), TESSERA_ACCOUNT (default:
 * the user's). Exit status: 0 done, 1 the server refused or cannot be reached (or a local file cannot be
 * read or written), 2 usage. A progress line on stderr when it is a terminal, a one-line summary on
 * stdout unless {@code -q}.
 */
public final class TransferCli {
    private TransferCli() {
    }

    /** Options every transfer command takes. */
    public static final class Options {
        @Option(names = "--url", description = "Tessera's base URL (env TESSERA_URL; default http://127.0.0.1:8080)")
        String url = env("TESSERA_URL", null, "http://127.0.0.1:8080");
        @Option(names = "--user", description = "user (env TESSERA_USER or ST_USER)")
        String user = env("TESSERA_USER", "ST_USER", null);
        @Option(names = "--key", description = "key (env TESSERA_KEY or ST_KEY)")
        String key = env("TESSERA_KEY", "ST_KEY", null);
        @Option(names = "--account", description = "account (env TESSERA_ACCOUNT; default: the user's)")
        String account = env("TESSERA_ACCOUNT", null, null);
        @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "4",
                description = "blocks hashed and moved at once, each with a buffer of one block (default 4, at most 32)")
        int jobs;
        @Option(names = {"-q", "--quiet"}, description = "no progress line and no summary; errors only")
        boolean quiet;
        @Option(names = "--timings", description = "print where the time went (hashing, each kind of request) on stderr")
        boolean timings;

        private static String env(String name, String fallback, String dflt) {
            String v = System.getenv(name);
            if ((v == null || v.isEmpty()) && fallback != null) {
                v = System.getenv(fallback);
            }
            return v == null || v.isEmpty() ? dflt : v;
        }
    }

    /** Runs one command: its failures become one line on stderr and an exit status. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        Options o;
        @Spec
        CommandSpec spec;

        abstract String name();

        abstract String run(Transfers t, PithosClient client) throws TransferException;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            long start = System.nanoTime();
            try {
                if (o.jobs < 1 || o.jobs > 32) {
                    throw new TransferException(TransferException.USAGE, "--jobs is 1 to 32");
                }
                PithosClient client = new PithosClient(o.url, o.user, o.key, o.account);
                String summary;
                try (Progress progress = new Progress(verb(), err, Progress.onTerminal(o.quiet));
                     Transfers t = new Transfers(client, o.jobs, progress)) {
                    long t0 = System.nanoTime();
                    client.login();
                    progress.took("login", t0);
                    summary = run(t, client);
                    if (o.timings) {
                        progress.close();
                        err.println("timings: " + progress.timings());
                        err.flush();
                    }
                }
                if (!o.quiet) {
                    out.printf(Locale.ROOT, "%s (%.2f s)%n", summary, (System.nanoTime() - start) / 1e9);
                    out.flush();
                }
                return 0;
            } catch (TransferException e) {
                err.println("tessera " + name() + ": " + e.getMessage());
                err.flush();
                return e.exitCode();
            } catch (OutOfMemoryError e) {
                err.println("tessera " + name() + ": out of memory (lower --jobs)");
                return TransferException.SERVER;
            } catch (RuntimeException e) {
                err.println("tessera " + name() + ": " + e);
                err.flush();
                return TransferException.SERVER;
            }
        }

        String verb() {
            return "sent";
        }
    }

    @Command(name = "put", description = "Upload a file, sending only the blocks the server does not hold yet "
            + "(hashes it in blocks as Pithos does, sends its hashmap, uploads what is missing, sends the hashmap "
            + "again). REMOTE is container/object, or container/folder/ for the file's own name there.")
    public static final class Put extends Base {
        @Parameters(index = "0", paramLabel = "LOCAL", description = "the file to upload")
        Path local;
        @Parameters(index = "1", paramLabel = "REMOTE", description = "container/object")
        String remote;

        @Override
        String name() {
            return "put";
        }

        @Override
        String run(Transfers t, PithosClient client) throws TransferException {
            Remote r = Remote.parse(remote);
            String object = r.objectFor(local.getFileName() == null ? "" : local.getFileName().toString());
            if (!Files.exists(local)) {
                throw new TransferException(TransferException.USAGE, "no such file: " + local);
            }
            int bs = client.blockSize(r.container());
            Transfers.PutResult p = t.put(local, r.container(), object, bs);
            return String.format(Locale.ROOT, "%s -> %s/%s: sent %d of %d blocks, %s already stored", local, r.container(),
                    object, p.sent(), p.blocks(), Progress.mib(p.storedBytes()));
        }
    }

    @Command(name = "get", description = "Download an object into a file, fetching only the blocks that differ from "
            + "what the file holds (an interrupted or changed download resumes: blocks are compared by their "
            + "hashes, then the file is cut to the object's size and its blocks verified).")
    public static final class Get extends Base {
        @Parameters(index = "0", paramLabel = "LOCAL", description = "the file to write (a folder: the object's name in it)")
        Path local;
        @Parameters(index = "1", paramLabel = "REMOTE", description = "container/object")
        String remote;
        @Option(names = "--unverified", description = "do not read the file back to check its hashes at the end")
        boolean noVerify;

        @Override
        String name() {
            return "get";
        }

        @Override
        String verb() {
            return "fetched";
        }

        @Override
        String run(Transfers t, PithosClient client) throws TransferException {
            Remote r = Remote.parse(remote);
            if (r.path().isEmpty() || r.path().endsWith("/")) {
                throw new TransferException(TransferException.USAGE, "get needs container/object, not " + remote);
            }
            Path file = local;
            if (Files.isDirectory(file)) {
                String name = r.path().substring(r.path().lastIndexOf('/') + 1);
                file = file.resolve(name);
            }
            if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
                throw new TransferException(TransferException.USAGE, "no such folder: " + file.getParent());
            }
            Transfers.GetResult g = t.get(r.container(), r.path(), file, !noVerify);
            return String.format(Locale.ROOT, "%s/%s -> %s: fetched %d of %d blocks, %s already here", r.container(),
                    r.path(), file, g.fetched(), g.blocks(), Progress.mib(g.bytes() - g.fetchedBytes()));
        }
    }

    @Command(name = "sync", description = "Upload a folder's files under container/prefix, only those that changed "
            + "(a file whose hashmap's Merkle root is the object's X-Object-Hash is left alone) and of those only "
            + "the changed blocks. Remote objects under the prefix that are not local are left alone, unless --delete.")
    public static final class Sync extends Base {
        @Parameters(index = "0", paramLabel = "LOCAL_DIR", description = "the folder to upload")
        Path local;
        @Parameters(index = "1", paramLabel = "REMOTE", description = "container or container/prefix")
        String remote;
        @Option(names = "--delete", description = "delete remote objects under the prefix that are not local files")
        boolean delete;

        @Override
        String name() {
            return "sync";
        }

        @Override
        String run(Transfers t, PithosClient client) throws TransferException {
            Remote r = Remote.parse(remote);
            if (!Files.isDirectory(local)) {
                throw new TransferException(TransferException.USAGE, "not a folder: " + local);
            }
            int bs = client.blockSize(r.container());
            Transfers.SyncResult s = t.sync(local, r, bs, delete);
            return String.format(Locale.ROOT, "%s -> %s: %d files, %d sent, %d unchanged; sent %d of %d blocks, %s already "
                            + "stored; %s", local, r, s.files(), s.sent(), s.unchanged(), s.sentBlocks(), s.blocks(),
                    Progress.mib(s.storedBytes()), delete ? s.deleted() + " remote-only deleted"
                            : s.remoteOnly() + " remote-only left (--delete removes them)");
        }
    }
}
