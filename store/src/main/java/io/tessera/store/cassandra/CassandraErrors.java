package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverExecutionException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NodeUnavailableException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.ConnectionInitException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import com.datastax.oss.driver.api.core.servererrors.TruncateException;
import io.tessera.store.StoreUnavailableException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where driver failures become store failures. Anything that means "the cluster cannot
 * serve this right now" (no node reachable, not enough replicas, a timeout, an overloaded or bootstrapping
 * coordinator) becomes {@link StoreUnavailableException}, which the HTTP layer answers with 503 and
 * Retry-After. Everything else (an invalid query, a codec mismatch) is a bug in this backend and stays a
 * plain runtime exception.
 */
final class CassandraErrors {
    private CassandraErrors() {
    }

    /** Translates {@code failure}, unwrapping the future wrappers the async API adds. */
    static RuntimeException translate(Throwable failure, String what) {
        Throwable t = unwrap(failure);
        if (t instanceof StoreUnavailableException e) {
            return e;
        }
        if (isUnavailable(t)) {
            return new StoreUnavailableException("Cassandra cannot serve " + what + ": " + describe(t), t);
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new StoreUnavailableException("interrupted while waiting for Cassandra (" + what + ")", t);
        }
        if (t instanceof RuntimeException e) {
            return e;
        }
        return new IllegalStateException("unexpected failure of " + what, t);
    }

    static boolean isUnavailable(Throwable t) {
        return t instanceof AllNodesFailedException          // includes NoNodeAvailableException
                || t instanceof NodeUnavailableException
                || t instanceof DriverTimeoutException
                || t instanceof RequestThrottlingException
                || t instanceof ClosedConnectionException      // includes HeartbeatException
                || t instanceof HeartbeatException
                || t instanceof BusyConnectionException
                || t instanceof ConnectionInitException
                // Unavailable, read/write timeouts and failures, CAS outcome unknown: all replica-side.
                || t instanceof QueryExecutionException
                || t instanceof OverloadedException
                || t instanceof BootstrappingException
                || t instanceof TruncateException;
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof DriverExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CancellationException) {
            return new StoreUnavailableException("request to Cassandra was cancelled", t);
        }
        return t;
    }

    private static String describe(Throwable t) {
        // AllNodesFailedException's message lists each node's cause (refused, auth failure, timeout).
        String text = t.getClass().getSimpleName() + ": " + t.getMessage();
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }
}
