package io.tessera.swift.resources;

import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.MetadataHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Writes stored metadata back as reply headers ({@code x-container-meta-color} -> {@code X-Container-Meta-Color}). */
final class MetadataReplies {
    private MetadataReplies() {
    }

    static void addAll(Response.ResponseBuilder reply, Map<String, String> metadata) {
        metadata.forEach((k, v) -> reply.header(HeaderText.toWire(MetadataHeaders.headerName(k)), HeaderText.toWire(v)));
    }
}
