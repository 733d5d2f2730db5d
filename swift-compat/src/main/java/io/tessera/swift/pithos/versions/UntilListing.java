package io.tessera.swift.pithos.versions;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ListQuery;
import io.tessera.store.MetadataStore;
import io.tessera.store.Names;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.listing.ListingPager;
import io.tessera.swift.listing.ListingRequest;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.versioning.ObjectVersioning;
import io.tessera.swift.versioning.VersionNames;
import io.tessera.swift.versioning.VersionedObjects;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pithos' time travel, {@code until=T} on a container or account listing: the namespace as it was at
 * T. In a container with versioning, each name shows its newest version made at or before T, unless
 * that is a delete marker (the object was deleted then); a container without versioning keeps no past,
 * so it shows its current rows made at or before T. An account shows its containers created by T
 * (a deleted container leaves no row to show). {@code prefix}, {@code delimiter}, {@code path},
 * {@code marker}, {@code end_marker} and {@code limit} work as in a listing of now ({@code reverse}
 * is ignored); the container's rows and its versions are read a page at a time, merged by name, so a
 * page costs at most {@code limit} rows of memory however long the history.
 */
public final class UntilListing {
    private static final int PAGE = 1000;

    private final MetadataStore metadata;

    public UntilListing(MetadataStore metadata) {
        this.metadata = metadata;
    }

    public static boolean asked(MultivaluedMap<String, String> query) {
        return query.containsKey("until");
    }

    /** The {@code until} time; 403 for anyone but the account's owner (Pithos: no time travel in others' accounts). */
    /** {@code X-Account-Until-Timestamp} or {@code X-Container-Until-Timestamp} ({@code level}: Account, Container). */
    public static void replyHeader(jakarta.ws.rs.core.Response.ResponseBuilder reply, String level, Timestamp until) {
        reply.header("X-" + level + "-Until-Timestamp", io.tessera.swift.http.HttpDates.format(until.micros() / 1_000_000));
    }

    public static Timestamp until(MultivaluedMap<String, String> query, boolean owner) {
        if (!owner) {
            throw SwiftError.FORBIDDEN.exception("until is only for the account's owner");
        }
        return HistoryPurge.until(query);
    }

    /** One page of a container as of {@code until}. */
    public List<ListingPager.Entry<ObjectVersion>> objects(String account, String container,
                                                           Map<String, String> containerMetadata,
                                                           ListingRequest req, Timestamp until) {
        Optional<String> hidden = ObjectVersioning.hiddenContainer(containerMetadata);
        String prefix = req.prefix();
        PeekingRows own = new PeekingRows(q -> metadata.listObjects(account, container, q),
                new ListQuery(prefix, req.marker(), null, req.endMarker(), false, PAGE));
        PeekingRows versions = hidden.map(h -> new PeekingRows(q -> metadata.listObjects(account, h, q),
                new ListQuery(VersionNames.objectPrefix("").substring(0, 1) + (prefix == null ? "" : prefix),
                        null,
                        req.marker() == null ? null : VersionNames.objectPrefix(req.marker()) + ":",
                        req.endMarker() == null ? null : VersionNames.objectPrefix(req.endMarker()),
                        false, PAGE))).orElse(PeekingRows.EMPTY);
        List<ListingPager.Entry<ObjectVersion>> out = new ArrayList<>();
        String lastSubdir = null;
        String skipGroup = req.marker() != null && req.delimiter() != null && req.marker().endsWith(req.delimiter())
                ? req.marker() : null;
        while (out.size() < req.limit() && (own.hasNext() || versions.hasNext())) {
            String a = own.hasNext() ? own.peek().name() : null;
            String b = versions.hasNext() ? PithosVersions.objectName(versions.peek()) : null;
            String name = a == null ? b : b == null ? a : Names.UTF8_ORDER.compare(a, b) <= 0 ? a : b;
            ObjectVersion best = null;
            if (name.equals(a)) {
                ObjectVersion row = own.next();
                if (!VersionedObjects.isVersionLink(row) && !ObjectHeaders.isExpired(row.metadata())
                        && !PithosVersions.versionOf(row).isAfter(until)) {
                    best = row;
                }
            }
            if (name.equals(b)) {
                // This name's versions, newest first: the first made by then is the one it had.
                ObjectVersion then = null;
                while (versions.hasNext() && PithosVersions.objectName(versions.peek()).equals(name)) {
                    ObjectVersion v = versions.next();
                    if (then == null && !PithosVersions.versionOf(v).isAfter(until)) {
                        then = v;
                    }
                }
                if (then != null && (best == null || PithosVersions.versionOf(then).isAfter(PithosVersions.versionOf(best)))) {
                    best = VersionedObjects.DELETE_MARKER_TYPE.equals(then.contentType()) ? null : asObject(then, container);
                }
            }
            if (best == null || (skipGroup != null && name.startsWith(skipGroup))) {
                continue;
            }
            String subdir = groupOf(name, prefix, req.delimiter());
            if (req.pathMode()) {
                if (name.equals(prefix) || (subdir != null && !name.equals(subdir))) {
                    continue;
                }
                out.add(new ListingPager.Entry<>(best, null));
            } else if (subdir == null) {
                out.add(new ListingPager.Entry<>(best, null));
            } else if (!subdir.equals(lastSubdir)) {
                lastSubdir = subdir;
                out.add(new ListingPager.Entry<>(null, subdir));
            }
        }
        return out;
    }

