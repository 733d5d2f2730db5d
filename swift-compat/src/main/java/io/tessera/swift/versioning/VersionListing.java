package io.tessera.swift.versioning;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.listing.ListingPager;
import io.tessera.swift.listing.ListingRequest;
import io.tessera.swift.symlink.Symlink;
import io.tessera.swift.symlink.Symlinks;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET <container>?versions}: every version of every object, as Swift's object_versioning lists
 * them (JSON only): the container's own rows (plain objects are the "null" version) merged by name with
 * the hidden container's versions, each with {@code version_id} and {@code is_latest}. Paging uses
 * {@code marker} plus {@code version_marker}.
 */
public final class VersionListing {
    private static final JsonFactory JSON = new JsonFactory();

    private final MetadataStore metadata;
    private final String account;
    private final String container;

    public VersionListing(MetadataStore metadata, String account, String container) {
        this.metadata = metadata;
        this.account = account;
        this.container = container;
    }

    public static boolean asked(MultivaluedMap<String, String> query) {
        return query.containsKey("versions");
    }

    /** 406 unless the client takes JSON (format=json, or an Accept that allows it). */
    public static void checkAcceptable(String format, String accept) {
        if (format != null) {
            String f = format.toLowerCase(Locale.ROOT);
            if (!f.equals("json") && !f.contains("application/json")) {
                throw SwiftError.NOT_ACCEPTABLE.exception();
            }
            return;
        }
        if (accept != null && !accept.isBlank()) {
            String a = accept.toLowerCase(Locale.ROOT);
            if (!(a.contains("application/json") || a.contains("*/*") || a.contains("application/*"))) {
                throw SwiftError.NOT_ACCEPTABLE.exception();
            }
        }
    }

    public byte[] page(MultivaluedMap<String, String> query, ListingRequest req, Map<String, String> containerMetadata) {
        String delimiter = req.delimiter();
        if (delimiter != null && delimiter.chars().anyMatch(c -> Character.isDigit(c) || c == '.' || c == 0)) {
            throw SwiftError.BAD_REQUEST.exception("invalid delimiter param");
        }
        String hiddenMarker = null;
        String versionMarker = query.getFirst("version_marker");
        if (versionMarker != null && !versionMarker.isEmpty()) {
            if (req.marker() == null) {
                throw SwiftError.BAD_REQUEST.exception("version_marker param requires marker");
            }
            if (!"null".equals(versionMarker)) {
                hiddenMarker = VersionNames.versionObject(req.marker(),
                        VersionNames.parseId(versionMarker, "invalid version_marker param"));
            }
        } else if (req.marker() != null) {
            hiddenMarker = VersionNames.objectPrefix(req.marker()) + ":"; // just past all of its versions
        }

        // The container's own rows: plain objects are "null" versions; links name the current version.
        List<Map<String, Object>> nullRows = new ArrayList<>();
        Set<String> subdirs = new HashSet<>();
        Map<String, ObjectVersion> currentByTarget = new LinkedHashMap<>();
        Set<String> latest = new HashSet<>();
        ListingPager<ObjectVersion> primary = new ListingPager<>(
                q -> metadata.listObjects(account, container, q), ObjectVersion::name);
        for (ListingPager.Entry<ObjectVersion> e : primary.page(req)) {
            if (e.item() == null) {
                subdirs.add(e.subdir());
            } else if (VersionedObjects.isVersionLink(e.item())) {
                Symlink link = Symlink.of(e.item()).orElseThrow();
                currentByTarget.put(link.targetObject(), e.item());
            } else {
                Map<String, Object> row = row(e.item(), e.item().name());
                row.put("version_id", "null");
                row.put("is_latest", true);
                nullRows.add(row);
                latest.add(e.item().name());
            }
        }

        List<Map<String, Object>> versionRows = new ArrayList<>();
        Optional<String> hidden = ObjectVersioning.hiddenContainer(containerMetadata);
        if (hidden.isPresent()) {
            String prefix = String.valueOf(VersionNames.RESERVED) + (req.prefix() == null ? "" : req.prefix());
            ListingRequest hiddenReq = new ListingRequest(prefix, delimiter, hiddenMarker, null, req.limit(),
                    req.reverse(), false);
            ListingPager<ObjectVersion> versions = new ListingPager<>(
                    q -> metadata.listObjects(account, hidden.get(), q), ObjectVersion::name);
            for (ListingPager.Entry<ObjectVersion> e : versions.page(hiddenReq)) {
                if (e.item() == null) {
                    String sub = e.subdir().substring(1);
                    int nul = sub.indexOf(VersionNames.RESERVED);
                    subdirs.add(nul < 0 ? sub : sub.substring(0, nul));
                    continue;
                }
                Optional<VersionNames.Parsed> parsed = VersionNames.parse(e.item().name());
                if (parsed.isEmpty()) {
                    continue;
                }
                String name = parsed.get().object();
                Map<String, Object> row = row(e.item(), name);
                boolean isLatest;
                if (currentByTarget.remove(e.item().name()) != null) {
                    isLatest = true;
                    latest.add(name);
                } else if (VersionedObjects.DELETE_MARKER_TYPE.equals(e.item().contentType()) && !latest.contains(name)) {
                    isLatest = true;
                    latest.add(name);
                } else {
                    isLatest = false;
                }
                row.put("version_id", VersionNames.id(parsed.get().version()));
                row.put("is_latest", isLatest);
                versionRows.add(row);
            }
        }
        // Links whose version fell outside this page of versions are still the latest of their name.
        List<Map<String, Object>> brokenRows = new ArrayList<>();
        for (Map.Entry<String, ObjectVersion> c : currentByTarget.entrySet()) {
            VersionNames.parse(c.getKey()).ifPresent(p -> {
                Symlink link = Symlink.of(c.getValue()).orElseThrow();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", p.object());
                row.put("is_latest", true);
                row.put("version_id", VersionNames.id(p.version()));
                row.put("content_type", c.getValue().contentType());
                row.put("bytes", link.bytes());
                row.put("hash", link.etag());
                row.put("last_modified", HttpDates.listing(c.getValue().timestamp()));
                brokenRows.add(row);
            });
        }
        List<Map<String, Object>> all = new ArrayList<>(nullRows);
        all.addAll(versionRows);
        subdirs.forEach(s -> {
            Map<String, Object> row = new HashMap<>();
            row.put("subdir", s);
            all.add(row);
        });
        all.addAll(brokenRows);
        Comparator<Map<String, Object>> byName = Comparator.comparing(
                r -> (String) (r.containsKey("subdir") ? r.get("subdir") : r.get("name")),
                io.tessera.store.Names.UTF8_ORDER);
        all.sort(req.reverse() ? byName.reversed() : byName); // List.sort is stable, like Python's sorted
        return json(all.subList(0, Math.min(all.size(), req.limit())));
    }

    private static Map<String, Object> row(ObjectVersion v, String name) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("hash", v.etag());
        row.put("bytes", v.length());
        row.put("content_type", v.contentType());
        row.put("last_modified", HttpDates.listing(v.timestamp()));
        row.putAll(Symlinks.listingFields(v));
        return row;
    }

    private static byte[] json(List<Map<String, Object>> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Map<String, Object> row : rows) {
                g.writeStartObject();
                for (Map.Entry<String, Object> f : row.entrySet()) {
                    g.writeObjectField(f.getKey(), f.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
