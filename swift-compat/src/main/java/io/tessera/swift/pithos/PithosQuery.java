package io.tessera.swift.pithos;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Locale;

/**
 * The Pithos query parameters Tessera acts on. {@code hashmap} and {@code update} are presence flags:
 * kamaki sends {@code ?hashmap=True} and {@code ?update}, the Synnefo web UI {@code ?hashmap=} and
 * {@code ?update=1}, so any value (or none) means yes.
 */
public final class PithosQuery {
    private PithosQuery() {
    }

    /** {@code ?hashmap}: a GET answers the object's hashmap, a PUT creates the object from one. */
    public static boolean hashmap(MultivaluedMap<String, String> query) {
        return query.containsKey("hashmap");
    }

    /**
     * {@code ?update}: a POST merges the metadata it sends into what is stored (an empty value deletes
     * that key) instead of replacing it, and account and container POSTs answer 202 as Pithos does.
     */
    public static boolean update(MultivaluedMap<String, String> query) {
        return query.containsKey("update");
    }

    /** How a Pithos reply is written: JSON unless {@code format} (or, without it, Accept) asks for XML or text. */
    enum Format {
        JSON("application/json; charset=utf-8"),
        XML("application/xml; charset=utf-8"),
        TEXT("text/plain; charset=utf-8");

        final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }
    }

    static Format format(MultivaluedMap<String, String> query, String accept, boolean textAllowed) {
        String f = query.getFirst("format");
        if (f != null && !f.isEmpty()) {
            String v = f.toLowerCase(Locale.ROOT);
            if (v.equals("xml") || v.contains("/xml")) {
                return Format.XML;
            }
            if (textAllowed && (v.equals("text") || v.equals("plain") || v.startsWith("text/plain"))) {
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
}
