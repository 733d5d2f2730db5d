package io.tessera.server.http;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.store.CorruptBlockException;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.context.RequestContext;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.objects.PlainRead;
import io.tessera.swift.objects.ReplyHeaders;
import java.io.OutputStream;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lean path for plain object GETs and HEADs (the most frequent requests): where
 * {@link PlainRead} finds that no middleware applies, the reply is written here, straight to Jetty,
 * without the servlet and JAX-RS layers' per-request work. Anything else — a query, a body, or any
 * request PlainRead declines — is handed on unchanged to the full path, with the context already made
 * (so it is not made twice). Off with {@code server.plain_reads: false}.
 */
public final class PlainReadHandler extends Handler.Wrapper {
    private static final Logger log = LoggerFactory.getLogger(PlainReadHandler.class);
    private final SwiftServices services;
    private final SwiftConstraints limits;
    private final Meter served;

    public PlainReadHandler(Handler next, SwiftServices services, MetricRegistry metrics) {
        super(next);
        this.services = services;
        this.limits = services.limits();
        this.served = metrics.meter("swift.plain_reads");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        boolean head = method.equals("HEAD");
        if ((!head && !method.equals("GET")) || request.getHttpURI().getQuery() != null || hasBody(request)) {
            return super.handle(request, response, callback);
        }
        HttpFields in = request.getHeaders();
        RequestContext context = RequestContext.arriving(method, request.getHttpURI().getPath(),
                in.get("X-Trans-Id-Extra"), services.store().info(), limits);
        PlainRead read;
        try {
            read = PlainRead.prepare(services, context, in::get);
        } catch (RuntimeException anyDoubt) {
            log.debug("{} {}: the full path answers: {}", method, request.getHttpURI().getPath(), anyDoubt.toString());
            read = null; // e.g. the store unavailable: the full path gives the answer its shape
        }
        if (read == null) {
            request.setAttribute(RequestContext.PROPERTY, context);
            return super.handle(request, response, callback);
        }
        response.setStatus(read.status());
        HttpFields.Mutable out = response.getHeaders();
        read.writeHeaders(new ReplyHeaders() {
            @Override
            public void contentType(String wireValue) {
                out.put(HttpHeader.CONTENT_TYPE, wireValue);
            }

            @Override
            public void header(String name, Object value) {
                out.add(name, String.valueOf(value));
            }
        });
        served.mark(); // before the reply is sent: whoever reads the meter after the reply sees this one
        if (head) {
            response.write(true, null, callback);
            return true;
        }
        OutputStream body = Content.Sink.asOutputStream(response);
        try {
            read.writeBody(body);
        } catch (Exception e) {
            if (response.isCommitted()) {
                callback.failed(e); // bytes are out: the connection is cut short of Content-Length
                return true;
            }
            response.reset();
            if (e instanceof CorruptBlockException damaged) {
                // Nothing sent yet: Swift's 500, as the full path answers it (reading the block again
                // there would count the damage twice).
                log.error("{} stored data is damaged: {}", context.transactionId(), damaged.getMessage());
                SwiftErrorHandler.write(response, callback, SwiftError.INTERNAL_ERROR, null);
                return true;
            }
            log.debug("{} {}: body failed before its first byte, the full path answers: {}", method,
                    request.getHttpURI().getPath(), e.toString());
            request.setAttribute(RequestContext.PROPERTY, context);
            return super.handle(request, response, callback);
        }
        try {
            body.close();
        } catch (java.io.IOException clientGone) {
            callback.failed(clientGone);
            return true;
        }
        callback.succeeded();
        return true;
    }

    private static boolean hasBody(Request request) {
        HttpFields h = request.getHeaders();
        return h.contains(HttpHeader.TRANSFER_ENCODING) || h.getLongField(HttpHeader.CONTENT_LENGTH) > 0;
    }
}
