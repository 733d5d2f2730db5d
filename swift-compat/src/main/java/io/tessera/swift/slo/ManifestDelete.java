package io.tessera.swift.slo;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.bulk.BulkDeleter;
import io.tessera.swift.bulk.BulkReport;
import io.tessera.swift.bulk.Heartbeat;
import io.tessera.swift.errors.SwiftError;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * {@code DELETE ?multipart-manifest=delete}: deletes every segment a manifest names (the segments of
 * nested manifests too, each manifest after its segments), then the manifest, with the requester's
 * rights, and answers as Swift's bulk delete does: 200 and a body that tells what was deleted, not
 * found, or failed ({@code Not an SLO manifest} when the object is not one).
 */
final class ManifestDelete {
    private final SegmentAccess segments;
    private final BulkDeleter deleter;
    private final SloLimits limits;

    ManifestDelete(SegmentAccess segments, BulkDeleter deleter, SloLimits limits) {
        this.segments = segments;
        this.deleter = deleter;
        this.limits = limits;
    }

    Response delete(String container, String object, String accept) {
        return delete(container, object, accept, null, null);
    }

    /**
     * As {@link #delete(String, String, String)}, for a manifest given as {@code version} (not the
     * object's current version: e.g. {@code ?version-id=}), deleted at the end by {@code deletion}
     * (true if there was a version to delete).
     */
    Response delete(String container, String object, String accept, ObjectVersion version,
                    java.util.function.BooleanSupplier deletion) {
        String format = BulkReport.negotiate(accept);
        List<BulkDeleter.Target> targets = targets("/" + container + "/" + object, version, deletion);
        StreamingOutput reply = out -> {
            Heartbeat heartbeat = new Heartbeat(out, limits.yieldFrequencySeconds(), BulkReport.isXml(format));
            BulkDeleter.Outcome outcome;
            if (format == null) {
                outcome = new BulkDeleter.Outcome();
                outcome.fail(SwiftError.NOT_ACCEPTABLE, "");
            } else {
                outcome = deleter.run(targets, heartbeat);
            }
            out.write(heartbeat.separator());
            out.write(BulkReport.body(format, outcome.values(), outcome.failures(), "delete"));
        };
        return Response.ok(reply).type(format != null ? format : BulkReport.TEXT).build();
    }

    /**
     * What to delete, in Swift's order: a manifest's entries, then the manifest; a nested manifest's
     * entries when it is reached. The walk is bounded like Swift's (ten times max_manifest_segments).
     */
    private List<BulkDeleter.Target> targets(String top, ObjectVersion topVersion,
                                             java.util.function.BooleanSupplier topDeletion) {
        List<BulkDeleter.Target> out = new ArrayList<>();
        record Pending(String name, boolean manifest, SwiftError failure, String failureText) {
        }
        Deque<Pending> queue = new ArrayDeque<>();
        Pending topPending = new Pending(top, true, null, null);
        Pending topItself = null; // the top manifest's own deletion, queued after its segments
        queue.add(topPending);
        // Manifests may name each other (A -> B -> A, or A -> A): Swift's walk ends because it deletes
        // as it goes (the second visit of A finds it gone), but this one lists every target before
        // deleting, so it remembers the manifests it expanded and does not expand one twice (it stays a
        // target, so its second deletion reports "not found" as Swift's does). The total it visits is
        // capped like the queue (ten times max_manifest_segments): the list never outgrows that.
        int cap = limits.maxManifestSegments() * 10;
        ManifestVisits visits = new ManifestVisits(cap);
        while (!queue.isEmpty()) {
            if (queue.size() > cap || !visits.visit()) {
                throw SwiftError.BAD_REQUEST.exception("Too many buffered slo segments to delete.");
            }
            Pending p = queue.poll();
            boolean isTop = p == topPending;
            if (!p.manifest() || !visits.open(p.name())) {
                out.add(new BulkDeleter.Target(p.name(), p.failure(), p.failureText(), p == topItself ? topDeletion : null));
                continue;
            }
            String n = p.name().substring(1);
            String container = n.substring(0, n.indexOf('/'));
            String object = n.substring(n.indexOf('/') + 1);
            SwiftError failure = null;
            String failureText = null;
            Optional<ObjectVersion> v = !segments.mayRead(container) ? Optional.empty()
                    : isTop && topVersion != null ? Optional.of(topVersion) : segments.live(container, object);
            if (!segments.mayRead(container)) {
                failure = SwiftError.UNAUTHORIZED;
                failureText = failure.statusLine();
            } else if (v.isEmpty()) {
                failure = SwiftError.NOT_FOUND;
                failureText = "SLO manifest not found";
            } else if (!StaticLargeObject.isSlo(v.get())) {
                failure = SwiftError.BAD_REQUEST;
                failureText = "Not an SLO manifest";
            } else {
                for (ManifestSegment s : segments.manifest(v.get())) {
                    if (!s.isData()) {
                        queue.add(new Pending(s.name(), s.subSlo(), null, null));
                    }
                }
            }
            // the manifest itself goes after its segments (with its failure, if it could not be read)
            Pending itself = new Pending(p.name(), false, failure, failureText);
            if (isTop) {
                topItself = itself;
            }
            queue.add(itself);
        }
        return out;
    }
}
