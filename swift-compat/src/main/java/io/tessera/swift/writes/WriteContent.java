package io.tessera.swift.writes;

import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectBody;
import java.io.InputStream;

/**
 * What a write's bytes are. A request brings them as a {@link Body} (PUT, form post, archive entry,
 * manifest), a {@link Copy} of another version's map (moves no block) or a {@link Slice} of another
 * object's bytes (a ranged or large-object copy), or as a {@link Hashed} map of blocks the client
 * hashed itself (a Pithos hashmap PUT); the pipeline's content stage turns each into {@link Stored}
 * content before the stages that publish.
 */
public sealed interface WriteContent {
    /** The length known before the bytes are read, or -1 (a chunked body). */
    long knownLength();

    /** A body to read to its end; {@code length} as announced, or -1. */
    record Body(InputStream in, long length) implements WriteContent {
        @Override
        public long knownLength() {
            return length;
        }
    }

    /** The whole of an existing version: the new version names the same map. */
    record Copy(ObjectVersion source) implements WriteContent {
        @Override
        public long knownLength() {
            return source.length();
        }
    }

    /** Bytes {@code [from, toExclusive)} of another object's body: new content, cut into blocks anew. */
    record Slice(ObjectBody source, long from, long toExclusive) implements WriteContent {
        @Override
        public long knownLength() {
            return toExclusive - from;
        }
    }

    /**
     * A map the client hashed itself (a Pithos hashmap PUT): the content stage stores it only if every
     * block it names is stored already, else fails with {@link MissingBlocksException}. No byte moves.
     */
    record Hashed(io.tessera.hashmap.Hashmap map) implements WriteContent {
        @Override
        public long knownLength() {
            return map.length();
        }
    }

    /**
     * A partial update of an existing version's content (a Pithos range POST): {@code data} written from
     * {@code offset}, then the result cut to {@code truncateTo} bytes if shorter (-1: no cut). The content
     * stage stores only the blocks the update touches (io.tessera.store.content.ContentPatcher).
     *
     * @param maxLength the longest the result may become (413 past it)
     */
    record Patch(ObjectVersion base, long offset, io.tessera.store.content.ContentPatcher.Data data, long truncateTo,
                 long maxLength) implements WriteContent {
        @Override
        public long knownLength() {
            long written = data instanceof io.tessera.store.content.ContentPatcher.Body b ? b.length()
                    : ((io.tessera.store.content.ContentPatcher.FromMap) data).length();
            if (written < 0) {
                return -1;
            }
            long length = Math.max(base.length(), offset + written);
            return truncateTo >= 0 ? Math.min(length, truncateTo) : length;
        }
    }

    /**
     * Content whose blocks and map are stored (invariant 2: before any row names it).
     *
     * @param existing whether the map existed before this request (a copy): then publishing it takes
     *                 the store's retaining path ({@link io.tessera.store.content.ContentMaps#publishExisting})
     */
    record Stored(MapId map, String md5Hex, boolean existing) implements WriteContent {
        @Override
        public long knownLength() {
            return map.length();
        }
    }
}
