package io.tessera.server.http;

import io.tessera.store.Timestamp;
import io.tessera.swift.errors.ErrorBodies;
import io.tessera.swift.http.TransactionIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before the request reaches Jersey (a malformed request line, a header
 * too large, a bad URI): Swift-shaped body, a transaction id and a timestamp, and never a stack trace.
 */
public final class SwiftErrorHandler extends ErrorHandler {
    public SwiftErrorHandler() {
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() > 0 ? response.getStatus() : 500;
        String transId = TransactionIds.generate(null);
        response.getHeaders().put("X-Trans-Id", transId);
        response.getHeaders().put("X-Openstack-Request-Id", transId);
        response.getHeaders().put("X-Timestamp", Timestamp.now().toSwift());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ErrorBodies.CONTENT_TYPE);
        byte[] body = ErrorBodies.body(status, null).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
