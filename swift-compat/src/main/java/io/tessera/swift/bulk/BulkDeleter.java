package io.tessera.swift.bulk;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.objects.ObjectHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes many objects and containers of one account for one requester, each as its own DELETE
 * would (the requester's rights, 404 for what is not there, 409 for a container that is not empty),
 * and sums up the outcome as Swift's bulk middleware does: {@code Number Deleted},
 * {@code Number Not Found} and a list of failures; the overall status is 200 unless something failed.
 * Used by {@code ?bulk-delete} and by {@code ?multipart-manifest=delete}.
 */
public final class BulkDeleter {
    private static final Logger LOG = LoggerFactory.getLogger(BulkDeleter.class);

    /**
     * One thing to delete: {@code /container} or {@code /container/object}; {@code failure} set when
     * it is already known to fail (e.g. a manifest that could not be read), with the text its failure
     * is reported with. {@code deletion}, when set, deletes it instead of a plain DELETE of the name
     * and answers whether there was something to delete (an SLO manifest deleted by version id goes
     * through object versioning).
     */
    public record Target(String name, SwiftError failure, String failureText, BooleanSupplier deletion) {
        public Target(String name, SwiftError failure, String failureText) {
            this(name, failure, failureText, null);
        }

        public static Target of(String name) {
            return new Target(name, null, null);
        }
    }

    private final MetadataStore metadata;
    private final Authorizer authorizer;
    private final Optional<Principal> who;
    private final String account;
    private final int maxFailures;
    private final com.codahale.metrics.Meter deletes;

    public BulkDeleter(MetadataStore metadata, Authorizer authorizer, Optional<Principal> who, String account,
                       int maxFailures, com.codahale.metrics.Meter deletes) {
        this.metadata = metadata;
        this.authorizer = authorizer;
        this.who = who;
        this.account = account;
        this.maxFailures = maxFailures;
        this.deletes = deletes;
    }

    /** Where a run stands: the counts and failures so far, the status and body it reports. */
    public static final class Outcome {
        private int deleted;
        private int notFound;
        private final List<List<String>> failures = new ArrayList<>();
        private String status = BulkReport.statusLine(Response.Status.OK);
        private String body = "";
        private boolean serverError;

        public void fail(SwiftError error, String body) {
            this.status = error.statusLine();
            this.body = body;
        }

        public Map<String, Object> values() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Number Deleted", deleted);
            m.put("Number Not Found", notFound);
            m.put("Response Body", body);
            m.put("Response Status", status);
            return m;
        }

        public List<List<String>> failures() {
            return failures;
        }

        public int deleted() {
            return deleted;
        }
    }

    /**
     * Deletes {@code targets} (objects first, then containers, so a container emptied by the same
     * request can go too), beating {@code heartbeat} between deletes.
     */
    public Outcome run(List<Target> targets, Heartbeat heartbeat) throws IOException {
        Outcome o = new Outcome();
        List<Target> containers = new ArrayList<>();
        try {
            for (Target t : targets) {
                if (isContainer(t.name())) {
                    containers.add(t);
                } else {
                    deleteOne(t, o, heartbeat);
                }
            }
            for (Target t : containers) {
                deleteOne(t, o, heartbeat);
            }
        } catch (TooManyFailures e) {
            o.fail(SwiftError.BAD_REQUEST, "Max delete failures exceeded");
            return o;
        }
        if (!o.failures.isEmpty()) {
            o.status = (o.serverError ? SwiftError.BAD_GATEWAY : SwiftError.BAD_REQUEST).statusLine();
        } else if (o.deleted == 0 && o.notFound == 0) {
            o.fail(SwiftError.BAD_REQUEST, "Invalid bulk delete.");
        }
        return o;
    }

    private static final class TooManyFailures extends RuntimeException {
        TooManyFailures() {
            super(null, null, false, false);
        }
    }

    private static boolean isContainer(String name) {
        return !strip(name).contains("/");
    }

    private void deleteOne(Target t, Outcome o, Heartbeat heartbeat) throws IOException {
        heartbeat.beat();
        String name = t.name();
        if (name == null || name.isEmpty()) {
            return;
        }
        if (t.failure() != null) {
            if (t.failure() == SwiftError.NOT_FOUND) {
                o.notFound++;
            } else {
                failed(o, name, t.failureText());
            }
            return;
        }
        SwiftError refused;
        try {
            refused = t.deletion() != null ? (t.deletion().getAsBoolean() ? null : SwiftError.NOT_FOUND)
                    : isContainer(name) ? deleteContainer(strip(name)) : deleteObject(lstrip(name));
        } catch (RuntimeException e) {
            LOG.error("bulk delete of {} in {} failed", name, account, e);
            refused = SwiftError.INTERNAL_ERROR;
        }
        if (refused == null) {
            o.deleted++;
            deletes.mark();
            return;
        }
        switch (refused) {
            case NOT_FOUND -> o.notFound++;
            case UNAUTHORIZED, FORBIDDEN, CONFLICT, BAD_REQUEST -> failed(o, name, refused.statusLine());
            default -> {
                o.serverError = true;
                failed(o, name, SwiftError.INTERNAL_ERROR.statusLine());
            }
        }
    }

    private void failed(Outcome o, String name, String status) {
        o.failures.add(List.of(PathQuote.quote(name), status));
        if (o.failures.size() >= maxFailures) {
            throw new TooManyFailures();
        }
    }

    /** One DELETE of a container: null when it is deleted, else why not. */
    private SwiftError deleteContainer(String container) {
        try {
            authorizer.authorize(who, "DELETE", account, container, null, null);
        } catch (SwiftException refused) {
            return refused.error();
        }
        return switch (metadata.deleteContainer(account, container)) {
            case DELETED -> null;
            case NOT_FOUND -> SwiftError.NOT_FOUND;
            case NOT_EMPTY -> SwiftError.CONFLICT;
        };
    }

    /** One DELETE of {@code container/object}: null when it is deleted, else why not. */
    private SwiftError deleteObject(String path) {
        int slash = path.indexOf('/');
        String container = path.substring(0, slash);
        String object = path.substring(slash + 1);
        if (container.length() > 256 || object.length() > 1024) {
            return SwiftError.BAD_REQUEST;
        }
        if (!authorizer.mayWrite(who, account, container)) {
            return Authorizer.denied(who, account).error();
        }
        Optional<ObjectVersion> current = metadata.getObject(account, container, object);
        if (current.isEmpty() || ObjectHeaders.isExpired(current.get().metadata())) {
            return SwiftError.NOT_FOUND;
        }
        return metadata.deleteObject(account, container, object, Timestamp.now()).isPresent() ? null : SwiftError.NOT_FOUND;
    }

    private static String lstrip(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '/') {
            start++;
        }
        return name.substring(start);
    }

    private static String strip(String name) {
        int start = 0;
        int end = name.length();
        while (start < end && name.charAt(start) == '/') {
            start++;
        }
        while (end > start && name.charAt(end - 1) == '/') {
            end--;
        }
        return name.substring(start, end);
    }
}
