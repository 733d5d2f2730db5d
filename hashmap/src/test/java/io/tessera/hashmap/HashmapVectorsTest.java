package io.tessera.hashmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks hashing, the Merkle root and the chunker against vectors made outside this code: constants
 * produced by Python's hashlib with the Pithos algorithm (block.rstrip(b'\0'), BEP-30 style padding),
 * and a second, recursive Merkle implementation written here.
 */
class HashmapVectorsTest {
    private static final BlockSize SMALL = new BlockSize(4096);
    private static final HexFormat HEX = HexFormat.of();

    /** The same test data the Python script generated: 3 full blocks of 4096 and a 100-byte tail. */
    private static byte[] sampleData() {
        byte[] data = new byte[3 * 4096 + 100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ((i * 7 + 3) % 251);
        }
        return data;
    }

    // Computed with: hashlib.sha256(block.rstrip(b'\x00')).hexdigest() for each 4096-byte block.
    private static final List<String> PYTHON_BLOCK_HASHES = List.of(
            "0d356260eaf09e3b3dc81a65b2ad2399aa7c4921c0274bd2cbb54c2a21c46e3b",
            "e112c80a01cdcec89b28aaf66ebdb6560a9e607063e5aefcfcea2caf0e5730e7",
            "9ec55831f4da80aee95659f052176dd0da718b6095e6fcf94b35377972ffc1f2",
            "df7f824d00104181208efbb4fd2cc3f7d6987e07bc6f9ad805d9dae6e7ccf775");
    private static final String PYTHON_MERKLE = "825908f16ac9359c89dbb0ccf9ef438dea654db0868d69cdfc2c105235f217c1";
    private static final String PYTHON_MD5 = "bbeb108da5d76731d2c97d22297857b7";

    @Test
    void allZeroBlockHashesToSha256OfEmptyString() {
        assertThat(BlockHasher.hash(new byte[4096]).toHex())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(BlockHasher.hash(new byte[4096]).isZeroBlock()).isTrue();
        assertThat(BlockHasher.hash(new byte[0])).isEqualTo(BlockHash.ZERO_BLOCK);
    }

    @Test
    void trailingZeroesAreStrippedBeforeHashing() {
        // sha256("abc"), the FIPS 180-2 example.
        String sha256abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertThat(BlockHasher.hash("abc".getBytes()).toHex()).isEqualTo(sha256abc);
        assertThat(BlockHasher.hash(new byte[] {'a', 'b', 'c', 0, 0}).toHex()).isEqualTo(sha256abc);
        // Leading and inner zeroes count.
        assertThat(BlockHasher.hash(new byte[] {0, 'a', 'b', 'c'}).toHex()).isNotEqualTo(sha256abc);
        byte[] padded = Arrays.copyOf("abc".getBytes(), 4096);
        assertThat(BlockHasher.hash(padded, 0, 4096).toHex()).isEqualTo(sha256abc);
    }

    @Test
    void blockHashesMatchPython() throws IOException {
        List<BlockHash> hashes = chunkAndHash(sampleData(), SMALL);
        assertThat(hashes).extracting(BlockHash::toHex).containsExactlyElementsOf(PYTHON_BLOCK_HASHES);
    }

