package io.tessera.bench.fill;

import com.codahale.metrics.MetricRegistry;
import io.tessera.bench.Sizes;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.hashmap.Hashmap;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Timestamp;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Publishes image objects of large sizes (e.g. 100 MiB, 10 GiB, 100 GiB) in the embedded store, while the
 * server is stopped, for the clone and snapshot timings of the volumes workload: each image's map cycles
 * through 8 distinct random blocks, so a 100 GiB image costs 32 MiB of blocks and a map of 25,600 entries
 * instead of a 100 GiB upload. A clone or snapshot depends on the map, never on the bytes, so this is what
 * the timing needs (the same shortcut as server/src/test/.../VolumeFlatnessBench). Same order as an
 * upload: blocks, then the map, then the version row. The object is named {@code img-<size>}, e.g.
 * {@code img-10GiB}; its ETag is the hex Merkle root (no MD5 of 100 GiB is computed), which no workload
 * checks.
 *
 * <p>Usage: {@code TesseraImageFill DATA_DIR ACCOUNT CONTAINER SIZES [BLOCK_SIZE]} (SIZES: 100MiB,10GiB)
 */
public final class TesseraImageFill {
    private TesseraImageFill() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TesseraImageFill DATA_DIR ACCOUNT CONTAINER SIZES [BLOCK_SIZE]");
            System.exit(2);
        }
        String account = args[1];
        String container = args[2];
        BlockSize blockSize = new BlockSize(args.length > 4 ? Integer.parseInt(args[4]) : 4 << 20);
        try (EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]), blockSize, Durability.DURABLE, new MetricRegistry())) {
            if (store.metadata().getContainer(account, container).isEmpty()) {
                throw new IllegalStateException("no container " + account + "/" + container + ": create it over HTTP first");
            }
            int bs = blockSize.bytes();
            Random random = new Random(3);
            List<BlockHash> distinct = new ArrayList<>();
            byte[] b = new byte[bs];
            for (int i = 0; i < 8; i++) {
                random.nextBytes(b);
                BlockHash h = BlockHasher.hash(b);
                store.blocks().putIfAbsent(h, b, 0, b.length);
                distinct.add(h);
            }
            for (String s : args[3].split(",")) {
                long size = Sizes.parse(s);
                int blocks = (int) ((size + bs - 1) / bs);
                List<BlockHash> hashes = new ArrayList<>(blocks);
                for (int i = 0; i < blocks; i++) {
                    hashes.add(distinct.get(i % distinct.size()));
                }
                MapId id = new ContentMaps(store).save(new Hashmap(blockSize, size, hashes));
                String name = "img-" + Sizes.label(size);
                store.metadata().putObject(new ObjectVersion(account, container, name, Timestamp.now(), id,
                        id.merkleRoot().toHex(), "application/octet-stream", Map.of()), PutCondition.NONE);
                System.out.println("# image " + account + "/" + container + "/" + name + ": " + size + " bytes, "
                        + blocks + " map entries");
            }
        }
    }
}
