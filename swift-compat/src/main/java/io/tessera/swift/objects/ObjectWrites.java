package io.tessera.swift.objects;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.content.ContentWriter;
import io.tessera.store.content.IncompleteBodyException;
import io.tessera.store.content.WrittenContent;
import io.tessera.swift.errors.SwiftException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Creating object versions: from a request body (PUT) or from another object's map (COPY and
 * {@code X-Copy-From}, which move no block). Always in the order of invariant 2: blocks and map
 * first (ContentWriter), the version row last.
 */
public final class ObjectWrites {
    private final Store store;
    private final io.tessera.store.content.ContentMaps maps;
    private final ContentWriter writer;
    private final PublishHook hook;

    /**
     * Called with each new version just before it is published: may archive the version it replaces,
     * and returns what to publish in its place (itself, or e.g. a link to it kept as a version).
     */
    public interface PublishHook {
        ObjectVersion beforePublish(ObjectVersion next);
    }

    public ObjectWrites(Store store, ContentWriter writer) {
        this(store, writer, next -> next);
    }

    public ObjectWrites(Store store, ContentWriter writer, PublishHook hook) {
        this.store = store;
        this.maps = new io.tessera.store.content.ContentMaps(store);
        this.writer = writer;
        this.hook = hook;
    }

    /** What a PUT asks to store besides its body. */
    public record NewObject(String account, String container, String name, String contentType,
                            Map<String, String> metadata, String expectedEtag, boolean ifNoneMatchStar) {
    }

    /** Stores a body and publishes it; returns the published version. */
    public ObjectVersion put(NewObject o, InputStream body, long contentLength) {
        WrittenContent content;
        try {
            content = writer.write(body, contentLength);
        } catch (IncompleteBodyException e) {
            throw SwiftException.of(499, e.getMessage());
        } catch (IOException e) {
            // The client went away or its stream broke: nothing was published.
            throw SwiftException.of(499, "The client disconnected during request.");
        }
        if (o.expectedEtag() != null && !normalizeEtag(o.expectedEtag()).equals(content.md5Hex())) {
            throw SwiftException.unprocessable("Unprocessable Entity");
        }
        ObjectVersion v = new ObjectVersion(o.account(), o.container(), o.name(), Timestamp.now(), content.mapId(),
                content.md5Hex(), o.contentType(), o.metadata());
        return publish(v, o.ifNoneMatchStar() ? PutCondition.IF_ABSENT : PutCondition.NONE, false);
    }

    /** Publishes a new version pointing at an existing version's map: a copy that moves no block. */
    public ObjectVersion copy(ObjectVersion source, String account, String container, String name,
                              String contentType, Map<String, String> metadata, boolean ifNoneMatchStar) {
        ObjectVersion v = new ObjectVersion(account, container, name, Timestamp.now(), source.map(), source.etag(),
                contentType, metadata);
        return publish(v, ifNoneMatchStar ? PutCondition.IF_ABSENT : PutCondition.NONE, true);
    }

    /**
     * Publishes bytes {@code [from, toExclusive)} of another object's body as new content: a COPY with
     * a Range, or of a large object, whose bytes are not one existing map.
     */
    public ObjectVersion copyBytes(ObjectBody source, long from, long toExclusive, String account, String container,
                                   String name, String contentType, Map<String, String> metadata,
                                   boolean ifNoneMatchStar) {
        WrittenContent content;
        try (InputStream in = source.open(from, toExclusive)) {
            content = writer.write(in, toExclusive - from);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ObjectVersion v = new ObjectVersion(account, container, name, Timestamp.now(), content.mapId(),
                content.md5Hex(), contentType, metadata);
        return publish(v, ifNoneMatchStar ? PutCondition.IF_ABSENT : PutCondition.NONE, false);
    }

    /**
     * @param existingContent whether {@code v} names content that existed before this request (a copy):
     *                        then it goes through {@link io.tessera.store.content.ContentMaps#publishExisting}
     */
    private ObjectVersion publish(ObjectVersion v, PutCondition condition, boolean existingContent) {
        if (condition == PutCondition.IF_ABSENT && store.metadata().getObject(v.account(), v.container(), v.name())
                .isPresent()) {
            throw SwiftException.preconditionFailed(null); // nothing to archive: refuse before the hook runs
        }
        ObjectVersion published = hook.beforePublish(v);
        MetadataStore.PutOutcome outcome = existingContent ? maps.publishExisting(published, condition)
                : store.metadata().putObject(published, condition);
        if (outcome == MetadataStore.PutOutcome.EXISTS) {
            throw SwiftException.preconditionFailed(null);
        }
        return published;
    }

    static String normalizeEtag(String etag) {
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.toLowerCase(Locale.ROOT);
    }
}
