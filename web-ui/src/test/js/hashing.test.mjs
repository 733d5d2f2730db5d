// Pithos block hashing: every expected value is computed independently with node:crypto, and one
// file's hashes are the server's own answer (GET ?hashmap of the same bytes uploaded with curl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  blockHash, trimmedLength, blockCount, blockRange, merkleRoot, BlockHasher,
} from '../../main/resources/tessera-ui/js/hashing.js';

const B = 4 << 20;
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** 2 blocks + a short one: a patterned block, a block whose only non-zero byte is its first, 900 bytes then 100 NULs. */
function vectorFile() {
  const buf = new Uint8Array(2 * B + 1000);
  for (let i = 0; i < B; i++) buf[i] = (i * 31 + 7) & 255;
  buf[B] = 0x5a;
  for (let i = 2 * B; i < 2 * B + 900; i++) buf[i] = (i * 13 + 1) & 255;
  return buf;
}

test('trimmedLength strips trailing NULs only', () => {
  assert.equal(trimmedLength(new Uint8Array([])), 0);
  assert.equal(trimmedLength(new Uint8Array([0, 0, 0])), 0);
  assert.equal(trimmedLength(new Uint8Array([1, 0, 0])), 1);
  assert.equal(trimmedLength(new Uint8Array([0, 0, 1])), 3);
  assert.equal(trimmedLength(new Uint8Array([0, 1, 0, 2, 0])), 4);
});

test('blockHash is SHA-256 of the block without its trailing NULs', async () => {
  const firstOnly = new Uint8Array(B);
  firstOnly[0] = 0x5a;
  assert.equal(await blockHash(firstOnly), sha(Buffer.from([0x5a])));
  assert.equal(await blockHash(new Uint8Array(B)), EMPTY); // all-zero block
  assert.equal(await blockHash(new Uint8Array(0)), EMPTY);
  const data = Buffer.from('hello\0\0\0');
  assert.equal(await blockHash(data), sha('hello'));
  assert.equal(await blockHash(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)), sha('hello'));
  // a view into a larger buffer hashes only its own bytes
  const big = new Uint8Array([9, 9, 1, 2, 0, 9]);
  assert.equal(await blockHash(big.subarray(2, 5)), sha(Buffer.from([1, 2])));
  // a short block hashes like the same block zero-padded to full size
  const short = new Uint8Array([1, 2, 3]);
  const padded = new Uint8Array(B);
  padded.set(short);
  assert.equal(await blockHash(short), await blockHash(padded));
});

test('blockCount and blockRange split as the server does (ceil(bytes / block size))', () => {
  assert.equal(blockCount(0, B), 0); // an empty file: hashes []
  assert.equal(blockCount(1, B), 1);
  assert.equal(blockCount(B, B), 1);
  assert.equal(blockCount(B + 1, B), 2);
  assert.equal(blockCount(5 * 2 ** 30, B), 1280); // 5 GiB
  assert.deepEqual(blockRange(0, 2 * B + 1000, B), { start: 0, end: B });
  assert.deepEqual(blockRange(2, 2 * B + 1000, B), { start: 2 * B, end: 2 * B + 1000 });
  assert.deepEqual(blockRange(1279, 5 * 2 ** 30, B), { start: 1279 * B, end: 1280 * B });
  assert.throws(() => blockCount(-1, B), RangeError);
  assert.throws(() => blockCount(10, 0), RangeError);
});

