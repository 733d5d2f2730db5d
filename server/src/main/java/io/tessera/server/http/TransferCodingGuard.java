package io.tessera.server.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A {@code Transfer-Encoding} other than plain {@code chunked} (e.g. {@code gzip,chunked}) gets 501
 * Not Implemented, as Swift answers it, before anything reads the body (Jetty would answer 400 when it
 * fails to parse the body as chunks). The connection is closed: its body was never framed for us.
 */
public final class TransferCodingGuard extends Handler.Wrapper {

    public TransferCodingGuard(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String te = request.getHeaders().get(HttpHeader.TRANSFER_ENCODING);
        if (te != null && !te.trim().equalsIgnoreCase("chunked")) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            SwiftErrorHandler.write(response, callback, 501, null);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
