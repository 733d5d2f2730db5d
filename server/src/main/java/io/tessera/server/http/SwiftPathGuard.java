package io.tessera.server.http;

import io.tessera.swift.errors.SwiftError;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Swift's rule for names, applied to the raw request path before Jetty's servlet layer decodes it:
 * an encoded NUL ({@code %00}, which that layer refuses with a bare 400) or raw bytes that are not
 * UTF-8 (which Jetty's parser has already turned into U+FFFD, so they would silently become another
 * name) get 412 "Invalid UTF8 or contains NULL". Percent-encoded invalid UTF-8 is caught later, where
 * the path is decoded (SwiftPath).
 */
public final class SwiftPathGuard extends Handler.Wrapper {
    static final String MESSAGE = "Invalid UTF8 or contains NULL";

    public SwiftPathGuard(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String raw = request.getHttpURI().getPath();
        if (raw != null && (raw.indexOf('\uFFFD') >= 0 || raw.contains("%00"))) { // "%00" has no letter to fold
            SwiftErrorHandler.write(response, callback, SwiftError.PRECONDITION_FAILED, MESSAGE);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
