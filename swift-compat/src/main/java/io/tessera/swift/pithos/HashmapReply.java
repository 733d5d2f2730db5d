package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.http.XmlText;
import io.tessera.swift.objects.ObjectBodies;
import io.tessera.swift.slo.StaticLargeObject;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET .../object?hashmap}: the object's hashmap instead of its bytes, as Pithos writes it:
 * JSON {@code {"block_hash":"sha256","block_size":N,"bytes":N,"hashes":[...]}} by default, or XML
 * {@code <object name bytes block_size block_hash><hash>...</hash></object>} for {@code format=xml}.
 * Only an object's own map is served: a large object's bytes are its segments', which no one map
 * holds, so asking for its hashmap is a 400.
 */
public final class HashmapReply {
    private HashmapReply() {
    }

    /** Refuses a large object (SLO or DLO manifest), whose bytes no single map describes. */
    public static void checkServable(ObjectVersion v) {
        if (StaticLargeObject.isSlo(v) || v.metadata().containsKey(ObjectBodies.DLO_MANIFEST)) {
            throw SwiftError.BAD_REQUEST.exception("A large object has no hashmap of its own: ask for its segments'");
        }
    }

    public static Response.ResponseBuilder of(ObjectVersion v, Hashmap map, MultivaluedMap<String, String> query,
                                              String accept) {
        PithosQuery.Format format = PithosQuery.format(query, accept, false);
        byte[] body = format == PithosQuery.Format.XML ? xml(v.name(), map) : json(map);
        Response.ResponseBuilder reply = Response.ok(body)
                .header("ETag", v.etag())
                .header("X-Object-Hash", v.map().merkleRoot().toHex())
                .header("Last-Modified", HttpDates.format(HttpDates.lastModifiedSeconds(v.timestamp())))
                .header("X-Timestamp", v.timestamp().toSwift())
                .header("Content-Length", body.length);
        return RawContentType.set(reply, format.contentType);
    }

    static byte[] json(Hashmap map) {
        StringBuilder b = new StringBuilder(96 + 67 * map.blockCount());
        b.append("{\"block_hash\": \"").append(HashmapBody.BLOCK_HASH).append("\", \"block_size\": ")
                .append(map.blockSize().bytes()).append(", \"bytes\": ").append(map.length()).append(", \"hashes\": [");
        String sep = "";
        for (BlockHash h : map.hashes()) {
            b.append(sep).append('"').append(h.toHex()).append('"');
            sep = ", ";
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] xml(String name, Hashmap map) {
        StringBuilder b = new StringBuilder(200 + name.length() + 80 * map.blockCount());
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<object name=\"").append(XmlText.escapeWithQuotes(name))
                .append("\" bytes=\"").append(map.length()).append("\" block_size=\"").append(map.blockSize().bytes())
                .append("\" block_hash=\"").append(HashmapBody.BLOCK_HASH).append("\">\n");
        for (BlockHash h : map.hashes()) {
            b.append("  <hash>").append(h.toHex()).append("</hash>\n");
        }
        return b.append("</object>\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
