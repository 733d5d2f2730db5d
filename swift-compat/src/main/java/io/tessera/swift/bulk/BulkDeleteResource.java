package io.tessera.swift.bulk;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import io.tessera.swift.http.RawContentType;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST} (or {@code DELETE}) {@code ...?bulk-delete} on any path of an account: deletes the
 * objects and containers named in the body, one URL-encoded {@code /container[/object]} a line, as
 * Swift's bulk middleware does. The reply is always 200; its body (text, JSON or XML by Accept) says
 * what happened, after whitespace sent while deleting so the connection stays alive.
 */
public final class BulkDeleteResource {
    private final BulkDeleter deleter;
    private final BulkLimits limits;

    public BulkDeleteResource(BulkDeleter deleter, BulkLimits limits) {
        this.deleter = deleter;
        this.limits = limits;
    }

    @POST
    public Response post(@Context HttpHeaders headers, @Context ContainerRequestContext request, InputStream body) {
        return delete(headers, request, body);
    }

    @DELETE
    public Response delete(@Context HttpHeaders headers, @Context ContainerRequestContext request, InputStream body) {
        String format = BulkReport.negotiate(headers.getHeaderString("Accept"));
        boolean hasLength = headers.getHeaderString("Content-Length") != null
                || "chunked".equalsIgnoreCase(String.valueOf(headers.getHeaderString("Transfer-Encoding")).trim());
        String incoming = RawContentType.of(request);
        StreamingOutput reply = out -> {
            Heartbeat heartbeat = new Heartbeat(out, limits.yieldFrequencySeconds(), BulkReport.isXml(format));
            BulkDeleter.Outcome outcome;
            try {
                if (format == null || (incoming != null && !incoming.startsWith("text/plain"))) {
                    throw SwiftError.NOT_ACCEPTABLE.exception();
                }
                if (!hasLength) {
                    throw SwiftError.LENGTH_REQUIRED.exception();
                }
                outcome = deleter.run(names(body), heartbeat);
            } catch (SwiftException e) {
                outcome = new BulkDeleter.Outcome();
                outcome.fail(e.error(), e.body());
            }
            out.write(heartbeat.separator());
            out.write(BulkReport.body(format, outcome.values(), outcome.failures(), "delete"));
        };
        return Response.ok(reply).type(format != null ? format : BulkReport.TEXT).build();
    }

    /** The names in the body, decoded; at most max_deletes_per_request of them, each of a sane length. */
    private List<BulkDeleter.Target> names(InputStream body) throws IOException {
        int maxLine = 2 * (1024 + 256 + 2);
        List<BulkDeleter.Target> targets = new ArrayList<>();
        InputStream in = new BufferedInputStream(body);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); ; c = in.read()) {
            if (c == '\n' || c < 0) {
                byte[] raw = trim(line.toByteArray());
                line.reset();
                if (raw.length > 0) {
                    String name = PathQuote.unquote(raw);
                    targets.add(name != null ? BulkDeleter.Target.of(name)
                            : new BulkDeleter.Target(new String(raw, StandardCharsets.UTF_8),
                                    SwiftError.PRECONDITION_FAILED, SwiftError.PRECONDITION_FAILED.statusLine()));
                    if (targets.size() > limits.maxDeletesPerRequest()) {
                        throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Maximum Bulk Deletes: "
                                + limits.maxDeletesPerRequest() + " per request");
                    }
                }
                if (c < 0) {
                    return targets;
                }
            } else {
                line.write(c);
                if (line.size() > maxLine) {
                    throw SwiftError.BAD_REQUEST.exception("Invalid File Name");
                }
            }
        }
    }

    private static byte[] trim(byte[] b) {
        int start = 0;
        int end = b.length;
        while (start < end && Character.isWhitespace(b[start])) {
            start++;
        }
        while (end > start && Character.isWhitespace(b[end - 1])) {
            end--;
        }
        return java.util.Arrays.copyOfRange(b, start, end);
    }
}
