package io.tessera.swift.writes;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.symlink.SymlinkResolver;
import io.tessera.swift.symlink.Symlinks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Swift's symlink middleware on the write side, for every writer: a write that carries
 * {@code X-Symlink-Target} (a PUT, or a COPY or {@code X-Copy-From}: Swift's copy middleware keeps the
 * client's headers, and a copy of a link itself carries the link's) must have no content (400), a
 * well-formed target that is not the object itself, and for a static link a target that exists with
 * that ETag (409); it is stored as the link's metadata and Content-Type. Form posts and archive
 * entries never carry those headers (Swift's formpost and bulk pass none of them down).
 */
final class SymlinkStage implements ObjectWriter {
    private final SymlinkResolver resolver;
    private final ObjectWriter next;

    SymlinkStage(SymlinkResolver resolver, ObjectWriter next) {
        this.resolver = resolver;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        if (w.link() == null) {
            return next.write(w);
        }
        if (hasContent(w.content())) {
            throw SwiftError.BAD_REQUEST.exception("Symlink requests require a zero byte body");
        }
        ObjectLocation at = w.target();
        Symlink asked = w.link().parse(at.account(), at.container(), at.object());
        Symlinks.Prepared link = Symlinks.prepare(asked, at.account(), w.contentType(), resolver);
        Map<String, String> metadata = Symlink.withoutLink(w.metadata());
        metadata.putAll(link.metadata());
        return next.write(new ObjectWrite(at, link.contentType(), metadata, w.expectedEtag(), w.ifNoneMatchStar(),
                w.content()));
    }

    /** A body of unknown length is probed for one byte, as Swift does. */
    private static boolean hasContent(WriteContent content) {
        long known = content.knownLength();
        if (known >= 0) {
            return known > 0;
        }
        return content instanceof WriteContent.Body body && hasByte(body.in());
    }

    private static boolean hasByte(InputStream in) {
        try {
            return in != null && in.read() >= 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
