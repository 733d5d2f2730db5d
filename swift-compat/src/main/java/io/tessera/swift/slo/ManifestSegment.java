package io.tessera.swift.slo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One entry of a stored manifest, in Swift's stored form: an object-backed segment
 * ({@code name}, {@code bytes}, {@code hash}, {@code content_type}, {@code last_modified}, and
 * {@code range} / {@code sub_slo} when they apply) or inline {@code data} (base64).
 *
 * @param range    {@code "first-last"} (inclusive), normalized at PUT, or null for the whole segment
 * @param bytes    the whole segment object's length (for a sub-manifest: its large object's length)
 * @param hash     the segment's ETag, unquoted (for a sub-manifest: its large object's ETag)
 */
record ManifestSegment(String name, long bytes, String hash, String contentType, String lastModified, String range,
                       boolean subSlo, byte[] data) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = new JsonFactory();

    static ManifestSegment inline(byte[] data) {
        return new ManifestSegment(null, data.length, null, null, null, null, false, data);
    }

    boolean isData() {
        return data != null;
    }

    /** The bytes this entry contributes to the large object. */
    long length() {
        if (data != null) {
            return data.length;
        }
        if (range != null) {
            return rangeLast() - rangeFirst() + 1;
        }
        return bytes;
    }

    long rangeFirst() {
        return range == null ? 0 : Long.parseLong(range.substring(0, range.indexOf('-')));
    }

    long rangeLast() {
        return range == null ? bytes - 1 : Long.parseLong(range.substring(range.indexOf('-') + 1));
    }

    /** The segment's container and object, from its name {@code /container/object}. */
    String container() {
        String n = name.substring(1);
        return n.substring(0, n.indexOf('/'));
    }

    String object() {
        String n = name.substring(1);
        return n.substring(n.indexOf('/') + 1);
    }

    /** What this entry adds to the large object's ETag, as Swift computes it. */
    String etagPart() {
        if (data != null) {
            return Md5.hex(data);
        }
        return range != null ? hash + ":" + range + ";" : hash;
    }

    /** The stored manifest: what {@code ?multipart-manifest=get} returns. */
    static byte[] toJson(List<ManifestSegment> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (ManifestSegment s : segments) {
                g.writeStartObject();
                if (s.isData()) {
                    g.writeStringField("data", Base64.getEncoder().encodeToString(s.data));
                } else {
                    g.writeStringField("name", s.name);
                    g.writeNumberField("bytes", s.bytes);
                    g.writeStringField("hash", s.hash);
                    g.writeStringField("content_type", s.contentType);
                    g.writeStringField("last_modified", s.lastModified);
                    if (s.range != null) {
                        g.writeStringField("range", s.range);
                    }
                    if (s.subSlo) {
                        g.writeBooleanField("sub_slo", true);
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The client's form of a stored manifest ({@code ?multipart-manifest=get&format=raw}): {@code path},
     * {@code etag}, {@code size_bytes} and {@code range}, keys sorted, as Swift returns it; a PUT of it
     * with {@code ?multipart-manifest=put} makes the same large object again.
     */
    static byte[] toRawJson(List<ManifestSegment> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (ManifestSegment s : segments) {
                g.writeStartObject();
                if (s.isData()) {
                    g.writeStringField("data", Base64.getEncoder().encodeToString(s.data));
                } else {
                    g.writeStringField("etag", s.hash);
                    g.writeStringField("path", s.name);
                    if (s.range != null) {
                        g.writeStringField("range", s.range);
                    }
                    g.writeNumberField("size_bytes", s.bytes);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads a stored manifest (written by {@link #toJson}, or by Swift). */
    static List<ManifestSegment> fromJson(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored manifest is not JSON: " + e.getMessage());
        }
        List<ManifestSegment> segments = new ArrayList<>();
        for (JsonNode n : root) {
            if (n.has("data")) {
                segments.add(inline(Base64.getDecoder().decode(n.get("data").asText())));
            } else {
                segments.add(new ManifestSegment(n.get("name").asText(), n.get("bytes").asLong(),
                        n.path("hash").asText(null), n.path("content_type").asText(null),
                        n.path("last_modified").asText(null), n.hasNonNull("range") ? n.get("range").asText() : null,
                        n.path("sub_slo").asBoolean(false), null));
            }
        }
        return segments;
    }
}
