package io.tessera.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.OwnedIds;
import io.tessera.store.VolumeStore.Entry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeMapTest {
    private static final BlockSize BS = new BlockSize(4096);
    private final BlockHash a = BlockHasher.hash(new byte[] {1});
    private final BlockHash b = BlockHasher.hash(new byte[] {2});

    @Test
    void overlayThenParentThenZero() {
        Hashmap parent = new Hashmap(BS, 2 * 4096 + 100, List.of(a, BlockHash.ZERO_BLOCK, b));
        BlockHash owned = OwnedIds.newId();
        VolumeMap m = new VolumeMap(4096, 5 * 4096, parent, Map.of(1L, new Entry(owned, 0)));
        assertThat(m.resolve(0)).isEqualTo(new Entry(a, VolumeMap.INHERITED));
        assertThat(m.resolve(1)).isEqualTo(new Entry(owned, 0));
        assertThat(m.resolve(2).block()).isEqualTo(b);
        assertThat(m.resolve(4).block()).isEqualTo(BlockHash.ZERO_BLOCK);
        assertThat(m.blockCount()).isEqualTo(5);
        assertThat(m.toHashmap(BS).hashes()).containsExactly(a, owned, b, BlockHash.ZERO_BLOCK, BlockHash.ZERO_BLOCK);
    }

    @Test
    void onlyOwnedBlocksOfTheCurrentEpochAreWritableInPlace() {
        BlockHash owned = OwnedIds.newId();
        assertThat(VolumeMap.writableInPlace(new Entry(owned, 3), 3)).isTrue();
        assertThat(VolumeMap.writableInPlace(new Entry(owned, 2), 3)).as("frozen by a snapshot").isFalse();
        assertThat(VolumeMap.writableInPlace(new Entry(owned, VolumeMap.INHERITED), 0)).as("a parent's").isFalse();
        assertThat(VolumeMap.writableInPlace(new Entry(a, 3), 3)).as("content").isFalse();
        assertThat(VolumeMap.writableInPlace(new Entry(BlockHash.ZERO_BLOCK, 3), 3)).isFalse();
    }

    @Test
    void usageCountsAllocatedOwnedAndShared() {
        Hashmap parent = new Hashmap(BS, 3 * 4096, List.of(a, BlockHash.ZERO_BLOCK, b));
        VolumeMap m = new VolumeMap(4096, 4 * 4096 + 10, parent,
                Map.of(2L, new Entry(OwnedIds.newId(), 0), 4L, new Entry(OwnedIds.newId(), 0)));
        VolumeMap.Usage u = m.usage();
        assertThat(u.sharedWithParentBytes()).isEqualTo(4096);
        assertThat(u.ownedBytes()).isEqualTo(4096 + 10);
        assertThat(u.allocatedBytes()).isEqualTo(2 * 4096 + 10);
        assertThat(m.blockLength(4)).isEqualTo(10);
    }

    @Test
    void volumesOnlyGrowAndNeverShrinkBelowTheirParent() {
        Hashmap parent = new Hashmap(BS, 4096, List.of(a));
        assertThatThrownBy(() -> new VolumeMap(4096, 100, parent, Map.of())).isInstanceOf(IllegalArgumentException.class);
        VolumeMap m = new VolumeMap(4096, 4096, parent, Map.of());
        m.grow(10_000);
        assertThat(m.blockCount()).isEqualTo(3);
        assertThatThrownBy(() -> m.grow(5)).isInstanceOf(IllegalArgumentException.class);
    }
}
