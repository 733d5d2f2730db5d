package io.tessera.swift.writes;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentPatcher;
import io.tessera.store.content.ContentWriter;
import io.tessera.store.content.IncompleteBodyException;
import io.tessera.store.content.WrittenContent;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.objects.ObjectBody;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * Stores a write's bytes (blocks, then map: invariant 2) and checks the client's ETag against them,
 * before any later stage may publish a row that names them. A copy of a whole version stores nothing:
 * the new version names the source's map. A map the client hashed itself is stored only once every
 * block it names is (else {@link MissingBlocksException}); its ETag is its Merkle root, as Pithos
 * gives it, since no byte of it passed here to be summed (the empty object's is the MD5 of nothing),
 * until the MD5 computed in the background replaces it (io.tessera.swift.pithos.Md5Backfill).
 */
final class ContentStage implements ObjectWriter {
    /** The MD5 of no bytes: the ETag of an empty object, however it was written. */
    static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

    private final ContentWriter writer;
    private final ContentMaps maps;
    private final ContentPatcher patcher;
    private final ObjectWriter next;

    ContentStage(ContentWriter writer, ContentMaps maps, ContentPatcher patcher, ObjectWriter next) {
        this.writer = writer;
        this.maps = maps;
        this.patcher = patcher;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        WriteContent.Stored stored;
        if (w.content() instanceof WriteContent.Stored s) {
            stored = s;
        } else if (w.content() instanceof WriteContent.Copy c) {
            stored = new WriteContent.Stored(c.source().map(), c.source().etag(), true);
        } else if (w.content() instanceof WriteContent.Hashed h) {
            stored = fromMap(h.map());
        } else if (w.content() instanceof WriteContent.Patch p) {
            stored = fromPatch(p);
        } else if (w.content() instanceof WriteContent.Body b) {
            stored = fromBody(b);
        } else {
            stored = fromSlice((WriteContent.Slice) w.content());
        }
        if (w.expectedEtag() != null && !normalizeEtag(w.expectedEtag()).equals(stored.md5Hex())) {
            throw SwiftError.UNPROCESSABLE_ENTITY.exception("Unprocessable Entity");
        }
        return next.write(w.withContent(stored));
    }

    private WriteContent.Stored fromBody(WriteContent.Body b) {
        try {
            return stored(writer.write(b.in(), b.length()));
        } catch (IncompleteBodyException e) {
            throw SwiftError.CLIENT_DISCONNECT.exception(e.getMessage());
        } catch (IOException e) {
            // The client went away or its stream broke: nothing was published.
            throw SwiftError.CLIENT_DISCONNECT.exception("The client disconnected during request.");
        }
    }

    private WriteContent.Stored fromMap(Hashmap map) {
        List<BlockHash> missing = maps.missingBlocks(map);
        if (!missing.isEmpty()) {
            throw new MissingBlocksException(missing);
        }
        // Saving the map revives it if the collector had condemned it; its blocks were found stored and
        // not condemned just now, and the version is published well within the grace period (store/GC.md).
        MapId id = maps.save(map);
        return new WriteContent.Stored(id, map.length() == 0 ? EMPTY_MD5 : id.merkleRoot().toHex(), false);
    }

    /**
     * A partial update: only the blocks it touches are stored. Its ETag is the Merkle root (no byte of the
     * untouched blocks passed here to be summed) until the background MD5 replaces it. The base's map is
     * retained first (revived if the collector had condemned it, as for a copy); the new map is saved
     * by the patch, so the version is published as new content is.
     */
    private WriteContent.Stored fromPatch(WriteContent.Patch p) {
        try {
            Hashmap base = maps.retain(p.base().map());
            Hashmap map = patcher.patch(base, p.offset(), p.data(), p.truncateTo(), p.maxLength());
            MapId id = MapId.of(map);
            return new WriteContent.Stored(id, map.length() == 0 ? EMPTY_MD5 : id.merkleRoot().toHex(), false);
        } catch (ContentPatcher.PatchException e) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception(e.getMessage());
        } catch (IncompleteBodyException e) {
            throw SwiftError.CLIENT_DISCONNECT.exception(e.getMessage());
        } catch (IOException e) {
            throw SwiftError.CLIENT_DISCONNECT.exception("The client disconnected during request.");
        }
    }

    private WriteContent.Stored fromSlice(WriteContent.Slice s) {
        try (InputStream in = s.source().open(s.from(), s.toExclusive())) {
            return stored(writer.write(in, s.toExclusive() - s.from()));
        } catch (ObjectBody.SegmentException e) {
            throw SwiftError.CONFLICT.exception(null); // a segment of the source is gone or changed: nothing copied
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static WriteContent.Stored stored(WrittenContent c) {
        return new WriteContent.Stored(c.mapId(), c.md5Hex(), false);
    }

    static String normalizeEtag(String etag) {
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.toLowerCase(Locale.ROOT);
    }
}
