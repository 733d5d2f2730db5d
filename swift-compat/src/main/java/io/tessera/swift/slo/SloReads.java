package io.tessera.swift.slo;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectBody;
import java.util.List;

/** The bodies a GET of a Static Large Object returns: the assembled object, or its manifest. */
public final class SloReads {
    private final SegmentAccess access;
    private final SloLimits limits;

    SloReads(SegmentAccess access, SloLimits limits) {
        this.access = access;
        this.limits = limits;
    }

    /** The large object: its segments' bytes in order, ETag the quoted MD5 of their ETags. */
    @SuppressWarnings("unchecked")
    public ObjectBody assembled(ObjectVersion manifest) {
        String name = "/" + manifest.container() + "/" + manifest.name();
        // Size and ETag come from the manifest's metadata: HEAD and failed conditions never read the manifest.
        List<ManifestSegment>[] segments = new List[1];
        return new ObjectBody((from, to) -> {
            if (segments[0] == null) {
                segments[0] = access.manifest(manifest);
            }
            return new SegmentWalk(access, name, segments[0], from, to, limits.maxRecursionDepth());
        }, StaticLargeObject.size(manifest), "\"" + StaticLargeObject.etag(manifest) + "\"", access.reader(), true);
    }

    /** {@code ?multipart-manifest=get&format=raw}: the manifest in the form a PUT takes, ETag its MD5. */
    public ObjectBody raw(ObjectVersion manifest) {
        byte[] json = ManifestSegment.toRawJson(access.manifest(manifest));
        return ObjectBody.ofBytes(json, Md5.hex(json), access.reader());
    }
}
