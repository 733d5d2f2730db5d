package io.tessera.bench.http;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/** One client connection, used by one thread: send a request, stream the reply's body into a sink. */
public interface Conn extends Closeable {
    Response exchange(String method, String path, Map<String, String> headers, Body body, Sink sink) throws IOException;

    @Override
    void close();
}
