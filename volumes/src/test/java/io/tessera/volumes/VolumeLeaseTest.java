package io.tessera.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.Store;
import io.tessera.store.VolumeStore;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease's own rules, on a store and a clock the test controls (the fencing itself: StoreContractTest). */
class VolumeLeaseTest {
    static final VolumeLease.Timing TIMING = VolumeLease.Timing.DEFAULT;
    @TempDir
    Path dir;
    Store store;
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final Map<String, VolumeLease.Holder> holders = new HashMap<>();

    @BeforeEach
    void open() {
        store = EmbeddedStore.open(dir, new BlockSize(64 * 1024), Durability.DURABLE, new MetricRegistry());
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A take by the holder of that name (one holder object per name, as one per server process). */
    VolumeLease take(String holder, boolean handover) {
        return VolumeLease.acquire(store.volumes(), "vol-id", "v", holders.computeIfAbsent(holder, VolumeLease.Holder::new),
                handover, TIMING, clock::get);
    }

    long expiresIn() {
        return store.volumes().lease("vol-id").orElseThrow().expiresAtMillis() - clock.get();
    }

    /**
     * Issue 11, review P4: a take used to set the expiry to max(now, old expiry) + TTL, so N handovers in a
     * row (or N opens and closes) pushed it N TTLs ahead, and a holder dying then kept its volume from
     * everyone for N x 30 s. Every take now expires one TTL after it, whatever came before.
     */
    @Test
    void repeatedHandoversDoNotPushTheLeaseExpiryFarIntoTheFuture() {
        VolumeLease last = null;
        for (int i = 0; i < 10; i++) {
            last = take(i % 2 == 0 ? "a" : "b", true);
        }
        assertThat(last.generation()).isEqualTo(10);
        assertThat(expiresIn()).as("ms until the lease expires after 10 handovers at one instant")
                .isEqualTo(TIMING.ttlMillis());
        last.release();
        take("c", false).release();
        assertThat(expiresIn()).as("after a release and another take").isEqualTo(TIMING.ttlMillis());
    }

    /** Renewals never move the expiry back within a generation (the Cassandra store orders stamps by it). */
    @Test
    void aRenewalExtendsFromNowAndNeverShortens() {
        VolumeLease a = take("a", false);
        clock.addAndGet(TIMING.renewEveryMillis());
        assertThat(a.renew()).isTrue();
        assertThat(expiresIn()).isEqualTo(TIMING.ttlMillis());
        clock.addAndGet(-TIMING.renewEveryMillis()); // a clock that stepped back
        assertThat(a.renew()).isTrue();
        assertThat(expiresIn()).isEqualTo(TIMING.ttlMillis() + TIMING.renewEveryMillis());
    }

    /**
     * Issue 11, review P2: a holder may take its own live lease again only if no open volume of this
     * process holds it (a release that failed leaves such a lease behind); taking it from its own open
     * handle would fence that handle, so a delete of an attached volume could remove it under its users.
     */
    @Test
    void aHolderCannotTakeTheLeaseItsOwnOpenHandleHolds() {
        VolumeLease open = take("a", false);
        assertThatThrownBy(() -> take("a", false)).isInstanceOf(VolumeException.class)
                .hasMessageContaining("in use on this server");
        assertThatThrownBy(() -> take("a", true)).as("not even with the handover flag").isInstanceOf(VolumeException.class);
        assertThat(open.isLost()).isFalse();
        open.writer().putEntries(Map.of(0L, new VolumeStore.Entry(io.tessera.hashmap.BlockHash.ZERO_BLOCK, 0)));
        open.release();
        VolumeLease again = take("a", false);
        assertThat(again.generation()).isEqualTo(2);
    }
}
