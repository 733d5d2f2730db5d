package io.tessera.bench.http;

import java.util.Locale;
import java.util.Map;

/** A response: status, headers with lower-case names, and how many body bytes went to the sink. */
public record Response(int status, Map<String, String> headers, long bodyBytes) {
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The ETag without the quotes some servers put around it. */
    public String etag() {
        String e = header("etag");
        return e == null ? null : e.replace("\"", "");
    }

    public long contentLength() {
        String v = header("content-length");
        return v == null ? -1 : Long.parseLong(v.trim());
    }
}
