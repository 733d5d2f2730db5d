package io.tessera.server.monitoring;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tessera.server.http.SwiftErrorHandler;
import io.tessera.swift.errors.SwiftError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /metrics} (Prometheus text format, {@link PrometheusText}) and {@code GET /healthcheck}
 * (200 when every check passes, else 503; JSON either way), served before the Swift layers.
 *
 * <p>Who may read them: only clients whose address is in {@code admin.allowed_hosts} (default: the
 * loopback addresses), and only when they came straight, not through a proxy: a request carrying
 * {@code Forwarded} or {@code X-Forwarded-For} is refused, because a reverse proxy on this host would
 * otherwise make every outside client look local. Others get a Swift-style 403. No token is asked:
 * scrapers do not log in, and the pages hold no secret (counts, timings, check messages), only
 * operational detail that the public should still not see.
 */
public final class AdminEndpoints extends Handler.Wrapper {
    public static final String METRICS = "/metrics";
    public static final String HEALTHCHECK = "/healthcheck";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final MetricRegistry metrics;
    private final HealthCheckRegistry health;
    private final Set<InetAddress> allowed;

    public AdminEndpoints(Handler next, MetricRegistry metrics, HealthCheckRegistry health, Set<InetAddress> allowed) {
        super(next);
        this.metrics = metrics;
        this.health = health;
        this.allowed = Set.copyOf(allowed);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        boolean isMetrics = METRICS.equals(path);
        if (!isMetrics && !HEALTHCHECK.equals(path)) {
            return super.handle(request, response, callback);
        }
        if (!mayRead(request)) {
            SwiftErrorHandler.write(response, callback, SwiftError.FORBIDDEN, null);
            return true;
        }
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            SwiftErrorHandler.write(response, callback, SwiftError.METHOD_NOT_ALLOWED, null);
            return true;
        }
        if (isMetrics) {
            reply(request, response, callback, HttpStatus.OK_200, PrometheusText.CONTENT_TYPE, PrometheusText.render(metrics));
        } else {
            SortedMap<String, HealthCheck.Result> results = health.runHealthChecks();
            boolean healthy = results.values().stream().allMatch(HealthCheck.Result::isHealthy);
            int status = healthy ? HttpStatus.OK_200 : SwiftError.SERVICE_UNAVAILABLE.code();
            reply(request, response, callback, status, "application/json", healthJson(healthy, results));
        }
        return true;
    }

    private boolean mayRead(Request request) {
        if (request.getHeaders().contains(HttpHeader.X_FORWARDED_FOR) || request.getHeaders().contains(HttpHeader.FORWARDED)) {
            return false;
        }
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null && allowed.contains(inet.getAddress());
    }

    /** {"healthy": false, "checks": {"store": {"healthy": false, "message": "..."}, ...}}: messages only, no stack traces. */
    static String healthJson(boolean healthy, SortedMap<String, HealthCheck.Result> results) throws Exception {
        Map<String, Object> checks = new LinkedHashMap<>();
        results.forEach((name, r) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("healthy", r.isHealthy());
            String message = r.getMessage() != null ? r.getMessage()
                    : r.getError() != null ? r.getError().toString() : null;
            if (message != null) {
                one.put("message", message);
            }
            if (r.getDetails() != null) {
                one.putAll(r.getDetails());
            }
            checks.put(name, one);
        });
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("healthy", healthy);
        all.put("checks", checks);
        return JSON.writeValueAsString(all) + "\n";
    }

    private static void reply(Request request, Response response, Callback callback, int status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(bytes), callback);
    }
}
