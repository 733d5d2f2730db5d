package io.tessera.swift.formpost;

import io.tessera.swift.context.RequestContext;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.bulk.BulkReport;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.http.UrlQuote;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.WriteContent;
import io.tessera.swift.writes.WritePipeline;
import io.tessera.swift.tempurl.Signature;
import io.tessera.swift.tempurl.TempUrlKeys;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swift's formpost middleware: a browser form ({@code multipart/form-data} POST to
 * {@code /v1/<account>/<container>[/<prefix>]}) uploads its files as objects
 * {@code <prefix><filename>}, without a token, when its {@code signature} — an HMAC with a temp URL
 * key of the account or container over {@code path\nredirect\nmax_file_size\nmax_file_count\nexpires}
 * — is valid and {@code expires} is not past. Fields must come before the files; each file is
 * streamed into the store, capped at {@code max_file_size}. The reply is the upload's status, as text
 * or as a 303 to {@code redirect} with {@code status} and {@code message} parameters.
 */
public final class FormPostResource {
    private static final Logger log = LoggerFactory.getLogger(FormPostResource.class);
    /** Longest field value kept; the rest is read and dropped. */
    static final int MAX_VALUE_LENGTH = 4096;
    /**
     * Most bytes read of one field before the form is refused. The signature is itself a field, so
     * fields are read before anything is known of the sender: without this cap one field could keep
     * a request thread reading for as long as a client sends.
     */
    static final int MAX_FIELD_READ = 64 * 1024;
    /** Most fields a form may have; Swift's forms use nine, the rest are read and dropped. */
    static final int MAX_FIELDS = 64;
    /** The only fields kept: what Swift's formpost reads. Others are dropped, so a form holds at most these. */
    private static final java.util.Set<String> KNOWN_FIELDS = java.util.Set.of("redirect", "max_file_size",
            "max_file_count", "expires", "signature", "x_delete_at", "x_delete_after", "content-type",
            "content-encoding");

    private final SwiftServices services;
    private final RequestContext context;
    private final SwiftPath path;
    /** The request's path, decoded, exactly as the form's signature covers it (a trailing slash counts). */
    private final String signedPath;
    private final String boundary;
    private final Clock clock;

    public FormPostResource(SwiftServices services, RequestContext context, String signedPath, String boundary,
                            Clock clock) {
        this.services = services;
        this.context = context;
        this.path = context.path();
        this.signedPath = signedPath;
        this.boundary = boundary;
        this.clock = clock;
    }

    /** The form's boundary if this request is a form post (a POST of multipart/form-data with one), else null. */
    public static String boundaryOf(String method, String contentType) {
        if (!"POST".equals(method) || contentType == null) {
            return null;
        }
        HeaderAttributes type = HeaderAttributes.parse(contentType);
        String boundary = type.get("boundary");
        return type.value().equalsIgnoreCase("multipart/form-data") && boundary != null && !boundary.isEmpty()
                ? boundary : null;
    }

    @POST
    public Response post(InputStream body) {
        try {
            return translate(body);
        } catch (MultipartReader.InvalidStartException e) {
            return text(SwiftError.BAD_REQUEST.code(), "FormPost: invalid starting boundary");
        } catch (FormPostException e) {
            Response r = text(e.error.code(), e.body());
            if (e.error == SwiftError.UNAUTHORIZED) {
                r.getHeaders().putSingle("Www-Authenticate", "Swift realm=\"unknown\"");
            }
            return r;
        } catch (IOException e) {
            throw SwiftError.CLIENT_DISCONNECT.exception("The client disconnected during request.");
        }
    }

    private Response translate(InputStream body) throws IOException {
        List<String> keys = path.container() == null ? List.of()
                : TempUrlKeys.of(context, path.account(), path.container()).stream()
                .map(TempUrlKeys.Key::secret).toList();
        if (keys.isEmpty()) {
            // No key could have signed it: Swift's answer, given before the body is read.
            throw FormPostException.unauthorized("invalid signature");
        }
        Map<String, String> attributes = new HashMap<>();
        int fields = 0;
        SwiftError failure = null;
        String message = "";
        int files = 0;
        MultipartReader reader = new MultipartReader(body, boundary);
        for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
            HeaderAttributes disposition = HeaderAttributes.parse(part.header("content-disposition"));
            String filename = disposition.get("filename");
            if (disposition.value().equals("form-data") && filename != null && !filename.isEmpty()) {
                files++;
                if (files > integer(attributes.get("max_file_count"), "max_file_count not an integer")) {
                    failure = SwiftError.BAD_REQUEST;
                    message = "max file count exceeded";
                    break;
                }
                Map<String, String> fileAttributes = new HashMap<>(attributes);
                fileAttributes.put("filename", filename);
                if (!attributes.containsKey("content-type") && part.header("content-type") != null) {
                    String t = part.header("content-type");
                    fileAttributes.put("content-type", t.isEmpty() ? "application/octet-stream" : t);
                }
                if (!attributes.containsKey("content-encoding") && part.header("content-encoding") != null) {
                    fileAttributes.put("content-encoding", part.header("content-encoding"));
                }
                failure = upload(fileAttributes, part.body(), keys);
                if (failure != null) {
                    break;
                }
            } else {
                if (++fields > MAX_FIELDS) {
                    throw FormPostException.invalid("too many form fields");
                }
                String value = readValue(part.body());
                String name = disposition.get("name");
                if (name != null && KNOWN_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
                    attributes.put(name.toLowerCase(Locale.ROOT), stripTrailing(value, "\r\n-"));
                }
            }
        }
        if (files == 0) {
            failure = SwiftError.BAD_REQUEST;
            message = "no files to process";
        }
        // A failure's line has always read as its page's heading (for a 500 that is not swob's reason).
        int status = failure == null ? Response.Status.CREATED.getStatusCode() : failure.code();
        String statusLine = failure == null ? BulkReport.statusLine(Response.Status.CREATED)
                : failure.code() + " " + failure.heading();
        String redirect = attributes.get("redirect");
        if (redirect == null || redirect.isEmpty()) {
            return text(status, message.isEmpty() ? statusLine : statusLine + "\r\nFormPost: " + title(message));
        }
        String location = redirect + (redirect.contains("?") ? "&" : "?")
                + "status=" + UrlQuote.quote(Integer.toString(status)) + "&message=" + UrlQuote.quote(message);
        byte[] page = ("<html><body><p><a href=\"" + location + "\">Click to continue...</a></p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        Response.ResponseBuilder seeOther = Response.status(Response.Status.SEE_OTHER).header("Location", location);
        return RawContentType.set(seeOther, "text/html; charset=UTF-8")
                .header("Content-Length", page.length).entity(page).build();
    }

