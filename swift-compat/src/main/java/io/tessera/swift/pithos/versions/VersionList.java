package io.tessera.swift.pithos.versions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.http.XmlText;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.versioning.ObjectVersioning;
import io.tessera.swift.versioning.VersionNames;
import io.tessera.swift.versioning.VersionedObjects;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pithos' {@code GET <object>?version=list}: every version of one object that is not a delete marker,
 * oldest first, as {@code {"versions": [[id, timestamp], ...]}} (JSON), {@code <object name=...><version
 * timestamp=...>id</version>...} (XML) or one {@code id timestamp} a line ({@code format=text}). The
 * timestamp is float epoch seconds (kamaki calls {@code float()} on it). A container without versioning
 * has one version, the current one. The versions are read from the store a page at a time as the reply
 * is written, so an object with a million versions costs one page of memory.
 */
public final class VersionList {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int PAGE = 1000;

    private enum Format { JSON, XML, TEXT }

    private final MetadataStore metadata;
    private final String account;
    private final String container;
    private final String name;
    private final Map<String, String> containerMetadata;

    public VersionList(MetadataStore metadata, String account, String container, String name,
                       Map<String, String> containerMetadata) {
        this.metadata = metadata;
        this.account = account;
        this.container = container;
        this.name = name;
        this.containerMetadata = containerMetadata;
    }

    /** Whether an object GET asks for its version list. */
    public static boolean asked(MultivaluedMap<String, String> query) {
        return "list".equals(query.getFirst("version"));
    }

    public Response reply(MultivaluedMap<String, String> query, String accept) {
        Format format = format(query.getFirst("format"), accept);
        StreamingOutput body = out -> write(format, out);
        String type = switch (format) {
            case JSON -> "application/json; charset=utf-8";
            case XML -> "application/xml; charset=utf-8";
            case TEXT -> "text/plain; charset=utf-8";
        };
        return Response.ok(body).header("Content-Type", type).build();
    }

    private static Format format(String f, String accept) {
        if (f != null && !f.isEmpty()) {
            String v = f.toLowerCase(Locale.ROOT);
            if (v.equals("xml") || v.contains("/xml")) {
                return Format.XML;
            }
            if (v.equals("text") || v.equals("plain") || v.startsWith("text/plain")) {
                return Format.TEXT;
            }
            return Format.JSON;
        }
        if (accept != null) {
            String a = accept.toLowerCase(Locale.ROOT);
            if (!a.contains("application/json") && (a.contains("application/xml") || a.contains("text/xml"))) {
                return Format.XML;
            }
        }
        return Format.JSON;
    }

    /** One line of the list. */
    private interface Sink {
        void version(String id) throws IOException;
    }

    private void write(Format format, OutputStream out) throws IOException {
        switch (format) {
            case JSON -> {
                try (JsonGenerator g = JSON.createGenerator(out)) {
                    g.writeStartObject();
                    g.writeArrayFieldStart("versions");
                    each(id -> {
                        g.writeStartArray();
                        g.writeString(id);
                        g.writeNumber(new BigDecimal(id));
                        g.writeEndArray();
                    });
                    g.writeEndArray();
                    g.writeEndObject();
                }
            }
            case XML -> {
                Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
                w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<object name=\"" + XmlText.escapeWithQuotes(name) + "\">\n");
                each(id -> w.write("  <version timestamp=\"" + id + "\">" + id + "</version>\n"));
                w.write("</object>\n");
                w.flush();
            }
            case TEXT -> {
                Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
                each(id -> w.write(id + " " + id + "\n"));
                w.flush();
            }
        }
    }

    /** Every version's id, oldest first: the hidden container's (newest-first names, read backwards), then a plain current row. */
    private void each(Sink sink) throws IOException {
        String last = null;
        Optional<String> hidden = ObjectVersioning.hiddenContainer(containerMetadata);
        if (hidden.isPresent()) {
            String prefix = VersionNames.objectPrefix(name);
            String endBefore = null;
            while (true) {
                List<ObjectVersion> rows = metadata.listObjects(account, hidden.get(),
                        new ListQuery(prefix, null, null, endBefore, true, PAGE));
                for (ObjectVersion v : rows) {
                    endBefore = v.name();
                    if (VersionedObjects.DELETE_MARKER_TYPE.equals(v.contentType())) {
                        continue;
                    }
                    Optional<VersionNames.Parsed> p = VersionNames.parse(v.name());
                    if (p.isEmpty() || !p.get().object().equals(name)) {
                        continue;
                    }
                    last = PithosVersions.id(p.get().version());
                    sink.version(last);
                }
                if (rows.size() < PAGE) {
                    break;
                }
            }
        }
        Optional<ObjectVersion> current = metadata.getObject(account, container, name)
                .filter(v -> !ObjectHeaders.isExpired(v.metadata()) && !VersionedObjects.isVersionLink(v));
        if (current.isPresent()) {
            String id = PithosVersions.id(current.get());
            if (!id.equals(last)) {
                sink.version(id);
            }
        }
    }
}
