package io.tessera.swift.reads;

import io.tessera.store.ObjectVersion;

/**
 * Object versioning on reads: finds the version the request names (the current one, unexpired, or a
 * {@code ?version-id=}: the owner's only) and, once the reply is made, says which version it is
 * ({@code X-Object-Version-Id}) where the container keeps versions.
 */
final class VersionStage implements ObjectReader {
    private final ObjectSources sources;
    private final ObjectReader next;

    VersionStage(ObjectSources sources, ObjectReader next) {
        this.sources = sources;
        this.next = next;
    }

    @Override
    public Replied read(ObjectRead r) {
        String pithosVersion = io.tessera.swift.pithos.versions.PithosVersions.versionParam(r.query());
        ObjectVersion found = r.versionId() != null ? sources.versionNamed(r.versionId())
                : pithosVersion != null ? sources.pithosVersion(pithosVersion) : sources.current();
        Replied below = next.read(r.withFound(found));
        return below.with(sources.versions().decorate(below.reply(), found, below.read().followed(),
                r.versionId() != null ? r.versionId() : pithosVersion, r.linkItself()));
    }
}
