package io.tessera.swift.bulk;

import io.tessera.swift.context.RequestContext;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.writes.WritePipeline;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT /v1/<account>[/<container>[/<prefix>]]?extract-archive=tar|tar.gz|tar.bz2}: unpacks the
 * archive in the body into objects ({@link ArchiveExtractor}). As in Swift the reply is 200 at once,
 * whitespace while extracting, then a body (text, JSON or XML by Accept) with the real outcome.
 */
public final class ExtractArchiveResource {
    private final SwiftServices services;
    private final RequestContext context;
    private final SwiftPath path;
    private final ArchiveExtractor.Compression compression;
    private final BulkLimits limits;

    /** @throws SwiftException 400 for an archive format Swift does not extract */
    public ExtractArchiveResource(SwiftServices services, RequestContext context, String format, BulkLimits limits) {
        this.services = services;
        this.context = context;
        this.path = context.path();
        this.compression = ArchiveExtractor.Compression.of(format);
        this.limits = limits;
        if (compression == null) {
            throw SwiftError.BAD_REQUEST.exception("Unsupported archive format");
        }
    }

    @PUT
    public Response put(@Context HttpHeaders headers, @Context ContainerRequestContext request, InputStream body) {
        String format = BulkReport.negotiate(headers.getHeaderString("Accept"));
        boolean hasLength = headers.getHeaderString("Content-Length") != null
                || "chunked".equalsIgnoreCase(String.valueOf(headers.getHeaderString("Transfer-Encoding")).trim());
        Map<String, String> metadata = ObjectHeaders.fromRequest(headers.getRequestHeaders(), services.limits());
        metadata.remove(ObjectBodies.DLO_MANIFEST);
        ArchiveExtractor.Defaults defaults = new ArchiveExtractor.Defaults(RawContentType.of(request),
                ObjectHeaders.isTrue(headers.getHeaderString("X-Detect-Content-Type")), metadata);
        String base = path.container() == null ? "" : path.container() + (path.object() == null ? "" : "/" + path.object());
        ArchiveExtractor extractor = new ArchiveExtractor(services.store().metadata(),
                WritePipeline.of(services, context), services.authorizer(context), context.principal(), path.account(),
                services.limits(), limits, services.metrics().meter("swift.bulk.extracted"));
        StreamingOutput reply = out -> {
            Heartbeat heartbeat = new Heartbeat(out, limits.yieldFrequencySeconds(), BulkReport.isXml(format));
            ArchiveExtractor.Outcome outcome;
            if (format == null) {
                outcome = failed(SwiftError.NOT_ACCEPTABLE);
            } else if (!hasLength) {
                outcome = failed(SwiftError.LENGTH_REQUIRED);
            } else {
                outcome = extractor.extract(body, compression, base, defaults, heartbeat);
            }
            out.write(heartbeat.separator());
            out.write(BulkReport.body(format, outcome.values(), outcome.failures, "extract"));
        };
        return Response.ok(reply).type(format != null ? format : BulkReport.TEXT).build();
    }

    private static ArchiveExtractor.Outcome failed(SwiftError error) {
        ArchiveExtractor.Outcome o = new ArchiveExtractor.Outcome();
        o.status = error.statusLine();
        return o;
    }
}
