package io.tessera.swift.bulk;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Timestamp;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.objects.ObjectHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
     * it is already known to fail (e.g. a manifest that could not be read), with its status code.
     * {@code deletion}, when set, deletes it instead of a plain DELETE of the name and answers the
     * status (an SLO manifest deleted by version id goes through object versioning).
     */
    public record Target(String name, int failureCode, String failure, java.util.function.IntSupplier deletion) {
        public Target(String name, int failureCode, String failure) {
            this(name, failureCode, failure, null);
        }

        public static Target of(String name) {
            return new Target(name, 0, null);
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
        private String status = "200 OK";
        private String body = "";
        private boolean serverError;

        public void fail(String status, String body) {
            this.status = status;
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
            o.fail("400 Bad Request", "Max delete failures exceeded");
            return o;
        }
        if (!o.failures.isEmpty()) {
            o.status = o.serverError ? "502 Bad Gateway" : "400 Bad Request";
        } else if (o.deleted == 0 && o.notFound == 0) {
            o.fail("400 Bad Request", "Invalid bulk delete.");
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
            if (t.failureCode() == 404) {
                o.notFound++;
            } else {
                failed(o, name, t.failure());
            }
            return;
        }
        int status;
        try {
            status = t.deletion() != null ? t.deletion().getAsInt()
                    : isContainer(name) ? deleteContainer(strip(name)) : deleteObject(lstrip(name));
        } catch (RuntimeException e) {
            LOG.error("bulk delete of {} in {} failed", name, account, e);
            status = 500;
        }
        switch (status) {
            case 204 -> {
                o.deleted++;
                deletes.mark();
            }
            case 404 -> o.notFound++;
            case 401 -> failed(o, name, "401 Unauthorized");
            case 403 -> failed(o, name, "403 Forbidden");
            case 409 -> failed(o, name, "409 Conflict");
            case 400 -> failed(o, name, "400 Bad Request");
            default -> {
                o.serverError = true;
                failed(o, name, "500 Internal Error");
            }
        }
    }

    private void failed(Outcome o, String name, String status) {
        o.failures.add(List.of(PathQuote.quote(name), status));
        if (o.failures.size() >= maxFailures) {
            throw new TooManyFailures();
        }
    }

    /** One DELETE of a container: its HTTP status. */
    private int deleteContainer(String container) {
        try {
            authorizer.authorize(who, "DELETE", account, container, null, null);
        } catch (io.tessera.swift.errors.SwiftException refused) {
            return refused.status();
        }
        return switch (metadata.deleteContainer(account, container)) {
            case DELETED -> 204;
            case NOT_FOUND -> 404;
            case NOT_EMPTY -> 409;
        };
    }

    /** One DELETE of {@code container/object}: its HTTP status. */
    private int deleteObject(String path) {
        int slash = path.indexOf('/');
        String container = path.substring(0, slash);
        String object = path.substring(slash + 1);
        if (container.length() > 256 || object.length() > 1024) {
            return 400;
        }
        if (!authorizer.mayWrite(who, account, container)) {
            return Authorizer.denied(who, account).status();
        }
        Optional<ObjectVersion> current = metadata.getObject(account, container, object);
        if (current.isEmpty() || ObjectHeaders.isExpired(current.get().metadata())) {
            return 404;
        }
        return metadata.deleteObject(account, container, object, Timestamp.now()).isPresent() ? 204 : 404;
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
