package io.tessera.swift.pithos.versions;

import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.versioning.ObjectVersioning;
import io.tessera.swift.versioning.VersionNames;
import io.tessera.swift.versioning.VersionedObjects;
import jakarta.ws.rs.core.MultivaluedMap;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pithos' history purge, {@code DELETE ...?until=T} (modular.py {@code _delete_object},
 * {@code delete_container}): on an object, every version of it made at or before T goes, the current
 * one too when it is that old (then the object is gone, as in Pithos); on a container, every
 * non-current version at or before T of every object in it (the current versions stay). Only rows go:
 * the blocks of a purged version become garbage for the collector unless another row (a surviving
 * version, another object) still names them, since the collector marks from every row (store/GC.md).
 * The rows are read a page at a time.
 */
public final class HistoryPurge {
    private static final int PAGE = 1000;
    /** Swift's (and our timestamps') limit: 9999999999.99999. */
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(10_000_000_000L);

    private final MetadataStore metadata;
    private final String account;
    private final String container;
    private final Map<String, String> containerMetadata;

    public HistoryPurge(MetadataStore metadata, String account, String container, Map<String, String> containerMetadata) {
        this.metadata = metadata;
        this.account = account;
        this.container = container;
        this.containerMetadata = containerMetadata;
    }

    public static boolean asked(MultivaluedMap<String, String> query) {
        return query.containsKey("until");
    }

    /**
     * An {@code until} parameter (float epoch seconds, as kamaki and the web UI send it): 400 unless it
     * is a number from 0 up to Swift's last timestamp.
     */
    public static Timestamp until(MultivaluedMap<String, String> query) {
        return parseUntil(query.getFirst("until"));
    }

    static Timestamp parseUntil(String value) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty() || v.length() > 40) {
            throw SwiftError.BAD_REQUEST.exception("Invalid until parameter: a time in seconds since the epoch");
        }
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(v);
        } catch (NumberFormatException e) {
            throw SwiftError.BAD_REQUEST.exception("Invalid until parameter: a time in seconds since the epoch");
        }
        if (seconds.signum() < 0 || seconds.compareTo(MAX_SECONDS) >= 0) {
            throw SwiftError.BAD_REQUEST.exception("Invalid until parameter: a time in seconds since the epoch");
        }
        return new Timestamp(seconds.movePointRight(6).setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
    }

    /** A purge reaches no further than its own start: versions written while it runs are never its. */
    private static Timestamp notAfterNow(Timestamp until) {
        Timestamp now = Timestamp.now();
        return until.isAfter(now) ? now : until;
    }

    private Optional<String> hidden() {
        return ObjectVersioning.hiddenContainer(containerMetadata);
    }

    /** The object's history up to {@code until}; the object itself when its current version is that old. */
    public void purgeObject(String name, Timestamp requested) {
        Timestamp until = notAfterNow(requested);
        Optional<ObjectVersion> current = metadata.getObject(account, container, name);
        Optional<String> hidden = hidden();
        if (current.isPresent() && !PithosVersions.versionOf(current.get()).isAfter(until)) {
            // A plain row, or a link to a version made by then (which goes below): the object goes.
            // at the row's own time: a write that lands meanwhile is newer, and stays
            metadata.deleteObject(account, container, name, current.get().timestamp());
        }
        if (hidden.isEmpty()) {
            return;
        }
        // Versions are named newest first: the ones at or before until are the name's last ones.
        String prefix = VersionNames.objectPrefix(name);
        String startAt = VersionNames.versionObject(name, until);
        while (true) {
            List<ObjectVersion> rows = metadata.listObjects(account, hidden.get(),
                    new ListQuery(prefix, null, startAt, null, false, PAGE));
            for (ObjectVersion v : rows) {
                metadata.deleteObject(account, hidden.get(), v.name(), v.timestamp());
            }
            if (rows.size() < PAGE) {
                break;
            }
        }
        // A write that was under way when the purge began may have published its link to a version the
        // purge just took: that object is gone too, as if the purge had come after it.
        metadata.getObject(account, container, name)
                .filter(VersionedObjects::isVersionLink)
                .filter(link -> PithosVersions.linkedVersion(link)
                        .map(t -> !t.isAfter(until) && metadata.getObject(account, hidden.get(),
                                VersionNames.versionObject(name, t)).isEmpty())
                        .orElse(false))
                .ifPresent(link -> metadata.deleteObject(account, container, name, link.timestamp()));
    }

    /** Every version at or before {@code until} of every object here, except the current ones. */
    public void purgeContainer(Timestamp requested) {
        Timestamp until = notAfterNow(requested);
        Optional<String> hidden = hidden();
        if (hidden.isEmpty()) {
            return; // without versioning every row is a current version
        }
        String after = null;
        String currentName = null;
        Optional<Timestamp> currentVersion = Optional.empty();
        while (true) {
            List<ObjectVersion> rows = metadata.listObjects(account, hidden.get(),
                    new ListQuery(null, after, null, null, false, PAGE));
            for (ObjectVersion v : rows) {
                after = v.name();
                Optional<VersionNames.Parsed> p = VersionNames.parse(v.name());
                if (p.isEmpty() || p.get().version().isAfter(until)) {
                    continue;
                }
                String name = p.get().object();
                if (!name.equals(currentName)) {
                    currentName = name;
                    currentVersion = metadata.getObject(account, container, name)
                            .filter(VersionedObjects::isVersionLink)
                            .flatMap(PithosVersions::linkedVersion);
                }
                if (currentVersion.isPresent() && currentVersion.get().equals(p.get().version())) {
                    continue; // the object's current version: not history
                }
                metadata.deleteObject(account, hidden.get(), v.name(), v.timestamp());
            }
            if (rows.size() < PAGE) {
                return;
            }
        }
    }
}
