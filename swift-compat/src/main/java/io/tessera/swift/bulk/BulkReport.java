package io.tessera.swift.bulk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.XmlText;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result body of Swift's bulk operations (bulk delete, archive extraction, SLO manifest PUT with
 * heartbeat and SLO delete): a few named values and a list of (name, status) errors, as text/plain
 * ({@code Key: value} lines, sorted, then {@code Errors:}), JSON or XML, chosen by the Accept header.
 */
public final class BulkReport {
    public static final String TEXT = "text/plain";
    public static final String JSON = "application/json";
    /** What Swift's bulk middleware can answer in, in its order of preference. */
    static final List<String> FORMATS = List.of(TEXT, JSON, "application/xml", "text/xml");
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private BulkReport() {
    }

    /**
     * A success as these bodies report it ({@code 201 Created}: swob's reasons for the 2xx are
     * JAX-RS's); an error is reported as its {@link SwiftError#statusLine()}.
     */
    public static String statusLine(Response.Status success) {
        return success.getStatusCode() + " " + success.getReasonPhrase();
    }

    /**
     * The format to answer in: the best of {@link #FORMATS} the Accept header allows (text/plain
     * without one, or with one that cannot be parsed), or null if it allows none of them.
     */
    public static String negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return TEXT;
        }
        record Accepted(String type, double q, int order) {
        }
        List<Accepted> accepted = new ArrayList<>();
        String[] parts = accept.split(",");
        for (int i = 0; i < parts.length; i++) {
            String[] params = parts[i].split(";");
            String type = params[0].trim().toLowerCase(Locale.ROOT);
            if (!type.contains("/")) {
                return TEXT; // Swift ignores an Accept header it cannot parse
            }
            double q = 1;
            for (int j = 1; j < params.length; j++) {
                String p = params[j].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        return TEXT;
                    }
                }
            }
            accepted.add(new Accepted(type, q, i));
        }
        accepted.sort((a, b) -> a.q != b.q ? Double.compare(b.q, a.q) : Integer.compare(a.order, b.order));
        for (Accepted a : accepted) {
            if (a.q <= 0) {
                continue;
            }
            for (String offer : FORMATS) {
                if (matches(a.type, offer)) {
                    return offer;
                }
            }
        }
        return null;
    }

    private static boolean matches(String pattern, String offer) {
        if (pattern.equals("*/*") || pattern.equals(offer)) {
            return true;
        }
        return pattern.endsWith("/*") && offer.startsWith(pattern.substring(0, pattern.length() - 1));
    }

    public static boolean isXml(String format) {
        return format != null && format.endsWith("/xml");
    }

    /** The body: {@code values} (String or Number) and {@code errors} (each [name, status]). */
    public static byte[] body(String format, Map<String, Object> values, List<List<String>> errors, String rootTag) {
        if (JSON.equals(format)) {
            return json(values, errors);
        }
        StringBuilder b = new StringBuilder();
        Map<String, Object> sorted = new TreeMap<>(values);
        if (isXml(format)) {
            b.append('<').append(rootTag).append(">\n");
            sorted.forEach((k, v) -> {
                String tag = k.replace(' ', '_').toLowerCase(Locale.ROOT);
                b.append('<').append(tag).append('>').append(escape(String.valueOf(v))).append("</").append(tag).append(">\n");
            });
            b.append("<errors>\n");
            for (List<String> e : errors) {
                b.append("<object><name>").append(escape(e.get(0))).append("</name><status>")
                        .append(escape(e.get(1))).append("</status></object>\n");
            }
            b.append("</errors>\n</").append(rootTag).append(">\n");
        } else {
            sorted.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
            b.append("Errors:\n");
            for (List<String> e : errors) {
                b.append(e.get(0)).append(", ").append(e.get(1)).append('\n');
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(Map<String, Object> values, List<List<String>> errors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : values.entrySet()) {
                if (e.getValue() instanceof Number n) {
                    g.writeNumberField(e.getKey(), n.longValue());
                } else {
                    g.writeStringField(e.getKey(), String.valueOf(e.getValue()));
                }
            }
            g.writeArrayFieldStart("Errors");
            for (List<String> err : errors) {
                g.writeStartArray();
                for (String s : err) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String escape(String s) {
        return XmlText.escape(s);
    }
}
