package io.tessera.swift.reads;

import io.tessera.swift.symlink.SymlinkResolver;
import io.tessera.swift.symlink.Symlinks;

/**
 * Symlinks on reads: a link is followed to its target (each hop authorized as a read), unless
 * {@code ?symlink=get} asks for the link itself; the reply, or the error, says where the bytes came
 * from ({@code Content-Location}), or shows the link's own headers.
 */
final class SymlinkStage implements ObjectReader {
    private final ObjectSources sources;
    private final ObjectReader next;

    SymlinkStage(ObjectSources sources, ObjectReader next) {
        this.sources = sources;
        this.next = next;
    }

    @Override
    public Replied read(ObjectRead r) {
        SymlinkResolver.Followed followed = sources.follow(r.found(), r.linkItself());
        Replied below = next.read(r.withFollowed(followed)); // a refusal below says where the link led (BodyStage)
        return below.with(r.linkItself() ? Symlinks.withLinkHeaders(below.reply(), followed.object())
                : Symlinks.withContentLocation(below.reply(), followed));
    }
}
