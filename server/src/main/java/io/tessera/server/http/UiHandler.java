package io.tessera.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page (module web-ui): {@code GET}/{@code HEAD /ui/...} from the class path's {@code tessera-ui/},
 * and {@code /} and {@code /ui} redirected to {@code /ui/}. In front of the Swift layers, so a page
 * request never reaches them, and nothing else is touched: any other path, and any other method on
 * {@code /}, goes on unchanged.
 *
 * <p>Safe by construction: the files are indexed once at start (names of plain characters only), and a
 * request is answered with the file whose name equals its raw path exactly, so {@code ..}, encoded
 * separators, backslashes or NUL can only miss (404; never a listing, never a file outside). Every reply
 * carries the page's Content-Security-Policy and {@code nosniff}; files are revalidated on each use
 * ({@code no-cache} with a strong ETag, 304 on a match), so a new version is seen at once.
 */
public final class UiHandler extends Handler.Wrapper {
    /** Where the page is: {@code /ui/}. */
    public static final String PREFIX = "/ui/";
    /** The class path folder the web-ui module puts its files in. */
    static final String ROOT = "tessera-ui";

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "worker-src 'self' blob:; connect-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    private static final Logger log = LoggerFactory.getLogger(UiHandler.class);
    /** The names a file may have to be served: no "..", no empty segment, no hidden file, no escapes. */
    private static final Pattern SERVABLE = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final byte[] NOT_FOUND = "Not Found\n".getBytes(StandardCharsets.US_ASCII);

    /** One file of the page, read once. */
    record Asset(byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;

    public UiHandler(Handler next) {
        this(next, load(UiHandler.class.getClassLoader()));
    }

    UiHandler(Handler next, Map<String, Asset> assets) {
        super(next);
        this.assets = assets;
        if (assets.isEmpty()) {
            log.warn("no web page on the class path ({}/index.html): /ui/ answers 404", ROOT);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath(); // raw: as sent, still percent-encoded
        String method = request.getMethod();
        boolean read = method.equals("GET") || method.equals("HEAD");
        if ("/".equals(path)) {
            if (!read) {
                return super.handle(request, response, callback); // whatever the Swift layers answer today
            }
            redirect(response, callback);
            return true;
        }
        if (path == null || !(path.equals("/ui") || path.startsWith(PREFIX))) {
            return super.handle(request, response, callback);
        }
        securityHeaders(response);
        if (!read) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            plain(response, callback, 405, "Method Not Allowed\n".getBytes(StandardCharsets.US_ASCII), false);
            return true;
        }
        if (path.equals("/ui")) {
            redirect(response, callback);
            return true;
        }
        String name = path.length() == PREFIX.length() ? "index.html" : path.substring(PREFIX.length());
        Asset asset = assets.get(name);
        boolean head = method.equals("HEAD");
        if (asset == null) {
            plain(response, callback, 404, NOT_FOUND, head);
            return true;
        }
        response.getHeaders().put(HttpHeader.ETAG, asset.etag());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        if (matches(request.getHeaders().getValuesList(HttpHeader.IF_NONE_MATCH), asset.etag())) {
            response.setStatus(304);
            response.write(true, null, callback);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
        response.write(true, head ? null : ByteBuffer.wrap(asset.bytes()), callback);
        return true;
    }

    /** The files of the page the server holds, by name under /ui/ (for the log and tests). */
    Map<String, Asset> assets() {
        return assets;
    }

    private static void redirect(Response response, Callback callback) {
        securityHeaders(response);
        response.setStatus(302);
        response.getHeaders().put(HttpHeader.LOCATION, PREFIX);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, null, callback);
    }

    private static void securityHeaders(Response response) {
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
    }

    private static void plain(Response response, Callback callback, int status, byte[] body, boolean head) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, head ? null : ByteBuffer.wrap(body), callback);
    }

    /** If-None-Match: "*" or any listed tag equal to ours (weak comparison, as RFC 9110 asks for this header). */
    static boolean matches(java.util.List<String> ifNoneMatch, String etag) {
        for (String line : ifNoneMatch) {
            for (String tag : line.split(",")) {
                String t = tag.trim();
                if (t.startsWith("W/")) {
                    t = t.substring(2);
                }
                if (t.equals("*") || t.equals(etag)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json";
            case "webmanifest" -> "application/manifest+json";
            case "txt" -> "text/plain; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "webp" -> "image/webp";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            case "woff" -> "font/woff";
            default -> "application/octet-stream";
        };
    }

    /**
     * Reads every servable file under {@code tessera-ui/} of the class path, found from its index.html:
     * a folder (the module's target/classes, in a build) or a jar (target/lib, as bin/tessera runs).
     */
    static Map<String, Asset> load(ClassLoader loader) {
        URL index = loader.getResource(ROOT + "/index.html");
        if (index == null) {
            return Map.of();
        }
        Map<String, Asset> found = new TreeMap<>();
        try {
            if (index.getProtocol().equals("file")) {
                Path dir = Path.of(index.toURI()).getParent();
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        String name = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                        add(found, name, Files.readAllBytes(file));
                    }
                }
            } else if (index.openConnection() instanceof JarURLConnection jar) {
                try (JarFile file = new JarFile(Path.of(jar.getJarFileURL().toURI()).toFile())) {
                    for (JarEntry entry : Collections.list(file.entries())) {
                        if (!entry.isDirectory() && entry.getName().startsWith(ROOT + "/")) {
                            try (InputStream in = file.getInputStream(entry)) {
                                add(found, entry.getName().substring(ROOT.length() + 1), in.readAllBytes());
                            }
                        }
                    }
                }
            } else {
                throw new IllegalStateException("the web page's files are at " + index + ", neither a folder nor a jar");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web page's files (" + index + ")", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read the web page's files (" + index + ")", e);
        }
        log.debug("the web page: {} files at /ui/", found.size());
        return Collections.unmodifiableMap(found);
    }

    private static void add(Map<String, Asset> found, String name, byte[] bytes) {
        if (!SERVABLE.matcher(name).matches()) {
            log.debug("not served (its name is not plain): {}", name);
            return;
        }
        found.put(name, new Asset(bytes, contentType(name), etag(bytes)));
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
