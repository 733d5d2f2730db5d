package io.tessera.swift.writes;

import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.symlink.SymlinkRequest;
import java.util.Map;

/**
 * A write of one object, as every writer (PUT, COPY, {@code X-Copy-From}, SLO manifest PUT, form
 * post, archive extraction) hands it to the {@link WritePipeline}.
 *
 * @param contentType     the type to store; for a write that asks for a link, null when the request
 *                        names none (the link's type is then the symlink stage's to choose)
 * @param expectedEtag    the client's {@code ETag}, checked against the stored bytes' MD5; or null
 * @param ifNoneMatchStar {@code If-None-Match: *}: only if no object has the name
 * @param link            the {@code X-Symlink-*} headers of the write, for the symlink stage; or null
 */
public record ObjectWrite(ObjectLocation target, String contentType, Map<String, String> metadata,
                          String expectedEtag, boolean ifNoneMatchStar, WriteContent content, SymlinkRequest link) {

    /** A write that asks for no link. */
    public ObjectWrite(ObjectLocation target, String contentType, Map<String, String> metadata,
                       String expectedEtag, boolean ifNoneMatchStar, WriteContent content) {
        this(target, contentType, metadata, expectedEtag, ifNoneMatchStar, content, null);
    }

    public ObjectWrite withContent(WriteContent c) {
        return new ObjectWrite(target, contentType, metadata, expectedEtag, ifNoneMatchStar, c, link);
    }

    /** The version this write publishes, once its content is {@link WriteContent.Stored stored}. */
    public ObjectVersion version() {
        if (!(content instanceof WriteContent.Stored stored)) {
            throw new IllegalStateException("the content of " + target + " is not stored yet");
        }
        return new ObjectVersion(target.account(), target.container(), target.object(), Timestamp.now(),
                stored.map(), stored.md5Hex(), contentType, metadata);
    }
}
