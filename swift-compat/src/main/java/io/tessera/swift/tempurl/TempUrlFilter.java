package io.tessera.swift.tempurl;

import com.codahale.metrics.MetricRegistry;
import io.tessera.swift.auth.TempUrlScope;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.ClientAddress;
import io.tessera.swift.http.SwiftPath;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swift's tempurl middleware: a request carrying {@code temp_url_sig} and {@code temp_url_expires}
 * needs no token when the signature — an HMAC with one of the account's or container's temp URL keys
 * over {@code [ip=<range>\n]<method>\n<expires>\n<path>} (or {@code prefix:<path prefix>}) — is valid
 * and unexpired. It then acts within the key's scope (the account, or the container) as
 * {@link TempUrlGrant}; an invalid one is 401 "Temp URL invalid". A HEAD is allowed by a signature
 * for HEAD, GET, PUT or POST. Such requests may not create pointers ({@code X-Object-Manifest},
 * {@code X-Symlink-Target}) and their replies hide object metadata (see {@link TempUrlReplyFilter}).
 */
@Provider
@PreMatching
@Priority(Priorities.USER + 10) // after RequestContextFilter has made the request's context
public final class TempUrlFilter implements ContainerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(TempUrlFilter.class);
    /** The methods a temporary URL may be used with, as /info shows them. */
    public static final List<String> METHODS = List.of("GET", "HEAD", "PUT", "POST", "DELETE");
    private static final List<String> DISALLOWED_HEADERS = List.of("X-Object-Manifest", "X-Symlink-Target");
    private static final Set<String> KEPT_PARAMETERS = Set.of("temp_url_sig", "temp_url_expires", "temp_url_prefix",
            "filename");

    private final Clock clock;
    private final MetricRegistry metrics;

    public TempUrlFilter(Clock clock, MetricRegistry metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String method = request.getMethod();
        var query = request.getUriInfo().getQueryParameters();
        if (method.equals("OPTIONS") || !TempUrlQuery.isTempUrl(query)) {
            return;
        }
        TempUrlQuery q = TempUrlQuery.from(query, clock.instant().getEpochSecond());
        RequestContext context = RequestContext.of(request);
        SwiftPath path = objectPath(context);
        String account = path == null ? "unknown" : path.account();
        if (q.signature() == null || q.signature().isEmpty() || q.expires() == 0 || path == null) {
            throw invalid(account);
        }
        Signature signature = Signature.parse(q.signature());
        if (signature == null || !signature.isAllowed()) {
            throw invalid(account);
        }
        if (q.ipRange() != null && !q.ipRange().isEmpty()) {
            IpRange range = IpRange.parse(q.ipRange());
            String client = ClientAddress.of(request);
            if (range == null || client == null || !range.contains(client)) {
                throw invalid(account);
            }
        }
        String signedPath = signedPath(path, q.prefix());
        if (signedPath == null) {
            throw invalid(account);
        }
        TempUrlScope scope = verify(context, signature, method, q, signedPath, path);
        if (scope == null) {
            throw invalid(account);
        }
        metrics.meter("swift.tempurl.digests." + signature.digest()).mark(); // which digests clients still use
        if (!method.equals("GET") && !method.equals("HEAD")) {
            for (String h : DISALLOWED_HEADERS) {
                if (request.getHeaders().containsKey(h)) {
                    throw SwiftError.BAD_REQUEST.exception("The header '" + h + "' is not allowed in this tempurl");
                }
            }
        }
        request.getHeaders().remove("X-Timestamp"); // incoming_remove_headers
        context.grant(new TempUrlGrant(scope, q.expires(), q.filename(), q.inline()));
        request.setRequestUri(withOnlyTempUrlParameters(request.getUriInfo().getRequestUri()));
        log.debug("temp URL for {} {} allowed by a {} key", method, signedPath, scope.container() == null ? "account" : "container");
    }

    /** The first matching key's scope, or null. HEAD may use a signature made for HEAD, GET, POST or PUT. */
    private TempUrlScope verify(RequestContext context, Signature signature, String method, TempUrlQuery q,
                                String signedPath, SwiftPath path) {
        List<TempUrlKeys.Key> keys = TempUrlKeys.of(context, path.account(), path.container());
        List<String> methods = method.equals("HEAD") ? List.of("HEAD", "GET", "POST", "PUT") : List.of(method);
        String ip = q.ipRange() != null && !q.ipRange().isEmpty() ? "ip=" + q.ipRange() + "\n" : "";
        for (String m : methods) {
            String message = ip + m + "\n" + q.expires() + "\n" + signedPath;
            for (TempUrlKeys.Key key : keys) {
                if (signature.matches(key.secret(), message)) {
                    return key.scope();
                }
            }
        }
        return null;
    }

    /** What was signed: the object's path, or {@code prefix:} and the path up to the prefix (which the name must start with). */
    private static String signedPath(SwiftPath path, String prefix) {
        String base = "/v1/" + path.account() + "/" + path.container() + "/";
        if (prefix == null) {
            return base + path.object();
        }
        return path.object().startsWith(prefix) ? "prefix:" + base + prefix : null;
    }

    /** The account/container/object of a request a temporary URL may be used for, or null. */
    private static SwiftPath objectPath(RequestContext context) {
        if (!METHODS.contains(context.method())) {
            return null;
        }
        return context.validPath()
                .filter(path -> path.object() != null && !path.object().replace("/", "").isEmpty())
                .orElse(null);
    }

    /** Swift passes on only the temporary URL's own parameters: anything else in the query is dropped. */
    private static URI withOnlyTempUrlParameters(URI uri) {
        String whole = uri.toString();
        int q = whole.indexOf('?');
        String base = q < 0 ? whole : whole.substring(0, q);
        List<String> kept = new ArrayList<>();
        String rawQuery = uri.getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (KEPT_PARAMETERS.contains(name)) {
                    kept.add(pair);
                }
            }
        }
        return URI.create(kept.isEmpty() ? base : base + "?" + String.join("&", kept));
    }

    private SwiftException invalid(String account) {
        metrics.meter("swift.tempurl.invalid").mark();
        String realm = URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20");
        return SwiftError.UNAUTHORIZED.exception(SwiftError.UNAUTHORIZED.statusLine() + ": Temp URL invalid\n")
                .withHeader("Www-Authenticate", "Swift realm=\"" + realm + "\"");
    }
}
