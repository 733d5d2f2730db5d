package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/** A small JSON request body (the identity endpoint's), read with a cap: a longer one is a 413, never held. */
final class SmallJson {
    static final int MAX_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build()).build());

    private SmallJson() {
    }

    /** The body as JSON, or null if it is empty; 400 if it is not JSON, 413 past {@link #MAX_BYTES}. */
    static JsonNode read(InputStream in) {
        byte[] body;
        try {
            body = in == null ? new byte[0] : in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw SwiftError.CLIENT_DISCONNECT.exception("The client disconnected during request.");
        }
        if (body.length > MAX_BYTES) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Request body too large");
        }
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw SwiftError.BAD_REQUEST.exception("Invalid JSON body");
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