    /** A hidden row as the object it was a version of (named and dated as that version). */
    private static ObjectVersion asObject(ObjectVersion v, String container) {
        return new ObjectVersion(v.account(), container, PithosVersions.objectName(v), PithosVersions.versionOf(v),
                v.map(), v.etag(), v.contentType(), v.metadata());
    }

    private static String groupOf(String name, String prefix, String delimiter) {
        if (delimiter == null) {
            return null;
        }
        int d = name.indexOf(delimiter, prefix == null ? 0 : prefix.length());
        return d < 0 ? null : name.substring(0, d + delimiter.length());
    }

    /** One page of an account as of {@code until}: its containers created by then. */
    public List<ListingPager.Entry<ContainerInfo>> containers(String account, ListingRequest req, Timestamp until,
                                                              Function<ContainerInfo, ContainerInfo> shown) {
        List<ListingPager.Entry<ContainerInfo>> out = new ArrayList<>();
        String after = req.marker();
        while (out.size() < req.limit()) {
            List<ContainerInfo> rows = metadata.listContainers(account, io.tessera.swift.versioning.Versioning.withoutReserved(
                    new ListQuery(req.prefix(), after, null, req.endMarker(), false, PAGE)));
            for (ContainerInfo c : rows) {
                after = c.name();
                if (!c.created().isAfter(until) && out.size() < req.limit()) {
                    out.add(new ListingPager.Entry<>(shown.apply(c), null));
                }
            }
            if (rows.size() < PAGE) {
                break;
            }
        }
        return out;
    }

    /** A store listing read a page at a time, one row of look-ahead. */
    private static final class PeekingRows implements Iterator<ObjectVersion> {
        static final PeekingRows EMPTY = new PeekingRows(q -> List.of(), ListQuery.all(1));

        private final Function<ListQuery, List<ObjectVersion>> scan;
        private ListQuery query;
        private List<ObjectVersion> page = List.of();
        private int at;
        private boolean ended;

        PeekingRows(Function<ListQuery, List<ObjectVersion>> scan, ListQuery first) {
            this.scan = scan;
            this.query = first;
        }

        @Override
        public boolean hasNext() {
            if (at < page.size()) {
                return true;
            }
            if (ended) {
                return false;
            }
            page = scan.apply(query);
            at = 0;
            ended = page.size() < query.limit();
            if (!page.isEmpty()) {
                String last = page.get(page.size() - 1).name();
                query = new ListQuery(query.prefix(), last, null, query.endBefore(), false, query.limit());
            }
            return at < page.size();
        }

        ObjectVersion peek() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.get(at);
        }

        @Override
        public ObjectVersion next() {
            ObjectVersion v = peek();
            at++;
            return v;
        }
    }
}