test('BlockHasher.hashFile matches the server\'s own hashmap of the same bytes', async () => {
  const file = new Blob([vectorFile()]);
  const seen = [];
  const hasher = new BlockHasher({ workers: 2 });
  const hashes = await hasher.hashFile(file, B, { onBlock: (i, h, n) => seen.push([i, n]) });
  hasher.close();
  // GET /v1/AUTH_test/vec/vec.bin?hashmap from a Tessera server, the file uploaded by a plain PUT
  assert.deepEqual(hashes, [
    '59f41f46fe52079f24edc303087a25634c91bee7491b53d99695c39c4d934696',
    'bbeebd879e1dff6918546dc0c179fdde505f2a21591c9a9c96e36b054ec5af83',
    '2066b135f02292dd05521584f763164f54bbff472699d39c401bba6abb13dc43',
  ]);
  // and independently
  const buf = vectorFile();
  assert.deepEqual(hashes, [
    sha(buf.subarray(0, trimmedLength(buf.subarray(0, B)))),
    sha(Buffer.from([0x5a])),
    sha(buf.subarray(2 * B, 2 * B + 900)),
  ]);
  assert.deepEqual(seen.sort((a, b) => a[0] - b[0]), [[0, B], [1, B], [2, 1000]]);
  // the object's X-Object-Hash on HEAD
  assert.equal(await merkleRoot(hashes), '45315a074b8c6b1d38e43ed1a9bd331e4cc06fc6b758516895a9ab33fe56e08b');
});

test('hashFile of an empty file is [] and of a zero-filled short file one SHA-256("")', async () => {
  const hasher = new BlockHasher();
  assert.deepEqual(await hasher.hashFile(new Blob([]), B), []); // server: {"bytes": 0, "hashes": []}
  assert.deepEqual(await hasher.hashFile(new Blob([new Uint8Array(5000)]), B), [EMPTY]); // server's answer too
});

test('merkleRoot: none, one, padding to a power of two', async () => {
  assert.equal(await merkleRoot([]), EMPTY);
  const h = (s) => sha(s);
  assert.equal(await merkleRoot([h('a')]), h('a'));
  const pair = (x, y) => createHash('sha256').update(Buffer.from(x, 'hex')).update(Buffer.from(y, 'hex')).digest('hex');
  assert.equal(await merkleRoot([h('a'), h('b')]), pair(h('a'), h('b')));
  const zero = '00'.repeat(32);
  assert.equal(await merkleRoot([h('a'), h('b'), h('c')]), pair(pair(h('a'), h('b')), pair(h('c'), zero)));
});

test('hashFile reads one slice per block (never the whole file) and stops on abort', async () => {
  const sliced = [];
  const fake = {
    size: 10 * B,
    slice(start, end) {
      sliced.push([start, end]);
      return new Blob([new Uint8Array(end - start)]);
    },
    arrayBuffer() { throw new Error('the whole file must never be read'); },
  };
  const hasher = new BlockHasher({ workers: 3 });
  const hashes = await hasher.hashFile(fake, B);
  assert.equal(hashes.length, 10);
  assert.ok(hashes.every((x) => x === EMPTY));
  assert.equal(sliced.length, 10);
  assert.ok(sliced.every(([s, e]) => e - s === B));

  const ac = new AbortController();
  let blocks = 0;
  await assert.rejects(hasher.hashFile(fake, B, {
    signal: ac.signal,
    onBlock: () => { if (++blocks === 2) ac.abort(); },
  }), { name: 'AbortError' });
  assert.ok(blocks < 10);
});

test('hashFile with workers: a fake Worker gets one Blob slice per message', async () => {
  const posted = [];
  class FakeWorker extends EventTarget {
    postMessage({ id, blob }) {
      posted.push(blob.size);
      blob.arrayBuffer().then((b) => blockHash(b)).then((hash) => {
        const e = new Event('message');
        e.data = { id, hash };
        this.dispatchEvent(e);
      });
    }
    terminate() { this.terminated = true; }
  }
  const made = [];
  const hasher = new BlockHasher({ workers: 2, createWorker: () => { const w = new FakeWorker(); made.push(w); return w; } });
  const file = new Blob([vectorFile()]);
  const hashes = await hasher.hashFile(file, B);
  assert.equal(hashes[1], sha(Buffer.from([0x5a])));
  assert.deepEqual(posted.sort((a, b) => a - b), [1000, B, B]);
  await hasher.hashFile(file, B);
  assert.equal(made.length, 2, 'workers are reused for the next file');
  hasher.close();
  assert.ok(made.every((w) => w.terminated));
});
