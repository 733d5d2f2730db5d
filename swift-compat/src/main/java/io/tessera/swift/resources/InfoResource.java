package io.tessera.swift.resources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tessera.swift.http.SwiftConstraints;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code GET /info}: the capabilities and the constraints we enforce, as Swift's /info shows them. */
@Path("/info")
public final class InfoResource {
    private final SwiftConstraints limits;
    /** The middleware sections beside {@code swift} (tempurl, staticweb...), each as Swift names and fills it. */
    private final Map<String, Map<String, Object>> features;

    public InfoResource(SwiftConstraints limits) {
        this(limits, Map.of());
    }

    public InfoResource(SwiftConstraints limits, Map<String, Map<String, Object>> features) {
        this.limits = limits;
        this.features = new java.util.TreeMap<>(features);
    }

    @GET
    @Produces("application/json; charset=utf-8")
    public byte[] info() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("swift");
            writeMap(g, limits.asInfo());
            for (Map.Entry<String, Map<String, Object>> feature : features.entrySet()) {
                g.writeFieldName(feature.getKey());
                writeMap(g, feature.getValue());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeMap(JsonGenerator g, Map<String, Object> m) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            writeMap(g, (Map<String, Object>) m);
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(String.valueOf(v));
        }
    }
}
