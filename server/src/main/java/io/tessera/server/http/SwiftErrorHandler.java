package io.tessera.server.http;

import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
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
        SwiftError error = response.getStatus() > 0 ? SwiftError.of(response.getStatus()) : SwiftError.INTERNAL_ERROR;
        if (error == SwiftError.BAD_REQUEST && isNulInPath(request.getAttribute(ERROR_EXCEPTION))) {
            write(response, callback, SwiftError.PRECONDITION_FAILED, SwiftPathGuard.MESSAGE);
        } else {
            write(response, callback, error, null);
        }
        return true;
    }

    /**
     * Jetty's request parser refuses an encoded NUL in the path ("Illegal character in path") before
     * any handler sees the request; Swift answers that with 412, like any name that is not UTF-8.
     */
    static boolean isNulInPath(Object error) {
        for (Throwable t = error instanceof Throwable th ? th : null; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && "Illegal character in path".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** Writes a complete Swift-shaped error reply, with its own transaction id and timestamp. */
    public static void write(Response response, Callback callback, SwiftError error, String message) {
        write(response, callback, error, message, TransactionIds.generate(null));
    }

    /** The same, for a request that already has its transaction id. */
    public static void write(Response response, Callback callback, SwiftError error, String message, String transId) {
        response.setStatus(error.code());
        response.getHeaders().put("X-Trans-Id", transId);
        response.getHeaders().put("X-Openstack-Request-Id", transId);
        response.getHeaders().put("X-Timestamp", Timestamp.now().toSwift());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, SwiftError.CONTENT_TYPE);
        byte[] body = error.body(message).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
