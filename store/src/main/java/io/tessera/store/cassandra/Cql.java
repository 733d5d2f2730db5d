package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.tessera.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs statements for the store's synchronous SPI over the driver's async API: every wait is bounded,
 * every failure goes through {@link CassandraErrors}, and batches of single-partition requests are
 * pipelined with a bounded number in flight.
 */
final class Cql {
    /** Requests in flight per pipelined call: enough to hide latency, few enough not to flood a node. */
    static final int MAX_IN_FLIGHT = 64;

    private final CqlSession session;
    private final String keyspace;
    private final long waitMillis;
    /** Runs before every write; throws to refuse it (the clock check, {@link ClockSkew}). */
    private volatile Runnable writeGate = () -> { };

    /**
     * @param requestTimeout the driver's own per-request timeout (retries included); our waits allow
     *                       twice that plus a margin, as a safety net should a future never complete
     */
    Cql(CqlSession session, String keyspace, Duration requestTimeout) {
        this.session = session;
        this.keyspace = keyspace;
        this.waitMillis = requestTimeout.toMillis() * 2 + 5_000;
    }

    CqlSession session() {
        return session;
    }

    String keyspace() {
        return keyspace;
    }

    /** Prepares {@code cql}, where {@code {ks}} stands for the store's keyspace. */
    PreparedStatement prepare(String cql) {
        String text = cql.replace("{ks}", keyspace);
        return await(session.prepareAsync(text), "preparing " + text);
    }

    /**
     * Has {@code gate} run before every write this sends (every statement but a SELECT): the one place
     * where the store's writes can be refused, whatever part of the store makes them.
     */
    void gateWrites(Runnable gate) {
        this.writeGate = gate;
    }

    AsyncResultSet execute(Statement<?> statement, String what) {
        return await(executeAsync(statement), what);
    }

    CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
        if (isWrite(statement)) {
            try {
                writeGate.run();
            } catch (RuntimeException refused) {
                return CompletableFuture.failedFuture(refused);
            }
        }
        return session.executeAsync(statement);
    }

    private static boolean isWrite(Statement<?> statement) {
        String query;
        if (statement instanceof BoundStatement b) {
            query = b.getPreparedStatement().getQuery();
        } else if (statement instanceof SimpleStatement s) {
            query = s.getQuery();
        } else {
            return true; // a batch: writes only
        }
        return !query.stripLeading().regionMatches(true, 0, "SELECT", 0, 6);
    }

    <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("no answer from Cassandra within " + waitMillis + " ms: " + what, e);
        } catch (Exception e) {
            throw CassandraErrors.translate(e, what);
        }
    }

    /**
     * Applies {@code call} to every item with at most {@link #MAX_IN_FLIGHT} requests outstanding and
     * returns the results in the items' order. Stops issuing new requests after the first failure and
     * throws it once the outstanding ones have finished.
     */
    <T, R> List<R> pipeline(Collection<T> items, Function<T, CompletionStage<R>> call, String what) {
        Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<CompletableFuture<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            if (failure.get() != null) {
                break;
            }
            acquire(permits, what);
            CompletableFuture<R> f;
            try {
                f = call.apply(item).toCompletableFuture();
            } catch (RuntimeException e) {
                permits.release();
                failure.compareAndSet(null, e);
                break;
            }
            f.whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                permits.release();
            });
            futures.add(f);
        }
        List<R> results = new ArrayList<>(futures.size());
        for (CompletableFuture<R> f : futures) {
            try {
                results.add(await(f, what));
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
        if (failure.get() != null) {
            throw CassandraErrors.translate(failure.get(), what);
        }
        return results;
    }

    private void acquire(Semaphore permits, String what) {
        try {
            // Permits come back as requests complete, which the driver's timeout bounds.
            if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("Cassandra requests did not complete within " + waitMillis
                        + " ms: " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for Cassandra (" + what + ")", e);
        }
    }
}
