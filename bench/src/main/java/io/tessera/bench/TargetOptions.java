package io.tessera.bench;

import io.tessera.bench.http.Endpoint;
import io.tessera.bench.http.HttpConn;
import io.tessera.bench.http.Response;
import io.tessera.bench.http.Sink;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every workload shares: which server, how to reach it, and what to label results with. */
public final class TargetOptions {
    @Option(names = "--target", required = true, description = "label of the server in RESULT lines (tessera, swift, nginx)")
    String name;

    @Option(names = "--auth-url", description = "Swift v1 auth URL, e.g. http://127.0.0.1:8090/auth/v1.0")
    String authUrl;

    @Option(names = "--user", defaultValue = "test:tester", description = "Swift user (default ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--key", defaultValue = "testing", description = "Swift key (default ${DEFAULT-VALUE})")
    String key;

    @Option(names = "--url", description = "plain base URL of a static web server (nginx): read-only workloads")
    String url;

    @Option(names = "--round", defaultValue = "1", description = "round number, for the RESULT lines")
    int round;

    @Option(names = "--timeout", defaultValue = "600", description = "socket read timeout in seconds (a 1 GiB server-side copy answers late)")
    int timeoutSeconds;

    @Option(names = "--server-pid", split = ",", description = "PIDs of the server (their child processes count too), for RSS")
    List<Long> serverPids = List.of();

    @Option(names = "--data-dir", split = ",", description = "folders holding the server's data, for physical bytes (du -sb)")
    List<String> dataDirs = List.of();

    private Endpoint endpoint;

    /** Authenticates once (Swift v1: X-Auth-User/X-Auth-Key -> X-Auth-Token, X-Storage-Url). */
    public Endpoint endpoint() throws IOException {
        if (endpoint != null) {
            return endpoint;
        }
        int timeout = timeoutSeconds * 1000;
        if (authUrl == null) {
            if (url == null) {
                throw new IllegalArgumentException("give --auth-url (Swift) or --url (static server)");
            }
            URI u = URI.create(url);
            endpoint = new Endpoint(u.getHost(), port(u), stripSlash(u.getRawPath()), null, timeout);
            return endpoint;
        }
        URI a = URI.create(authUrl);
        try (HttpConn c = new HttpConn(new Endpoint(a.getHost(), port(a), "", null, timeout))) {
            Response r = c.exchange("GET", a.getRawPath(), Map.of("X-Auth-User", user, "X-Auth-Key", key), null, Sink.DISCARD);
            String token = r.header("X-Auth-Token");
            String storage = r.header("X-Storage-Url");
            if (r.status() / 100 != 2 || token == null || storage == null) {
                throw new IOException("auth at " + authUrl + " failed: HTTP " + r.status());
            }
            URI s = URI.create(storage);
            endpoint = new Endpoint(s.getHost(), port(s), stripSlash(s.getRawPath()), token, timeout);
            return endpoint;
        }
    }

    public String name() {
        return name;
    }

    public int round() {
        return round;
    }

    public List<Long> serverPids() {
        return serverPids;
    }

    public List<String> dataDirs() {
        return dataDirs;
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : 80;
    }

    private static String stripSlash(String p) {
        return p == null ? "" : p.replaceAll("/+$", "");
    }
}
