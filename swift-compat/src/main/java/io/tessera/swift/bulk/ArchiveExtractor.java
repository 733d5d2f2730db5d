package io.tessera.swift.bulk;

import io.tessera.store.MetadataStore;
import io.tessera.store.Timestamp;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.ContainerNames;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.writes.ObjectWrite;
import io.tessera.swift.writes.ObjectWriter;
import io.tessera.swift.writes.WriteContent;
import jakarta.ws.rs.core.Response;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Swift's archive extraction: reads a tar (plain, gzip or bzip2) as a stream, entry by entry, and
 * stores every regular file as an object under the upload path (links, devices and FIFOs are skipped,
 * as in Swift), creating containers as needed. Never more than one block of the archive is in memory. Each file is stored as its own PUT would be, with
 * the requester's rights; pax extended attributes {@code user.mime_type} and {@code user.meta.*}
 * become its Content-Type and metadata.
 */
final class ArchiveExtractor {
    /** How the archive is compressed: Swift's {@code extract-archive} values. */
    enum Compression {
        NONE, GZIP, BZIP2;

        /** {@code tar}, {@code tar.gz} or {@code tar.bz2} (any case, dots around ignored); else null. */
        static Compression of(String value) {
            String v = value.toLowerCase(Locale.ROOT).replaceAll("^\\.+|\\.+$", "");
            return switch (v) {
                case "tar" -> NONE;
                case "tar.gz" -> GZIP;
                case "tar.bz2" -> BZIP2;
                default -> null;
            };
        }
    }

    /** What every extracted file gets from the request: content type and metadata. */
    record Defaults(String contentType, boolean detectType, Map<String, String> metadata) {
    }

    private final MetadataStore metadata;
    private final ObjectWriter writer;
    private final Authorizer authorizer;
    private final Optional<Principal> who;
    private final String account;
    private final SwiftConstraints constraints;
    private final BulkLimits limits;
    private final com.codahale.metrics.Meter extracted;

    ArchiveExtractor(MetadataStore metadata, ObjectWriter writer, Authorizer authorizer, Optional<Principal> who,
                     String account, SwiftConstraints constraints, BulkLimits limits,
                     com.codahale.metrics.Meter extracted) {
        this.metadata = metadata;
        this.writer = writer;
        this.authorizer = authorizer;
        this.who = who;
        this.account = account;
        this.constraints = constraints;
        this.limits = limits;
        this.extracted = extracted;
    }

    /** The result: files created, failures, and the status and body the reply reports. */
    static final class Outcome {
        int created;
        final List<List<String>> failures = new ArrayList<>();
        String status = BulkReport.statusLine(Response.Status.CREATED);
        String body = "";

