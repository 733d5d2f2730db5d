package io.tessera.swift.symlink;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.slo.StaticLargeObject;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The hooks the object and listing resources call for symlinks: what a symlink PUT stores, the
 * headers a {@code ?symlink=get} read shows, the 307 a POST to a link answers, the extra fields of
 * a JSON listing, and the {@code /info} entry.
 */
public final class Symlinks {
    public static final String DEFAULT_CONTENT_TYPE = "application/symlink";
    /** A static link to a Static Large Object keeps that object's ETag for listings ({@code slo_etag}). */
    public static final String SLO_ETAG = io.tessera.swift.http.MetadataReplies.INTERNAL_PREFIX + "symlink-slo-etag";

    private Symlinks() {
    }

    /** {@code /info}'s {@code symlink} entry, as Swift 2.30.1 registers it. */
    public static Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symloop_max", SymlinkResolver.SYMLOOP_MAX);
        m.put("static_links", true);
        return m;
    }

    /** What a symlink PUT stores besides the (empty) body: the link's metadata and the Content-Type. */
    public record Prepared(Map<String, String> metadata, String contentType) {
    }

    /**
     * What a write that asks for {@code link} stores: for a static link, a target that exists with that
     * ETag (409 otherwise), whose length (and, unless the write names one, type) the link records.
     *
     * @param home          the account the link lives in
     * @param requestedType the write's Content-Type, or null when it names none
     */
    public static Prepared prepare(Symlink link, String home, String requestedType, SymlinkResolver resolver) {
        String type = requestedType != null && !requestedType.isBlank() ? requestedType.trim() : null;
        if (link.isStatic()) {
            ObjectVersion target = resolver.checkStaticTarget(link, home);
            // A Static Large Object's size and ETag are its segments', as Swift's listing shows them.
            link = new Symlink(link.account(), link.target(), link.etag(), StaticLargeObject.listedBytes(target));
            if (type == null) {
                type = target.contentType();
            }
            Map<String, String> metadata = new LinkedHashMap<>(link.toMetadata());
            StaticLargeObject.listedSloEtag(target).ifPresent(e -> metadata.put(SLO_ETAG, e));
            return new Prepared(metadata, type);
        }
        return new Prepared(link.toMetadata(), type != null ? type : DEFAULT_CONTENT_TYPE);
    }

    /** A read of the link itself ({@code ?symlink=get}) shows where it points. */
    public static Response withLinkHeaders(Response reply, ObjectVersion v) {
        Optional<Symlink> link = Symlink.of(v);
        if (link.isEmpty()) {
            return reply;
        }
        Response.ResponseBuilder b = Response.fromResponse(reply)
                .header(SymlinkRequest.TARGET_HEADER, HeaderText.toWire(link.get().target()));
        if (link.get().account() != null) {
            b.header(SymlinkRequest.ACCOUNT_HEADER, HeaderText.toWire(link.get().account()));
        }
        if (link.get().isStatic()) {
            b.header(SymlinkRequest.ETAG_HEADER, link.get().etag())
                    .header("X-Symlink-Target-Bytes", link.get().bytes());
        }
        return b.build();
    }

    /** Adds where a followed link led to a successful reply. */
    public static Response withContentLocation(Response reply, SymlinkResolver.Followed followed) {
        if (followed.contentLocation() == null) {
            return reply;
        }
        return Response.fromResponse(reply).header("Content-Location", followed.contentLocation()).build();
    }

    /** A POST to a symlink is applied to the link, then answered 307 pointing at its target, as in Swift. */
    public static void redirectPost(ObjectVersion updated) {
        Optional<Symlink> link = Symlink.of(updated);
        if (link.isEmpty()) {
            return;
        }
        SwiftException redirect = SwiftError.TEMPORARY_REDIRECT.exception(
                        "The requested POST was applied to a symlink. POST directly to the target to apply requested metadata.")
                .withHeader("Location", link.get().path(updated.account()));
        if (link.get().isStatic()) {
            redirect.withHeader(SymlinkRequest.ETAG_HEADER, link.get().etag());
        }
        throw redirect;
    }

    /** {@code symlink_path} (and for static links {@code symlink_etag}, {@code symlink_bytes}) of a JSON listing row. */
    public static Map<String, Object> listingFields(ObjectVersion v) {
        Optional<Symlink> link = Symlink.of(v);
        if (link.isEmpty() || link.get().internal()) {
            return Map.of(); // object versioning shows its own links (VersionedObjects.listingFields)
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symlink_path", link.get().path(v.account()));
        if (link.get().isStatic()) {
            m.put("symlink_etag", link.get().etag());
            m.put("symlink_bytes", link.get().bytes());
        }
        String sloEtag = v.metadata().get(SLO_ETAG);
        if (sloEtag != null) {
            m.put("slo_etag", sloEtag);
        }
        return m;
    }
}
