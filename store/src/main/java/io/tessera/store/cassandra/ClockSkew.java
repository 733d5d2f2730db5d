package io.tessera.store.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.tessera.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures this frontend's clock against the cluster's, and refuses writes while the two differ by more
 * than {@link #BOUND} (SCHEMA.md, "Clocks"). The store's write timestamps come from the frontends' clocks
 * (object versions, the collector's condemned times and partition deletes, the expiry index's deletes,
 * claims and leases), so a frontend whose clock is off writes rows that lose or win against the wrong
 * writes; a refusal (503) is the honest answer until its clock is set right.
 *
 * <p>A measurement asks up to {@link #MAX_NODES} live nodes of the local datacenter for
 * {@code currentTimestamp()}, {@link #PROBES} times each, and keeps each node's probe with the shortest
 * round trip: the node read its clock somewhere within that round trip, so the offset is known within
 * half of it. The cluster's clock is the median of the nodes' (one node with a wrong clock does not stop
 * every frontend; it is logged). A write is refused only when the offset is beyond the bound by more
 * than that uncertainty: a slow round trip never refuses writes by itself.
 */
final class ClockSkew {
    private static final Logger LOG = LoggerFactory.getLogger(ClockSkew.class);

    /** The largest offset from the cluster's clock at which this frontend still writes. */
    static final Duration BOUND = Duration.ofSeconds(2);
    /** How often the clock is measured again. */
    static final Duration PERIOD = Duration.ofSeconds(10);
    static final int PROBES = 3;
    static final int MAX_NODES = 5;

    /**
     * One measurement: this clock minus the cluster's, within {@code uncertaintyMillis}.
     *
     * @param offsetMillis positive: this frontend's clock is ahead
     */
    record Measurement(long offsetMillis, long uncertaintyMillis, int nodes) {
        /** How far the offset is beyond {@code bound} for certain (0 or less: within it). */
        long beyond(Duration bound) {
            return Math.abs(offsetMillis) - uncertaintyMillis - bound.toMillis();
        }
    }

    private final Cql cql;
    private final String localDatacenter;
    private final LongSupplier clockMillis;
    private final Duration bound;
    private volatile Measurement last;

    /** @param clockMillis the clock the frontend stamps its writes with (tests skew it) */
    ClockSkew(Cql cql, String localDatacenter, LongSupplier clockMillis, Duration bound) {
        this.cql = cql;
        this.localDatacenter = localDatacenter;
        this.clockMillis = clockMillis;
        this.bound = bound;
    }

    /** The last measurement, or null before the first that succeeded. */
    Measurement last() {
        return last;
    }

    /**
     * Measures the clock now. A measurement that fails (no node answers) keeps the previous one: writes
     * then fail for the same reason anyway.
     */
    void measure() {
        List<Node> nodes = cql.session().getMetadata().getNodes().values().stream()
                .filter(n -> n.getState() == NodeState.UP && localDatacenter.equals(n.getDatacenter()))
                .sorted(Comparator.comparing(n -> String.valueOf(n.getHostId())))
                .limit(MAX_NODES).toList();
        List<long[]> perNode = new ArrayList<>(); // {offset, uncertainty}
        for (Node node : nodes) {
            try {
                perNode.add(probe(node));
            } catch (RuntimeException e) {
                LOG.debug("clock probe of {} failed: {}", node.getEndPoint(), e.toString());
            }
        }
        if (perNode.isEmpty()) {
            return;
        }
        perNode.sort(Comparator.comparingLong(p -> p[0]));
        long[] median = perNode.get(perNode.size() / 2);
        for (long[] p : perNode) {
            if (Math.abs(p[0] - median[0]) - p[1] - median[1] > bound.toMillis()) {
                LOG.warn("A Cassandra node's clock differs from the others' by {} ms: lightweight transactions it"
                        + " coordinates carry wrong timestamps; check its time synchronisation", p[0] - median[0]);
            }
        }
        Measurement m = new Measurement(median[0], median[1], perNode.size());
        Measurement before = last;
        last = m;
        boolean refusing = m.beyond(bound) > 0;
        if (refusing && (before == null || before.beyond(bound) <= 0)) {
            LOG.error(refusal(m));
        } else if (!refusing && before != null && before.beyond(bound) > 0) {
            LOG.info("This server's clock is within {} ms of the Cassandra cluster's again ({} ms): writes resume",
                    bound.toMillis(), m.offsetMillis());
        }
    }

    /** Throws {@link StoreUnavailableException} if the last measurement found the clock off by more than the bound. */
    void checkWrite() {
        Measurement m = last;
        if (m != null && m.beyond(bound) > 0) {
            throw new StoreUnavailableException(refusal(m));
        }
    }

    private String refusal(Measurement m) {
        return String.format("this server's clock is %s the Cassandra cluster's by %,d ms (+/- %d ms), more than the %,d ms"
                        + " allowed: writes are refused until its clock is set right (check NTP)",
                m.offsetMillis() > 0 ? "ahead of" : "behind", Math.abs(m.offsetMillis()), m.uncertaintyMillis(),
                bound.toMillis());
    }

    /** {offset, uncertainty} of this clock against {@code node}'s, from its quickest of {@link #PROBES} probes. */
    private long[] probe(Node node) {
        long[] best = null;
        for (int i = 0; i < PROBES; i++) {
            SimpleStatement st = SimpleStatement.newInstance("SELECT toUnixTimestamp(currentTimestamp()) AS now"
                    + " FROM system.local").setNode(node).setIdempotent(true);
            long t0 = clockMillis.getAsLong();
            Row row = cql.execute(st, "reading the clock of " + node.getEndPoint()).one();
            long t1 = clockMillis.getAsLong();
            if (row == null) {
                continue;
            }
            long server = row.getLong("now");
            long uncertainty = (t1 - t0 + 1) / 2;
            long offset = (t0 + t1) / 2 - server;
            if (best == null || uncertainty < best[1]) {
                best = new long[] {offset, uncertainty};
            }
        }
        if (best == null) {
            throw new IllegalStateException("no answer");
        }
        return best;
    }
}
