package io.tessera.swift.pithos.versions;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.MetadataReplies;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.objects.ReplyHeaders;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.versioning.ObjectVersioning;
import io.tessera.swift.versioning.VersionNames;
import io.tessera.swift.versioning.VersionedObjects;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pithos versions over Tessera's object versioning (io.tessera.swift.versioning): what a Pithos client
 * sees as a version of an object is one row, either the object's own plain row or a row of the hidden
 * versions container. A version's id ({@code X-Object-Version}, {@code ?version=}, {@code X-Source-Version})
 * is its timestamp in Swift's version-id form ({@code 1609459200.12345}), never a Pithos integer serial:
 * Tessera names versions by timestamp, neither kamaki nor the web UI parses the id (kamaki prints it and
 * sends it back as it came), and it is the same string Swift's {@code ?version-id=} takes. A plain row's
 * id is its timestamp on the 10 µs grid object versioning archives it under, so the id stays the same
 * when a later write with versioning on archives it.
 *
 * <p>Each row also carries, recorded when it was written ({@link PithosStamp}), the object's UUID and
 * the user who made the version.
 */
public final class PithosVersions {
    /** The object's UUID (Pithos' {@code X-Object-UUID}): new on create and copy, kept otherwise. */
    public static final String UUID = MetadataReplies.INTERNAL_PREFIX + "pithos-uuid";
    /** The user who made this version ({@code X-Object-Modified-By}). */
    public static final String MODIFIED_BY = MetadataReplies.INTERNAL_PREFIX + "pithos-modified-by";
    /** On a version link: the Merkle root of the version it points at (the link's own map is empty). */
    static final String LINKED_HASH = VersionedObjects.LINKED_HASH;
    /** Longer than any id we give out (16 chars): anything longer is refused before it is parsed. */
    private static final int MAX_ID_LENGTH = 40;

    private PithosVersions() {
    }

    /** The version a row is: a hidden row's own, a version link's target's, else the row's timestamp. */
    public static Timestamp versionOf(ObjectVersion v) {
        if (VersionNames.isReserved(v.container())) {
            Optional<VersionNames.Parsed> p = VersionNames.parse(v.name());
            if (p.isPresent()) {
                return p.get().version();
            }
        }
        Optional<Timestamp> linked = linkedVersion(v);
        return linked.orElseGet(() -> new Timestamp(v.timestamp().micros() / 10 * 10));
    }

    /** The version a version link (the current row of a versioned object) points at. */
    static Optional<Timestamp> linkedVersion(ObjectVersion v) {
        if (!VersionedObjects.isVersionLink(v)) {
            return Optional.empty();
        }
        return Symlink.of(v).flatMap(l -> VersionNames.parse(l.targetObject())).map(VersionNames.Parsed::version);
    }

    /** A version's id. */
    public static String id(Timestamp version) {
        return VersionNames.id(version);
    }

    public static String id(ObjectVersion v) {
        return id(versionOf(v));
    }

    /** The object name a row stands for: a hidden row's object, else its own name. */
    static String objectName(ObjectVersion v) {
        if (VersionNames.isReserved(v.container())) {
            return VersionNames.parse(v.name()).map(VersionNames.Parsed::object).orElse(v.name());
        }
        return v.name();
    }

    /** The Merkle root a row's content has (a version link: its version's, when recorded). */
    static Optional<String> merkleRoot(ObjectVersion v) {
        if (VersionedObjects.isVersionLink(v)) {
            return Optional.ofNullable(v.metadata().get(LINKED_HASH));
        }
        return Optional.of(v.map().merkleRoot().toHex());
    }

    /**
     * The version headers every object GET and HEAD carries (Pithos' {@code put_object_headers}):
     * {@code X-Object-Version}, {@code X-Object-Version-Timestamp} (float epoch seconds), and, for
     * rows written since they are recorded, {@code X-Object-UUID} and {@code X-Object-Modified-By}.
     */
    public static void replyHeaders(ReplyHeaders reply, ObjectVersion v) {
        replyHeaders(reply, v, null);
    }

    /**
     * The same, given the row's own timestamp in Swift's form ({@code X-Timestamp}, or null): a plain row's
     * version id is that string, so a read's reply makes no other (every GET and HEAD comes here).
     */
    public static void replyHeaders(ReplyHeaders reply, ObjectVersion v, String swiftTimestamp) {
        boolean plain = swiftTimestamp != null && swiftTimestamp.length() == 16 // ids are zero-padded to 16
                && !VersionNames.isReserved(v.container()) && !VersionedObjects.isVersionLink(v);
        String id = plain ? swiftTimestamp : id(v);
        reply.header("X-Object-Version", id);
        reply.header("X-Object-Version-Timestamp", id);
        String uuid = v.metadata().get(UUID);
        if (uuid != null) {
            reply.header("X-Object-UUID", uuid);
        }
        String by = v.metadata().get(MODIFIED_BY);
        if (by != null) {
            reply.header("X-Object-Modified-By", HeaderText.toWire(by));
        }
    }

