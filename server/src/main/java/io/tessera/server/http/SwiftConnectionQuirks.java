package io.tessera.server.http;

import io.tessera.swift.errors.SwiftError;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Two connection-level details where Swift's proxy and Jetty differ, handled before anything reads
 * the body: a {@code Transfer-Encoding} other than plain {@code chunked} (e.g. {@code gzip,chunked})
 * gets 501 Not Implemented, as Swift answers it (Jetty would answer 400 when it fails to parse the body
 * as chunks), and the connection is closed, its body never having been framed for us; and a request's
 * {@code Connection: keep-alive} is echoed in the reply, as Swift's server does.
 */
public final class SwiftConnectionQuirks extends Handler.Wrapper {

    public SwiftConnectionQuirks(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String te = request.getHeaders().get(HttpHeader.TRANSFER_ENCODING);
        if (te != null && !te.trim().equalsIgnoreCase("chunked")) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            SwiftErrorHandler.write(response, callback, SwiftError.NOT_IMPLEMENTED, null);
            return true;
        }
        if ("keep-alive".equalsIgnoreCase(request.getHeaders().get(HttpHeader.CONNECTION))) {
            // Swift's eventlet server echoes "Connection: keep-alive" (its suite checks it); Jetty drops a
            // Connection field it recognises on HTTP/1.1, so this one is added as a plain, unparsed field.
            response.getHeaders().add(new HttpField((HttpHeader) null, "Connection", "keep-alive"));
        }
        return super.handle(request, response, callback);
    }
}
