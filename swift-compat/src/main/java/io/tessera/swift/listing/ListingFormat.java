package io.tessera.swift.listing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tessera.store.ContainerInfo;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.XmlText;
import io.tessera.swift.slo.StaticLargeObject;
import io.tessera.swift.symlink.Symlinks;
import io.tessera.swift.versioning.VersionedObjects;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The three listing formats of Swift: plain (one name a line), JSON and XML, chosen by the
 * {@code format} parameter or else the Accept header. Pages are at most the listing limit long, so
 * a page is rendered into memory whole.
 */
public enum ListingFormat {
    PLAIN("text/plain; charset=utf-8"),
    JSON("application/json; charset=utf-8"),
    XML("application/xml; charset=utf-8");

    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private final String contentType;

    ListingFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    public static ListingFormat choose(String formatParam, String accept) {
        String f = formatParam != null ? formatParam.toLowerCase(Locale.ROOT) : null;
        if (f != null) {
            if (f.equals("json") || f.contains("application/json")) {
                return JSON;
            }
            if (f.equals("xml") || f.contains("/xml")) {
                return XML;
            }
            return PLAIN;
        }
        if (accept != null) {
            String a = accept.toLowerCase(Locale.ROOT);
            if (a.contains("application/json")) {
                return JSON;
            }
            if (a.contains("application/xml") || a.contains("text/xml")) {
                return XML;
            }
        }
        return PLAIN;
    }

    public byte[] objects(String container, List<ListingPager.Entry<ObjectVersion>> rows) {
        return objects(container, rows, v -> Map.of());
    }

    /** The same, with JSON fields only the request may see ({@code viewed}: its owner's public URLs). */
    public byte[] objects(String container, List<ListingPager.Entry<ObjectVersion>> rows,
                          java.util.function.Function<ObjectVersion, Map<String, Object>> viewed) {
        return switch (this) {
            case PLAIN -> plain(rows.stream().map(e -> e.item() != null ? e.item().name() : e.subdir()).toList());
            case JSON -> json(g -> {
                for (ListingPager.Entry<ObjectVersion> e : rows) {
                    g.writeStartObject();
                    if (e.item() == null) {
                        g.writeStringField("subdir", e.subdir());
                    } else {
                        ObjectVersion v = e.item();
                        Map<String, Object> fields = new LinkedHashMap<>();
                        fields.put("name", v.name());
                        fields.put("hash", v.etag());
                        fields.put("bytes", StaticLargeObject.listedBytes(v));
                        fields.put("content_type", v.contentType());
                        fields.put("last_modified", HttpDates.listing(v.timestamp()));
                        StaticLargeObject.listedSloEtag(v).ifPresent(etag -> fields.put("slo_etag", etag));
                        fields.putAll(Symlinks.listingFields(v)); // features add or override fields
                        fields.putAll(VersionedObjects.listingFields(v));
                        fields.putAll(viewed.apply(v));
                        for (var f : fields.entrySet()) {
                            g.writeObjectField(f.getKey(), f.getValue());
                        }
                    }
                    g.writeEndObject();
                }
            });
            case XML -> {
                StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container name=\"")
                        .append(escape(container)).append("\">");
                for (ListingPager.Entry<ObjectVersion> e : rows) {
                    if (e.item() == null) {
                        b.append("<subdir name=\"").append(escape(e.subdir())).append("\"><name>")
                                .append(escape(e.subdir())).append("</name></subdir>");
                    } else {
                        ObjectVersion v = e.item();
                        b.append("<object><name>").append(escape(v.name())).append("</name><hash>").append(v.etag())
                                .append("</hash><bytes>").append(StaticLargeObject.listedBytes(v)).append("</bytes><content_type>")
                                .append(escape(v.contentType())).append("</content_type><last_modified>")
                                .append(HttpDates.listing(v.timestamp())).append("</last_modified></object>");
                    }
                }
                yield b.append("</container>").toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    public byte[] containers(String account, List<ListingPager.Entry<ContainerInfo>> rows) {
        return switch (this) {
            case PLAIN -> plain(rows.stream().map(e -> e.item() != null ? e.item().name() : e.subdir()).toList());
            case JSON -> json(g -> {
                for (ListingPager.Entry<ContainerInfo> e : rows) {
                    g.writeStartObject();
                    if (e.item() == null) {
                        g.writeStringField("subdir", e.subdir());
                    } else {
                        ContainerInfo c = e.item();
                        g.writeStringField("name", c.name());
                        g.writeNumberField("count", c.objectCount());
                        g.writeNumberField("bytes", c.bytesUsed());
                        g.writeStringField("last_modified", HttpDates.listing(c.created()));
                    }
                    g.writeEndObject();
                }
            });
            case XML -> {
                StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<account name=\"")
                        .append(escape(account)).append("\">");
                for (ListingPager.Entry<ContainerInfo> e : rows) {
                    if (e.item() == null) {
                        b.append("<subdir name=\"").append(escape(e.subdir())).append("\"><name>")
                                .append(escape(e.subdir())).append("</name></subdir>");
                    } else {
                        ContainerInfo c = e.item();
                        b.append("<container><name>").append(escape(c.name())).append("</name><count>")
                                .append(c.objectCount()).append("</count><bytes>").append(c.bytesUsed())
                                .append("</bytes><last_modified>").append(HttpDates.listing(c.created()))
                                .append("</last_modified></container>");
                    }
                }
                yield b.append("</account>").toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static void write(JsonGenerator g, String field, String value) {
        try {
            g.writeStringField(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] plain(List<String> names) {
        StringBuilder b = new StringBuilder();
        names.forEach(n -> b.append(n).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private interface JsonRows {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(JsonRows rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
            g.writeStartArray();
            rows.write(g);
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String escape(String s) {
        return XmlText.escapeWithQuotes(s);
    }
}