    /** The same, for a write's reply (PUT, COPY, hashmap PUT): the version just made. */
    public static void createdHeaders(jakarta.ws.rs.core.Response.ResponseBuilder reply, ObjectVersion published) {
        replyHeaders(ReplyHeaders.of(reply), published);
    }

    /** The Pithos fields of an extended (JSON) listing row. */
    public static Map<String, Object> listingFields(ObjectVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        merkleRoot(v).ifPresent(h -> m.put("x_object_hash", h));
        String uuid = v.metadata().get(UUID);
        if (uuid != null) {
            m.put("x_object_uuid", uuid);
        }
        String id = id(v);
        m.put("x_object_version", id);
        m.put("x_object_version_timestamp", id);
        String by = v.metadata().get(MODIFIED_BY);
        if (by != null) {
            m.put("x_object_modified_by", by);
        }
        return m;
    }

    /**
     * Whether a JSON container listing carries Pithos' extended fields: only when the request looks
     * like a Pithos one, i.e. it has a parameter only Pithos knows ({@code until}, {@code shared},
     * {@code public}, {@code meta}), or {@code path}, which the Synnefo web UI sends on every listing
     * (it reads {@code x_object_modified_by} from them) and Swift's functional tests only use in plain
     * listings. Other Swift listings (the functional tests compare whole JSON rows) keep Swift's rows.
     */
    public static boolean extendedListing(jakarta.ws.rs.core.MultivaluedMap<String, String> query) {
        return query.containsKey("until") || query.containsKey("shared") || query.containsKey("public")
                || query.containsKey("meta") || query.containsKey("path");
    }

    /** A {@code version} parameter or {@code X-Source-Version}: 400 unless it is a version id. */
    static Timestamp parseId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw SwiftError.BAD_REQUEST.exception("Invalid version identifier");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                throw SwiftError.BAD_REQUEST.exception("Invalid version identifier");
            }
        }
        return VersionNames.parseId(id, "Invalid version identifier");
    }

    /**
     * The version {@code id} of an object (Pithos' {@code ?version=} and {@code X-Source-Version}):
     * the object's own row when it is that version, else the row the hidden versions container keeps;
     * 404 when there is none or it is a delete marker.
     *
     * @param containerMetadata the container's metadata (where its versions are)
     */
    public static ObjectVersion read(MetadataStore metadata, Map<String, String> containerMetadata, String account,
                                     String container, String name, String id) {
        Timestamp version = parseId(id);
        Optional<ObjectVersion> current = metadata.getObject(account, container, name)
                .filter(v -> !ObjectHeaders.isExpired(v.metadata()));
        if (current.isPresent() && !VersionedObjects.isVersionLink(current.get())
                && versionOf(current.get()).equals(version)) {
            return current.get();
        }
        Optional<String> hidden = ObjectVersioning.hiddenContainer(containerMetadata);
        if (hidden.isEmpty()) {
            throw SwiftError.NOT_FOUND.exception("Version does not exist");
        }
        ObjectVersion v = metadata.getObject(account, hidden.get(), VersionNames.versionObject(name, version))
                .orElseThrow(() -> SwiftError.NOT_FOUND.exception("Version does not exist"));
        if (VersionedObjects.DELETE_MARKER_TYPE.equals(v.contentType())) {
            throw SwiftError.NOT_FOUND.exception("Version does not exist");
        }
        return v;
    }

    /**
     * Whether a read is of the object's latest version (no {@code version} parameter): Pithos shows
     * sharing headers ({@code X-Object-Sharing}, {@code -Shared-By}, {@code -Allowed-To}) and the public
     * link only then. The sharing feature's reply hook should ask this.
     */
    public static boolean isLatestRead(jakarta.ws.rs.core.MultivaluedMap<String, String> query) {
        return versionParam(query) == null;
    }

    /** {@code ?version=} on an object read, or null ({@code list} is the version list, not a version). */
    public static String versionParam(jakarta.ws.rs.core.MultivaluedMap<String, String> query) {
        String v = query.getFirst("version");
        return v == null || v.isEmpty() || "list".equals(v) ? null : v;
    }
}
