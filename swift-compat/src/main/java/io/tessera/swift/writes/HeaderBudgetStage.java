package io.tessera.swift.writes;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.MetadataHeaders;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.http.SwiftConstraints;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What an object stores to echo later as reply headers (its Content-Type, content headers and
 * user metadata), checked once for every writer before a byte is read: Swift's metadata
 * constraints, whatever the metadata came from (headers, a COPY's source, an archive's pax
 * entries), and a total for all of them, so that no stored object can make its HEAD or GET
 * overflow the server's response-header buffer (JettyServerFactory keeps a margin above it).
 */
final class HeaderBudgetStage implements ObjectWriter {
    /** Bytes of stored reply headers an object may have: four full header lines. */
    static int budget(SwiftConstraints limits) {
        return 4 * limits.maxHeaderSize();
    }

    private final SwiftConstraints limits;
    private final ObjectWriter next;

    HeaderBudgetStage(SwiftConstraints limits, ObjectWriter next) {
        this.limits = limits;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        MetadataHeaders.check(w.metadata(), "object", limits);
        long total = line("content-type", w.contentType());
        for (Map.Entry<String, String> e : w.metadata().entrySet()) {
            if (!e.getKey().startsWith(MetadataReplies.INTERNAL_PREFIX)) {
                total += line(e.getKey(), e.getValue());
            }
        }
        if (total > budget(limits)) {
            throw SwiftError.BAD_REQUEST.exception("Stored headers too large; max " + budget(limits));
        }
        return next.write(w);
    }

    /** The bytes of one reply header line ({@code name: value\r\n}); one longer than a request could send is refused. */
    private long line(String name, String value) {
        if (value == null) {
            return 0;
        }
        int bytes = name.length() + 4 + value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxHeaderSize()) {
            throw SwiftError.BAD_REQUEST.exception("Header value too long: " + MetadataHeaders.headerName(name));
        }
        return bytes;
    }
}
