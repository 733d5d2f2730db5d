package io.tessera.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/tessera volume ...}: the volume REST API from a shell (and from the Ganeti provider).
 * Connection settings come from options or the environment: TESSERA_URL (http://127.0.0.1:8080),
 * TESSERA_USER / TESSERA_KEY (or the swift CLI's ST_USER / ST_KEY), TESSERA_ACCOUNT (default: the
 * account of the user's storage URL). Prints the API's JSON, or one field of it with {@code --field}.
 * Exit codes: 0 ok, 1 refused by the server (message on stderr), 2 usage or connection error,
 * 3 not found (so scripts can tell "gone" from "failed").
 */
@Command(name = "volume", description = "Manage volumes through the REST API.",
        subcommands = {VolumeCli.Create.class, VolumeCli.ListCmd.class, VolumeCli.Info.class, VolumeCli.Snapshot.class,
                VolumeCli.Resize.class, VolumeCli.Delete.class, VolumeCli.Attach.class, VolumeCli.Detach.class})
final class VolumeCli implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    /** {@code bin/tessera volume} alone: usage error (exit 2), the subcommands listed on stderr. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    static final class Connection {
        @Option(names = "--url", description = "Tessera's base URL (env TESSERA_URL; default http://127.0.0.1:8080)")
        String url = env("TESSERA_URL", null, "http://127.0.0.1:8080");
        @Option(names = "--user", description = "user (env TESSERA_USER or ST_USER)")
        String user = env("TESSERA_USER", "ST_USER", null);
        @Option(names = "--key", description = "key (env TESSERA_KEY or ST_KEY)")
        String key = env("TESSERA_KEY", "ST_KEY", null);
        @Option(names = "--account", description = "account (env TESSERA_ACCOUNT; default: the user's)")
        String account = env("TESSERA_ACCOUNT", null, null);
        @Option(names = "--field", description = "print only this field of the JSON reply")
        String field;

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private String token;

        private static String env(String name, String fallback, String dflt) {
            String v = System.getenv(name);
            if ((v == null || v.isEmpty()) && fallback != null) {
                v = System.getenv(fallback);
            }
            return v == null || v.isEmpty() ? dflt : v;
        }

        private void login() throws Exception {
            if (user == null || key == null) {
                throw new CliError(2, "set --user and --key (or TESSERA_USER/TESSERA_KEY)");
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/auth/v1.0"))
                    .header("X-Auth-User", user).header("X-Auth-Key", key).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new CliError(1, "authentication failed (" + r.statusCode() + ")");
            }
            token = r.headers().firstValue("X-Auth-Token").orElseThrow();
            if (account == null) {
                String storage = r.headers().firstValue("X-Storage-Url").orElseThrow();
                account = storage.substring(storage.lastIndexOf('/') + 1);
            }
        }

        int call(String method, String path, JsonNode body) {
            try {
                login();
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/volumes/v1/" + enc(account) + path))
                        .timeout(Duration.ofSeconds(120)).header("X-Auth-Token", token)
                        .header("Content-Type", "application/json")
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode reply = r.body().isEmpty() ? null : JSON.readTree(r.body());
                if (r.statusCode() >= 300) {
                    String msg = reply != null && reply.has("error") ? reply.get("error").asText() : r.body();
                    System.err.println("tessera volume: " + r.statusCode() + " " + msg);
                    return r.statusCode() == 404 ? 3 : 1;
                }
                if (reply != null) {
                    if (field != null) {
                        JsonNode f = reply.get(field);
                        System.out.println(f == null || f.isNull() ? "" : f.isTextual() ? f.asText() : f.toString());
                    } else {
                        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(reply));
                    }
                }
                return 0;
            } catch (CliError e) {
                System.err.println("tessera volume: " + e.getMessage());
                return e.code;
            } catch (Exception e) {
                System.err.println("tessera volume: cannot reach " + url + ": " + e);
                return 2;
            }
        }
    }

    static final class CliError extends Exception {
        final int code;

        CliError(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Parses 1073741824, 10G, 512M, 4KiB (binary units). */
    static long size(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long mult = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'K' -> mult = 1L << 10;
            case 'M' -> mult = 1L << 20;
            case 'G' -> mult = 1L << 30;
            case 'T' -> mult = 1L << 40;
            default -> { }
        }
        if (mult > 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Math.multiplyExact(Long.parseLong(t.trim()), mult);
    }

    @Command(name = "create", description = "Create an empty thin volume (--size) or clone an object (--source container/object).")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection c;
        @Parameters(index = "0", description = "volume name")
        String name;
        @Option(names = "--size", description = "size, e.g. 10G (required without --source; may grow a clone)")
        String size;
        @Option(names = "--source", description = "container/object to clone")
        String source;

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode().put("name", name);
            if (size != null) {
                body.put("size_bytes", size(size));
            }
            if (source != null) {
                body.put("source", source);
            }
            return c.call("POST", "", body);
        }
    }

    @Command(name = "list", description = "List the account's volumes.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        Connection c;

        @Override
        public Integer call() {
            return c.call("GET", "", null);
        }
    }

    @Command(name = "info", description = "Show a volume (size, parent, allocated and shared bytes, nbd_uri).")
    static final class Info implements Callable<Integer> {
        @Mixin
        Connection c;
        @Parameters(index = "0")
        String name;

        @Override
        public Integer call() {
            return c.call("GET", "/" + enc(name), null);
        }
    }

    @Command(name = "snapshot", description = "Snapshot a volume into an object.")
    static final class Snapshot implements Callable<Integer> {
        @Mixin
        Connection c;
        @Parameters(index = "0")
        String name;
        @Option(names = "--container", required = true)
        String container;
        @Option(names = "--object", required = true)
        String object;

        @Override
        public Integer call() {
            return c.call("POST", "/" + enc(name) + "/snapshot",
                    JSON.createObjectNode().put("container", container).put("object", object));
        }
    }

    @Command(name = "resize", description = "Grow a volume.")
    static final class Resize implements Callable<Integer> {
        @Mixin
        Connection c;
        @Parameters(index = "0")
        String name;
        @Option(names = "--size", required = true)
        String size;

        @Override
        public Integer call() {
            return c.call("POST", "/" + enc(name) + "/resize", JSON.createObjectNode().put("size_bytes", size(size)));
        }
    }

    @Command(name = "delete", description = "Delete a volume (it must not be attached).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Connection c;
        @Parameters(index = "0")
        String name;

        @Override
        public Integer call() {
            return c.call("DELETE", "/" + enc(name), null);
        }
    }

    @Command(name = "attach", description = "Let an NBD client open the volume: a TLS certificate's CN, or local"
            + " (the Unix socket); --migration-target names the destination of a live migration (;handover).")
    static final class Attach implements Callable<Integer> {
        @Mixin
        Connection c;
        @Parameters(index = "0")
        String name;
        @Option(names = "--client", description = "the NBD client (default: local)")
        String client = "local";
        @Option(names = "--migration-target", description = "attach as the destination of a live migration")
        boolean migrationTarget;

        @Override
        public Integer call() {
            return c.call("POST", "/" + enc(name) + "/attach",
                    JSON.createObjectNode().put("client", client).put("migration_target", migrationTarget));
        }
    }

    @Command(name = "detach", description = "Stop an NBD client from opening the volume (a migration target then takes its place).")
    static final class Detach implements Callable<Integer> {
        @Mixin
        Connection c;
        @Parameters(index = "0")
        String name;
        @Option(names = "--client", description = "the NBD client (default: local)")
        String client = "local";

        @Override
        public Integer call() {
            return c.call("POST", "/" + enc(name) + "/detach", JSON.createObjectNode().put("client", client));
        }
    }
}
