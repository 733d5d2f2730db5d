package io.tessera.swift.writes;

import io.tessera.store.ObjectVersion;
import io.tessera.store.content.ContentWriter;
import io.tessera.store.content.IncompleteBodyException;
import io.tessera.store.content.WrittenContent;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.objects.ObjectBody;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Stores a write's bytes (blocks, then map: invariant 2) and checks the client's ETag against them,
 * before any later stage may publish a row that names them. A copy of a whole version stores nothing:
 * the new version names the source's map.
 */
final class ContentStage implements ObjectWriter {
    private final ContentWriter writer;
    private final ObjectWriter next;

    ContentStage(ContentWriter writer, ObjectWriter next) {
        this.writer = writer;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        WriteContent.Stored stored;
        if (w.content() instanceof WriteContent.Stored s) {
            stored = s;
        } else if (w.content() instanceof WriteContent.Copy c) {
            stored = new WriteContent.Stored(c.source().map(), c.source().etag(), true);
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
