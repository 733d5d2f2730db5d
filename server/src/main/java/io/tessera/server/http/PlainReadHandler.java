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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
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
        this.served = metrics.meter("swift.plain_reads"); // taken on: marked before the reply is sent
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        boolean head = method.equals("HEAD");
        // A path the servlet context cannot make canonical (more ".." than segments) is its 404.
        if ((!head && !method.equals("GET")) || request.getHttpURI().getQuery() != null || hasBody(request)
                || request.getHttpURI().getCanonicalPath() == null) {
            return super.handle(request, response, callback);
        }
        HttpFields in = request.getHeaders();
        // A header sent more than once reads as JAX-RS reads it (its values joined by commas), so
        // two X-Auth-Tokens or two Ranges are judged here as the full path judges them.
        Function<String, String> header = name -> valueOf(in, name);
        RequestContext context = RequestContext.arriving(method, request.getHttpURI().getPath(),
                header.apply("X-Trans-Id-Extra"), services.store().info(), limits);
        PlainRead read;
        try {
            read = PlainRead.prepare(services, context, header);
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
        int before = out.size(); // what this path adds from here is taken back if the body fails before its first byte
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
            // Nothing sent yet: take back what this path added (Date and the keep-alive echo stay).
            List<String> added = new ArrayList<>();
            for (int i = before; i < out.size(); i++) {
                added.add(out.getField(i).getName());
            }
            added.forEach(out::remove);
            out.remove(HttpHeader.CONTENT_TYPE); // kept apart by some fields: taken back by name too
            out.remove(HttpHeader.CONTENT_LENGTH);
            response.setStatus(200);
            if (e instanceof CorruptBlockException damaged) {
                // Swift's 500, as the full path answers it (reading the block again there would count
                // the damage twice).
                log.error("{} stored data is damaged: {}", context.transactionId(), damaged.getMessage());
                SwiftErrorHandler.write(response, callback, SwiftError.INTERNAL_ERROR, null, context.transactionId());
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

    /**
     * The request's header {@code name}, its values joined by commas if sent more than once, or null: a
     * walk over the few fields a request has, with no list made (most are absent, the rest sent once).
     */
    static String valueOf(HttpFields in, String name) {
        String joined = null;
        for (int i = 0, n = in.size(); i < n; i++) {
            HttpField f = in.getField(i);
            if (f.is(name)) {
                joined = joined == null ? f.getValue() : joined + "," + f.getValue();
            }
        }
        return joined;
    }

    private static boolean hasBody(Request request) {
        HttpFields h = request.getHeaders();
        return h.contains(HttpHeader.TRANSFER_ENCODING) || h.getLongField(HttpHeader.CONTENT_LENGTH) > 0;
    }
}