    @Test
    void merkleRootMatchesPythonAndARecursiveReimplementation() throws IOException {
        List<BlockHash> hashes = chunkAndHash(sampleData(), SMALL);
        Hashmap map = new Hashmap(SMALL, sampleData().length, hashes);
        assertThat(map.merkleRoot().toHex()).isEqualTo(PYTHON_MERKLE);

        for (int n = 0; n <= 9; n++) {
            List<BlockHash> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                leaves.add(BlockHasher.hash(new byte[] {(byte) (i + 1)}));
            }
            assertThat(MerkleRoot.of(leaves)).as("%d leaves", n).isEqualTo(recursiveMerkle(leaves));
        }
    }

    @Test
    void merkleRootOfOneBlockIsTheBlockHashAndOfNoneIsSha256Empty() {
        BlockHash h = BlockHasher.hash("x".getBytes());
        assertThat(MerkleRoot.of(List.of(h))).isEqualTo(h);
        assertThat(MerkleRoot.of(List.of())).isEqualTo(BlockHash.ZERO_BLOCK);
    }

    @Test
    void chunkerComputesMd5OfTheWholeStreamAndCutsFixedBlocks() throws IOException {
        byte[] data = sampleData();
        // A stream that returns at most 1000 bytes a read, as a socket does.
        Chunker chunker = new Chunker(new TrickleInputStream(data, 1000), SMALL);
        byte[] buf = new byte[SMALL.bytes()];
        List<Integer> sizes = new ArrayList<>();
        for (int n; (n = chunker.fill(buf)) > 0; ) {
            sizes.add(n);
        }
        assertThat(sizes).containsExactly(4096, 4096, 4096, 100);
        assertThat(chunker.bytesRead()).isEqualTo(data.length);
        assertThat(chunker.md5Hex()).isEqualTo(PYTHON_MD5);
    }

    @Test
    void emptyStreamHasNoBlocks() throws IOException {
        Chunker chunker = new Chunker(new ByteArrayInputStream(new byte[0]), SMALL);
        assertThat(chunker.fill(new byte[SMALL.bytes()])).isZero();
        assertThat(chunker.md5Hex()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void hashmapRejectsAnInconsistentHashCount() {
        BlockHash h = BlockHash.ZERO_BLOCK;
        assertThatThrownBy(() -> new Hashmap(SMALL, 4097, List.of(h)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 2 hashes");
        assertThat(new Hashmap(SMALL, 4097, List.of(h, h)).blockLength(1)).isEqualTo(1);
    }

    @Test
    void blockSizeMustBeAPowerOfTwoInRange() {
        assertThat(BlockSize.DEFAULT.bytes()).isEqualTo(4 * 1024 * 1024);
        assertThatThrownBy(() -> new BlockSize(5000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlockSize(1024)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BlockSize.DEFAULT.blockCount(0)).isZero();
        assertThat(BlockSize.DEFAULT.blockCount(1)).isEqualTo(1);
        assertThat(BlockSize.DEFAULT.blockCount(4L << 20)).isEqualTo(1);
        assertThat(BlockSize.DEFAULT.blockCount((4L << 20) + 1)).isEqualTo(2);
    }

    @Test
    void blockHashParsesAndRejectsHex() {
        BlockHash h = BlockHash.fromHex(PYTHON_MERKLE.toUpperCase());
        assertThat(h.toHex()).isEqualTo(PYTHON_MERKLE);
        assertThatThrownBy(() -> BlockHash.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlockHash.fromHex("z".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<BlockHash> chunkAndHash(byte[] data, BlockSize bs) throws IOException {
        Chunker chunker = new Chunker(new ByteArrayInputStream(data), bs);
        byte[] buf = new byte[bs.bytes()];
        List<BlockHash> out = new ArrayList<>();
        for (int n; (n = chunker.fill(buf)) > 0; ) {
            out.add(BlockHasher.hash(buf, 0, n));
        }
        return out;
    }

    /** Independent Merkle: recursive halves over a power-of-two width padded with zero digests. */
    private static BlockHash recursiveMerkle(List<BlockHash> leaves) {
        if (leaves.isEmpty()) {
            return BlockHash.ZERO_BLOCK;
        }
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int width = Integer.highestOneBit(leaves.size() - 1) << 1;
        byte[][] padded = new byte[width][];
        for (int i = 0; i < width; i++) {
            padded[i] = i < leaves.size() ? leaves.get(i).toBytes() : new byte[32];
        }
        return BlockHash.of(node(padded, 0, width));
    }

    private static byte[] node(byte[][] leaves, int from, int to) {
        if (to - from == 1) {
            return leaves[from];
        }
        int mid = (from + to) / 2;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(node(leaves, from, mid));
            sha.update(node(leaves, mid, to));
            return sha.digest();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final class TrickleInputStream extends InputStream {
        private final byte[] data;
        private final int maxRead;
        private int pos;

        TrickleInputStream(byte[] data, int maxRead) {
            this.data = data;
            this.maxRead = maxRead;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, maxRead), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
