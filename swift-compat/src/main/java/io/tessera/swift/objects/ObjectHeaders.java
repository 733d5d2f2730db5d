package io.tessera.swift.objects;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.MetadataHeaders;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.http.SwiftConstraints;
import jakarta.ws.rs.core.MultivaluedMap;
import java.math.BigInteger;
import java.net.URLConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which request headers become an object's stored metadata: {@code X-Object-Meta-*} plus the few
 * content headers Swift keeps (its object server's allowed_headers). On PUT and POST they replace
 * the previous set; COPY merges them over the source's.
 */
public final class ObjectHeaders {
    static final List<String> STORED_CONTENT_HEADERS = List.of(
            "content-disposition", "content-encoding", "content-language", "cache-control", "expires", "x-robots-tag");
    private static final String DEFAULT_TYPE = "application/octet-stream";

    private ObjectHeaders() {
    }

    /** Where an object's expiry time (epoch seconds) is kept; GET and HEAD answer 404 from then on. */
    public static final String DELETE_AT = "x-delete-at";

    /** The stored metadata a PUT or POST with these headers asks for (removals dropped). */
    public static Map<String, String> fromRequest(MultivaluedMap<String, String> headers, SwiftConstraints limits) {
        Map<String, String> meta = MetadataHeaders.withoutRemovals(MetadataHeaders.changes(headers, "object", limits));
        String manifest = headers.getFirst("X-Object-Manifest");
        if (manifest != null) {
            meta.put(ObjectBodies.DLO_MANIFEST, ObjectBodies.validManifest(HeaderText.fromWire(manifest)));
        }
        String deleteAt = deleteAt(headers);
        if (deleteAt != null) {
            meta.put(DELETE_AT, deleteAt);
        }
        for (String name : STORED_CONTENT_HEADERS) {
            String value = headers.getFirst(name);
            if (value != null && !value.isEmpty()) {
                meta.put(name, HeaderText.fromWire(value));
            }
        }
        return meta;
    }

    /**
     * Carries over what a POST does not replace: the keys Tessera keeps for itself beside the user's
     * metadata (Swift's sysmeta: symlink targets, version ids...).
     */
    public static void keepInternal(Map<String, String> current, Map<String, String> updated) {
        current.forEach((k, v) -> {
            if (k.startsWith(MetadataReplies.INTERNAL_PREFIX)) {
                updated.putIfAbsent(k, v);
            }
        });
    }

    /** A COPY's metadata: the source's, overlaid with the request's (unless X-Fresh-Metadata). */
    public static Map<String, String> merged(Map<String, String> source, MultivaluedMap<String, String> headers,
                                             SwiftConstraints limits, boolean fresh) {
        Map<String, String> meta = fresh ? new LinkedHashMap<>() : new LinkedHashMap<>(source);
        Map<String, String> changes = MetadataHeaders.changes(headers, "object", limits);
        changes.forEach((k, v) -> {
            if (v.isEmpty()) {
                meta.remove(k);
            } else {
                meta.put(k, v);
            }
        });
        for (String name : STORED_CONTENT_HEADERS) {
            String value = headers.getFirst(name);
            if (value != null) {
                meta.put(name, HeaderText.fromWire(value));
            }
        }
        MetadataHeaders.checkTotal(Map.of(), meta, "object", limits);
        return meta;
    }

    /**
     * The Content-Type to store: the client's, unless absent or {@code X-Detect-Content-Type: true}, in
     * which case it is guessed from the name's extension.
     */
    public static String contentType(String requested, boolean detect, String objectName) {
        if (requested != null && !requested.isBlank() && !detect) {
            return requested.trim();
        }
        String guessed = guessFromExtension(objectName);
        return guessed != null ? guessed : DEFAULT_TYPE;
    }

    /**
     * The type a name's extension suggests, as Swift's Python mimetypes.guess_type finds it: the system's
     * mime.types table first (which Python reads too), then Java's own small table. {@code .tar.gz} and
     * the like give the archive's type, the compression being an encoding.
     */
    static String guessFromExtension(String objectName) {
        String base = objectName.substring(objectName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        for (String compression : List.of(".gz", ".bz2", ".xz", ".z", ".br")) {
            if (base.endsWith(compression) && base.length() > compression.length()
                    && base.substring(0, base.length() - compression.length()).contains(".")) {
                base = base.substring(0, base.length() - compression.length());
                break;
            }
        }
        if (base.endsWith(".tgz")) {
            base = base.substring(0, base.length() - 4) + ".tar";
        }
        int dot = base.lastIndexOf('.');
        if (dot < 0 || dot == base.length() - 1) {
            return null;
        }
        String probe = "x" + base.substring(dot); // only the extension: never a path the OS could look at
        try {
            String type = java.nio.file.Files.probeContentType(java.nio.file.Path.of(probe));
            if (type != null) {
                return type;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no system table: fall through to Java's
        }
        return URLConnection.guessContentTypeFromName(probe);
    }

    /** X-Delete-At, or now + X-Delete-After, checked as Swift does; null when neither is given. */
    /** Swift's normalize_delete_at_timestamp caps expiry times at ten digits. */
    private static final BigInteger LATEST_DELETE_AT = BigInteger.valueOf(9_999_999_999L);

    /**
     * X-Delete-At, or now + X-Delete-After, checked as Swift does and kept as decimal digits, capped
     * like Swift's; null when neither is given.
     */
    static String deleteAt(MultivaluedMap<String, String> headers) {
        BigInteger now = BigInteger.valueOf(System.currentTimeMillis() / 1000);
        String after = headers.getFirst("X-Delete-After");
        String at = headers.getFirst("X-Delete-At");
        if (after != null) {
            BigInteger seconds = parseWhole(after, "Non-integer X-Delete-After");
            if (seconds.signum() < 0) {
                throw SwiftError.BAD_REQUEST.exception("X-Delete-After in past");
            }
            return now.add(seconds).min(LATEST_DELETE_AT).toString();
        }
        if (at == null) {
            return null;
        }
        BigInteger when = parseWhole(at, "Non-integer X-Delete-At");
        if (when.compareTo(now) <= 0) {
            throw SwiftError.BAD_REQUEST.exception("X-Delete-At in past");
        }
        return when.min(LATEST_DELETE_AT).toString();
    }

    /** Whether a version has expired (its X-Delete-At has come): it then reads as absent. */
    public static boolean isExpired(java.util.Map<String, String> metadata) {
        String at = metadata.get(DELETE_AT);
        return at != null && new BigInteger(at).compareTo(BigInteger.valueOf(System.currentTimeMillis() / 1000)) <= 0;
    }

    static BigInteger parseWhole(String value, String message) {
        try {
            return new BigInteger(value.trim());
        } catch (NumberFormatException e) {
            throw SwiftError.BAD_REQUEST.exception(message);
        }
    }

    public static boolean isTrue(String value) {
        return value != null && List.of("true", "1", "yes", "on", "t", "y").contains(value.trim().toLowerCase(Locale.ROOT));
    }
}
