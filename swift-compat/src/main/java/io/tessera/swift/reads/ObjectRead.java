package io.tessera.swift.reads;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectBody;
import io.tessera.swift.symlink.SymlinkResolver;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * One GET or HEAD of an object as it passes down the {@link ReadChain}: what the request asks, and
 * what the stages above have resolved so far (the version found, where its links lead, the version
 * as read and its body). Each stage adds its part and hands on a new value.
 *
 * @param versionId a {@code ?version-id=}, or null
 * @param found     the version the name (or version id) names, once {@link VersionStage} found it
 * @param followed  {@code found}, with symlinks followed ({@link SymlinkStage})
 * @param version   the version as the reply describes it, and {@code body} its bytes ({@link LargeObjectStage})
 */
public record ObjectRead(boolean head, HttpHeaders headers, MultivaluedMap<String, String> query, String versionId,
                         ObjectVersion found, SymlinkResolver.Followed followed, ObjectVersion version, ObjectBody body) {

    public static ObjectRead of(boolean head, HttpHeaders headers, MultivaluedMap<String, String> query) {
        return new ObjectRead(head, headers, query, versionId(query), null, null, null, null);
    }

    /** The {@code version-id} parameter, or null (also for the writers that read a version). */
    public static String versionId(MultivaluedMap<String, String> query) {
        String id = query.getFirst("version-id");
        return id == null || id.isEmpty() ? null : id;
    }

    /** {@code ?symlink=get}: the link itself, not its target. */
    public static boolean linkItself(MultivaluedMap<String, String> query) {
        return "get".equals(query.getFirst("symlink"));
    }

    /** {@code ?multipart-manifest=get}: a large object's manifest, not its segments. */
    public static boolean manifestItself(MultivaluedMap<String, String> query) {
        return "get".equals(query.getFirst("multipart-manifest"));
    }

    /** {@code format=raw}: an SLO's manifest as stored. */
    public static boolean rawManifest(MultivaluedMap<String, String> query) {
        return "raw".equals(query.getFirst("format"));
    }

    public boolean linkItself() {
        return linkItself(query);
    }

    public boolean manifestItself() {
        return manifestItself(query);
    }

    public boolean rawManifest() {
        return rawManifest(query);
    }

    ObjectRead withFound(ObjectVersion v) {
        return new ObjectRead(head, headers, query, versionId, v, followed, version, body);
    }

    ObjectRead withFollowed(SymlinkResolver.Followed f) {
        return new ObjectRead(head, headers, query, versionId, found, f, version, body);
    }

    ObjectRead withBody(ObjectVersion v, ObjectBody b) {
        return new ObjectRead(head, headers, query, versionId, found, followed, v, b);
    }
}
