package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import com.codahale.metrics.Meter;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.writes.MissingBlocksException;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.WriteContent;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code PUT .../object?hashmap}: creates the object from a hashmap whose blocks the store already
 * holds, moving no data. It goes through the one write pipeline like any PUT (header budget, quotas,
 * {@code If-None-Match: *}, versioning), as {@link WriteContent.Hashed} content. If blocks are missing
 * the answer is 409 {@code CONFLICT} whose body is the list of their hashes (JSON, or XML or text as
 * {@code format} asks); the client uploads them (block POST to the container) and sends the same PUT again.
 */
public final class HashmapPut {
    /** Reason phrase of the 409: the Synnefo web UI compares it ({@code errorThrown === "CONFLICT"}). */
    static final String CONFLICT = "CONFLICT";

    private final ObjectWriter writer;
    private final HashmapBody bodies;
    private final Md5Backfill md5s;
    private final Meter missingBlocks;

    public HashmapPut(ObjectWriter writer, HashmapBody bodies, Md5Backfill md5s, Meter missingBlocks) {
        this.writer = writer;
        this.bodies = bodies;
        this.md5s = md5s;
        this.missingBlocks = missingBlocks;
    }

    /**
     * @param length the body's announced length, or -1 (chunked)
     * @return the published version (its ETag: the Merkle root, see WriteContent.Hashed, until
     *         {@link Md5Backfill} has computed its MD5)
     */
    public ObjectVersion put(ObjectLocation target, String contentType, Map<String, String> metadata,
                             boolean ifNoneMatchStar, InputStream body, long length,
                             MultivaluedMap<String, String> query, String accept) {
        // The map, and the 409's list made from it, count against the process's budget until answered.
        try (HashmapBody.Held held = bodies.read(body, length)) {
            ObjectVersion published = writer.write(new ObjectWrite(target, contentType, metadata, null, ifNoneMatchStar,
                    new WriteContent.Hashed(held.map())));
            md5s.submit(published);
            return published;
        } catch (MissingBlocksException e) {
            missingBlocks.mark(e.missing().size());
            throw conflict(e.missing(), PithosQuery.format(query, accept, true));
        }
    }

    static SwiftException conflict(List<BlockHash> missing, PithosQuery.Format format) {
        return SwiftError.CONFLICT.exception(HashList.render(missing.stream().map(BlockHash::toHex)
                        .collect(Collectors.toList()), format))
                .withHeader("Content-Type", format.contentType)
                .withHeader(ReasonPhrase.HEADER, CONFLICT);
    }
}
