package io.tessera.swift.http;

import java.util.function.BiConsumer;
import java.util.Map;

/** Writes stored metadata back as reply headers ({@code x-container-meta-color} -> {@code X-Container-Meta-Color}). */
public final class MetadataReplies {
    /** Keys Tessera keeps beside user metadata for itself; never sent as headers. */
    public static final String INTERNAL_PREFIX = "tessera-";

    private MetadataReplies() {
    }

    public static void addAll(BiConsumer<String, Object> reply, Map<String, String> metadata) {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!e.getKey().startsWith(INTERNAL_PREFIX)) {
                reply.accept(HeaderText.toWire(MetadataHeaders.headerName(e.getKey())), HeaderText.toWire(e.getValue()));
            }
        }
    }
}
