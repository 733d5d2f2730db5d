package io.tessera.swift.http;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Writes stored metadata back as reply headers ({@code x-container-meta-color} -> {@code X-Container-Meta-Color}). */
public final class MetadataReplies {
    /** Keys Tessera keeps beside user metadata for itself; never sent as headers. */
    public static final String INTERNAL_PREFIX = "tessera-";

    private MetadataReplies() {
    }

    public static void addAll(Response.ResponseBuilder reply, Map<String, String> metadata) {
        metadata.entrySet().stream().filter(e -> !e.getKey().startsWith(INTERNAL_PREFIX))
                .forEach(e -> reply.header(HeaderText.toWire(MetadataHeaders.headerName(e.getKey())), HeaderText.toWire(e.getValue())));
    }
}