        Map<String, Object> values() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Response Status", status);
            m.put("Response Body", body);
            m.put("Number Files Created", created);
            return m;
        }
    }

    /**
     * Extracts {@code archive} under {@code base} ({@code container[/prefix]}, or empty: then each
     * file's first directory is its container and files at the top are skipped).
     */
    Outcome extract(InputStream archive, Compression compression, String base, Defaults defaults, Heartbeat heartbeat)
            throws IOException {
        Outcome o = new Outcome();
        Set<String> containersSeen = new HashSet<>();
        int containersCreated = 0;
        boolean serverError = false;
        String prefix = base.replaceAll("/+$", "");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(archive, compression))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null && o.failures.size() < limits.maxFailedExtractions();
                 entry = tar.getNextEntry()) {
                heartbeat.beat();
                if (!isRegularFile(entry)) {
                    continue;
                }
                String path = entry.getName();
                if (path.startsWith("./")) {
                    path = path.substring(2);
                }
                path = path.replaceAll("^/+", "");
                if (!prefix.isEmpty()) {
                    path = prefix + "/" + path;
                }
                int slash = path.indexOf('/');
                if (slash < 0) {
                    continue; // a file at the top of an extraction into the account: no container for it
                }
                String container = path.substring(0, slash);
                String object = path.substring(slash + 1);
                String quoted = PathQuote.quote(path);
                if (contentLength(entry) > constraints.maxFileSize()) {
                    o.failures.add(List.of(quoted, SwiftError.REQUEST_ENTITY_TOO_LARGE.statusLine()));
                    continue;
                }
                if (object.isEmpty() || object.length() > constraints.maxObjectNameLength()) {
                    o.failures.add(List.of(quoted, SwiftError.BAD_REQUEST.statusLine()));
                    continue;
                }
                try {
                    ContainerNames.check(container, constraints); // e.g. "../x" names container ".."
                } catch (SwiftException badName) {
                    o.failures.add(List.of(quoted, badName.error().statusLine()));
                    continue;
                }
                List<String> containerFailure = null;
                if (containersSeen.add(container) && metadata.getContainer(account, container).isEmpty()) {
                    SwiftError refused = mayCreate(container);
                    if (refused == null) {
                        if (metadata.createContainer(account, container, Timestamp.now(), Map.of())
                                && ++containersCreated > limits.maxContainersPerExtraction()) {
                            throw SwiftError.BAD_REQUEST.exception("More than " + limits.maxContainersPerExtraction()
                                    + " containers to create from tar.");
                        }
                    } else if (refused == SwiftError.UNAUTHORIZED) {
                        throw SwiftError.UNAUTHORIZED.exception();
                    } else {
                        containerFailure = List.of(PathQuote.quote("/v1/" + account + "/" + container),
                                refused.statusLine());
                    }
                }
                SwiftError failure = put(container, object, entry, tar, defaults);
                if (failure == null) {
                    o.created++;
                    extracted.mark();
                    continue;
                }
                if (containerFailure != null) {
                    o.failures.add(containerFailure);
                }
                o.failures.add(List.of(quoted, failure.statusLine()));
                if (failure == SwiftError.UNAUTHORIZED) {
                    throw SwiftError.UNAUTHORIZED.exception();
                }
                serverError |= failure.isServerError();
            }
        } catch (SwiftException e) {
            o.status = e.error().statusLine();
            o.body = e.getMessage() != null ? e.getMessage() : e.error().page();
            return o;
        } catch (IOException | IllegalArgumentException e) {
            // commons-compress reports a damaged archive (bad header, bad checksum, truncated stream) as these
            o.status = SwiftError.BAD_REQUEST.statusLine();
            o.body = "Invalid Tar File: " + e.getMessage();
            return o;
        }
        if (!o.failures.isEmpty()) {
            o.status = (serverError ? SwiftError.BAD_GATEWAY : SwiftError.BAD_REQUEST).statusLine();
        } else if (o.created == 0) {
            o.status = SwiftError.BAD_REQUEST.statusLine();
            o.body = "Invalid Tar File: No Valid Files";
        }
        return o;
    }

    /**
     * Whether an entry holds a file's bytes, as Python's TarInfo.isfile() (which Swift's bulk uses)
     * decides: a regular file (old or new type flag), a contiguous file or a GNU sparse file. Links,
     * devices, FIFOs and directories are skipped and counted nowhere; commons-compress's isFile() would
     * take all but directories, and a symbolic link became an empty object.
     */
    static boolean isRegularFile(TarArchiveEntry entry) {
        byte type = entry.getLinkFlag();
        return !entry.isDirectory() && (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM
                || type == TarConstants.LF_CONTIG || type == TarConstants.LF_GNUTYPE_SPARSE);
    }

    /**
     * How many bytes reading the entry gives: a sparse file reads expanded, holes as zeros (as Python's
     * tarfile reads it for Swift), which its stored size does not count.
     */
    private static long contentLength(TarArchiveEntry entry) {
        return entry.isSparse() ? entry.getRealSize() : entry.getSize();
    }

    /** Null if the requester may create {@code container} (its PUT would be allowed), else the refusal. */
    private SwiftError mayCreate(String container) {
        try {
            authorizer.authorize(who, "PUT", account, container, null, null);
            return null;
        } catch (SwiftException refused) {
            return refused.error();
        }
    }

    /** Stores one file of the archive; null when stored, else why not. */
    private SwiftError put(String container, String object, TarArchiveEntry entry, InputStream tar, Defaults defaults)
            throws IOException {
        if (!authorizer.mayWrite(who, account, container)) {
            return Authorizer.denied(who, account).error();
        }
        if (metadata.getContainer(account, container).isEmpty()) {
            return SwiftError.NOT_FOUND;
        }
        Map<String, String> meta = new LinkedHashMap<>(defaults.metadata());
        String contentType = ObjectHeaders.contentType(defaults.contentType(), defaults.detectType(), object);
        for (Map.Entry<String, String> pax : entry.getExtraPaxHeaders().entrySet()) {
            String key = pax.getKey();
            for (String vendor : List.of("SCHILY.xattr.", "LIBARCHIVE.xattr.")) {
                if (key.equals(vendor + "user.mime_type")) {
                    contentType = pax.getValue();
                } else if (key.startsWith(vendor + "user.meta.")) {
                    meta.put("x-object-meta-" + key.substring((vendor + "user.meta.").length()).toLowerCase(Locale.ROOT),
                            pax.getValue());
                }
            }
        }
        try {
            writer.write(new ObjectWrite(new ObjectLocation(account, container, object), contentType, meta, null,
                    false, new WriteContent.Body(new KeepOpen(tar), contentLength(entry))));
            return null;
        } catch (SwiftException e) {
            if (e.error() == SwiftError.CLIENT_DISCONNECT) {
                throw new IOException("the archive ended inside " + entry.getName());
            }
            return e.error();
        }
    }

    private static InputStream decompressed(InputStream in, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> in;
            case GZIP -> new GzipCompressorInputStream(in, true);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
        };
    }

    /** The current entry's bytes, for a writer that closes what it reads: the archive stays open. */
    private static final class KeepOpen extends FilterInputStream {
        KeepOpen(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