    /** Checks the form's signature and expiry, then stores one file; null when it is stored, else why not. */
    private SwiftError upload(Map<String, String> attributes, InputStream file, List<String> keys) {
        if (keys.isEmpty()) {
            throw FormPostException.unauthorized("invalid signature");
        }
        long maxFileSize = integer(attributes.get("max_file_size"), "max_file_size not an integer");
        String filename = attributes.get("filename");
        String objectName = (path.object() == null ? "" : path.object()) + filename;
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        if (attributes.containsKey("x_delete_at")) {
            headers.putSingle("X-Delete-At", Long.toString(
                    integer(attributes.get("x_delete_at"), "x_delete_at not an integer: Unix timestamp required.")));
        }
        if (attributes.containsKey("x_delete_after")) {
            headers.putSingle("X-Delete-After", Long.toString(
                    integer(attributes.get("x_delete_after"), "x_delete_after not an integer: Number of seconds required.")));
        }
        if (attributes.containsKey("content-encoding")) {
            headers.putSingle("Content-Encoding", attributes.get("content-encoding"));
        }
        if (integer(attributes.get("expires"), "expired not an integer") < clock.instant().getEpochSecond()) {
            throw FormPostException.unauthorized("form expired");
        }
        checkSignature(attributes, keys);
        String contentType = attributes.get("content-type");
        if (contentType != null && contentType.isEmpty()) {
            contentType = "application/octet-stream";
        }
        CappedInputStream capped = new CappedInputStream(file, maxFileSize);
        try {
            if (objectName.getBytes(StandardCharsets.UTF_8).length > services.limits().maxObjectNameLength()) {
                throw SwiftError.BAD_REQUEST.exception("Object name too long");
            }
            if (context.containerFromStore(path.account(), path.container()).isEmpty()) {
                throw SwiftError.NOT_FOUND.exception();
            }
            ObjectWrite o = new ObjectWrite(new ObjectLocation(path.account(), path.container(), objectName),
                    ObjectHeaders.contentType(contentType, false, objectName),
                    ObjectHeaders.fromRequest(headers, services.limits()), null, false,
                    new WriteContent.Body(capped, -1));
            ObjectVersion v = WritePipeline.of(services, context).write(o);
            log.debug("form post stored {}/{}/{} ({} bytes)", v.account(), v.container(), v.name(), v.length());
            services.metrics().meter("swift.formpost.files").mark();
            return null;
        } catch (SwiftException e) {
            if (capped.exceeded()) {
                throw FormPostException.invalid("max_file_size exceeded");
            }
            return e.error();
        }
    }

    private void checkSignature(Map<String, String> attributes, List<String> keys) {
        String message = signedPath
                + "\n" + orDefault(attributes.get("redirect"), "")
                + "\n" + orDefault(attributes.get("max_file_size"), "0")
                + "\n" + orDefault(attributes.get("max_file_count"), "0")
                + "\n" + orDefault(attributes.get("expires"), "0");
        Signature signature = Signature.parse(orDefault(attributes.get("signature"), ""));
        if (signature == null || !signature.isAllowed()) {
            throw FormPostException.unauthorized("invalid signature");
        }
        boolean valid = false;
        for (String key : keys) {
            valid |= signature.matches(key, message); // every key is tried: no timing hint about which one
        }
        if (!valid) {
            services.metrics().meter("swift.formpost.invalid").mark();
            throw FormPostException.unauthorized("invalid signature");
        }
        services.metrics().meter("swift.formpost.digests." + signature.digest()).mark();
    }

    private static String orDefault(String value, String otherwise) {
        return value == null || value.isEmpty() ? otherwise : value;
    }

    private static long integer(String value, String error) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw FormPostException.invalid(error);
        }
    }

    /** A field's first {@link #MAX_VALUE_LENGTH} bytes, as Swift keeps them; over {@link #MAX_FIELD_READ} is refused. */
    private static String readValue(InputStream part) throws IOException {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        long read = 0;
        for (int n; (n = part.read(chunk)) >= 0; ) {
            read += n;
            if (read > MAX_FIELD_READ) {
                throw FormPostException.invalid("form fields too large");
            }
            int keep = Math.min(n, MAX_VALUE_LENGTH - value.size());
            value.write(chunk, 0, Math.max(0, keep));
        }
        return value.toString(StandardCharsets.UTF_8);
    }

    private static String stripTrailing(String s, String chars) {
        int end = s.length();
        while (end > 0 && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Python's str.title(), which Swift applies to its messages: "max file count exceeded" -> "Max File Count Exceeded". */
    static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetter(c);
        }
        return b.toString();
    }

    private static Response text(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return RawContentType.set(Response.status(status), "text/plain").header("Content-Length", bytes.length)
                .entity(bytes).build();
    }
}
