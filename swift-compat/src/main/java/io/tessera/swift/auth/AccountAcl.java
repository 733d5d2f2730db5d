package io.tessera.swift.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.MetadataReplies;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An account ACL ({@code X-Account-Access-Control}) as tempauth keeps it: a JSON object whose keys
 * {@code admin}, {@code read-write} and {@code read-only} list the names (users, projects) granted
 * that level on the whole account. Admins act as the owner; read-write may do anything to containers
 * and objects and read the account; read-only may read everything except privileged headers.
 *
 * <p>Stored as validated JSON in the account's metadata under an internal key, and shown (to owners
 * only) re-serialized as Swift's format_acl does: sorted keys, no spaces, ASCII only.
 */
public record AccountAcl(List<String> admin, List<String> readWrite, List<String> readOnly) {
    public static final String HEADER = "X-Account-Access-Control";
    /** Where the ACL is kept in the account's metadata (internal keys are never shown as such). */
    public static final String METADATA_KEY = MetadataReplies.INTERNAL_PREFIX + "account-access-control";

    private static final Set<String> KEYS = Set.of("admin", "read-write", "read-only");
    private static final JsonFactory JSON = new JsonFactory();

    /** The access level an ACL grants to a set of names. */
    public enum Level { NONE, READ_ONLY, READ_WRITE, ADMIN }

    public Level levelOf(Set<String> groups) {
        if (admin.stream().anyMatch(groups::contains)) {
            return Level.ADMIN;
        }
        if (readWrite.stream().anyMatch(groups::contains)) {
            return Level.READ_WRITE;
        }
        return readOnly.stream().anyMatch(groups::contains) ? Level.READ_ONLY : Level.NONE;
    }

    /** The ACL kept in account metadata; empty when none is set or every list is empty. */
    public static Optional<AccountAcl> fromMetadata(Map<String, String> accountMetadata) {
        Map<String, Object> parsed = parse(accountMetadata.get(METADATA_KEY));
        if (parsed == null) {
            return Optional.empty();
        }
        AccountAcl acl = new AccountAcl(strings(parsed.get("admin")), strings(parsed.get("read-write")),
                strings(parsed.get("read-only")));
        boolean empty = acl.admin.isEmpty() && acl.readWrite.isEmpty() && acl.readOnly.isEmpty();
        return empty ? Optional.empty() : Optional.of(acl);
    }

    /**
     * Checks the header a client sends as tempauth does; returns the value to store, or throws 400
     * with tempauth's explanation.
     */
    public static String validate(String header) {
        String error = errorIn(header);
        if (error != null) {
            throw SwiftError.BAD_REQUEST.exception(HEADER + " invalid: " + error + "\n\nInput: " + header + "\n");
        }
        return header;
    }

    /** The header an owner sees: the stored ACL re-serialized, or null when it is empty or absent. */
    public static String replyHeader(Map<String, String> accountMetadata) {
        Map<String, Object> parsed = parse(accountMetadata.get(METADATA_KEY));
        if (parsed == null || parsed.isEmpty()) {
            return null;
        }
        return format(parsed);
    }

    private static String errorIn(String header) {
        Map<String, Object> acl = parse(header);
        if (acl == null) {
            return "Syntax error in input ('" + header + "')";
        }
        for (String key : acl.keySet()) {
            if (!KEYS.contains(key)) {
                return "Key " + jsonString(key) + " not recognized";
            }
        }
        for (Map.Entry<String, Object> e : acl.entrySet()) {
            if (!(e.getValue() instanceof List<?> list)) {
                return "Value for key " + jsonString(e.getKey()) + " must be a list";
            }
            if (!list.stream().allMatch(String.class::isInstance)) {
                return "Elements of " + jsonString(e.getKey()) + " list must be strings";
            }
        }
        return null;
    }

    /** A JSON object as a map (values: String, List, Map, or other scalars); null if not a JSON object. */
    static Map<String, Object> parse(String json) {
        if (json == null) {
            return null;
        }
        if (json.isEmpty()) {
            return Map.of();
        }
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Object value = readValue(p);
            return p.nextToken() == null ? castMap(value) : null; // trailing data is a syntax error
        } catch (IOException e) {
            return null;
        }
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                m.put(name, readValue(p));
            }
            return m;
        }
        if (t == JsonToken.START_ARRAY) {
            List<Object> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(readValue(p));
            }
            return l;
        }
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            l.stream().filter(String.class::isInstance).map(String.class::cast).forEach(out::add);
        }
        return List.copyOf(out);
    }

    /** Swift's format_acl_v2: json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=True). */
    static String format(Map<String, Object> acl) {
        StringBuilder b = new StringBuilder();
        writeJson(b, new TreeMap<>(acl));
        return b.toString();
    }

    private static void writeJson(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                b.append(first ? "" : ",").append(jsonString(e.getKey().toString())).append(':');
                writeJson(b, e.getValue());
                first = false;
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ",");
                writeJson(b, l.get(i));
            }
            b.append(']');
        } else if (v instanceof String s) {
            b.append(jsonString(s));
        } else {
            b.append(v == null ? "null" : v.toString());
        }
    }

    /** A JSON string literal as Python's json.dumps writes it (non-ASCII as lower-case \\u escapes). */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
