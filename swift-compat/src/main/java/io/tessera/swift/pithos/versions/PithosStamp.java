package io.tessera.swift.pithos.versions;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.versioning.VersionNames;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.WriteContent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The write pipeline's Pithos stage: records on every version written who made it
 * ({@link PithosVersions#MODIFIED_BY}) and the object's UUID ({@link PithosVersions#UUID}), as Pithos'
 * {@code _put_version_duplicate} gives it: a new one when the name is created, and on a copy to another
 * name; kept when an existing object is written again (or copied onto itself, as a restore of an older
 * version does) and by a move, whose writer marks it with {@link #keepUuid}. Both stay internal keys,
 * never shown as metadata; rows written before they were recorded have none.
 */
public final class PithosStamp implements ObjectWriter {
    /** A writer that moves an object (its UUID goes with it) puts this in the write's metadata. */
    static final String KEEP_UUID = io.tessera.swift.http.MetadataReplies.INTERNAL_PREFIX + "pithos-keep-uuid";

    private final MetadataStore metadata;
    private final Optional<String> user;
    private final ObjectWriter next;

    /** @param user the name of the user who writes (empty: a tool or test outside any request) */
    public PithosStamp(MetadataStore metadata, Optional<String> user, ObjectWriter next) {
        this.metadata = metadata;
        this.user = user;
        this.next = next;
    }

    /**
     * The name a request writes as: its principal's; empty for a request that was never authenticated
     * as anyone (a form post, signed by a key instead).
     */
    public static Optional<String> user(io.tessera.swift.context.RequestContext context) {
        try {
            return user(context.principal());
        } catch (IllegalStateException notAuthenticated) {
            return Optional.empty();
        }
    }

    /** The name a request's principal writes as ({@code project:user}); empty for a temporary URL's bearer. */
    public static Optional<String> user(Optional<io.tessera.swift.auth.Principal> who) {
        return who.map(io.tessera.swift.auth.Principal::user).map(io.tessera.swift.auth.User::name);
    }

    /**
     * For a move (helper writers, e.g. MOVE and {@code X-Move-From}): the write's metadata keeps the
     * source's UUID instead of getting a new one as a copy does.
     */
    public static void keepUuid(Map<String, String> writeMetadata, ObjectVersion source) {
        String uuid = source.metadata().get(PithosVersions.UUID);
        if (uuid != null) {
            writeMetadata.put(PithosVersions.UUID, uuid);
            writeMetadata.put(KEEP_UUID, "true");
        }
    }

    /** A metadata POST makes a version too: its author is the poster; the UUID stays. */
    public static void onMetadataPost(Map<String, String> postedMetadata, Optional<String> user) {
        postedMetadata.remove(PithosVersions.MODIFIED_BY);
        user.ifPresent(u -> postedMetadata.put(PithosVersions.MODIFIED_BY, u));
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        Map<String, String> m = new LinkedHashMap<>(w.metadata());
        boolean moved = m.remove(KEEP_UUID) != null && m.containsKey(PithosVersions.UUID);
        String uuid = moved ? m.get(PithosVersions.UUID) : uuidFor(w);
        m.put(PithosVersions.UUID, uuid);
        m.remove(PithosVersions.MODIFIED_BY);
        user.ifPresent(u -> m.put(PithosVersions.MODIFIED_BY, u));
        return next.write(new ObjectWrite(w.target(), w.contentType(), m, w.expectedEtag(), w.ifNoneMatchStar(),
                w.content(), w.link()));
    }

    private String uuidFor(ObjectWrite w) {
        ObjectLocation to = w.target();
        if (w.content() instanceof WriteContent.Copy c && !sameObject(c.source(), to)) {
            return fresh();
        }
        if (w.content() instanceof WriteContent.Slice) {
            return fresh(); // part of another object (or of a large object's segments): new content, a copy
        }
        if (w.ifNoneMatchStar()) {
            return fresh(); // only if no object has the name: a create
        }
        return metadata.getObject(to.account(), to.container(), to.object())
                .filter(v -> !ObjectHeaders.isExpired(v.metadata()))
                .map(v -> v.metadata().get(PithosVersions.UUID))
                .orElseGet(PithosStamp::fresh);
    }

    /** Whether a copy's source is (a version of) the object it writes. */
    private static boolean sameObject(ObjectVersion source, ObjectLocation to) {
        if (!source.account().equals(to.account())) {
            return false;
        }
        if (source.container().equals(to.container())) {
            return source.name().equals(to.object());
        }
        return source.container().equals(VersionNames.hiddenContainer(to.container()))
                && PithosVersions.objectName(source).equals(to.object());
    }

    private static String fresh() {
        return java.util.UUID.randomUUID().toString();
    }
}
