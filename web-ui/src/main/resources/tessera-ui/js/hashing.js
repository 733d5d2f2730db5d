// Block hashing exactly as Pithos (and Tessera's hashmap/BlockHasher.java) does it: a file is cut in
// blocks of the container's block size (X-Container-Block-Size, 4 MiB by default), each block is
// hashed as SHA-256 of its content with the trailing NUL bytes removed. So a short last block hashes
// like the same block zero-padded to full size, and a block of only zeroes hashes to SHA-256("").
// An empty file has no blocks at all: its hashmap is {"bytes": 0, "hashes": []}.
//
// The pure functions here are used by the worker (hash-worker.js) and by the tests; BlockHasher
// spreads the blocks of a File over a few module Web Workers, handing each one a File.slice() (a
// reference, not bytes), so no more than one block per worker is ever in memory.

/** Length of the bytes once the trailing zero bytes are removed. */
export function trimmedLength(uint8) {
  let end = uint8.length;
  // From the end: most blocks end in non-zero data, so this usually stops at once.
  while (end > 0 && uint8[end - 1] === 0) {
    end--;
  }
  return end;
}

/** The Pithos hash (lower-case hex) of one block: SHA-256 of the block without its trailing NULs. */
export async function blockHash(arrayBufferOrView) {
  const bytes = toUint8(arrayBufferOrView);
  const digest = await crypto.subtle.digest('SHA-256', bytes.subarray(0, trimmedLength(bytes)));
  return toHex(new Uint8Array(digest));
}

/** Number of blocks of a file of `size` bytes (0 for an empty file, as the server expects). */
export function blockCount(size, blockSize) {
  checkBlockSize(blockSize);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`invalid file size ${size}`);
  }
  return Math.ceil(size / blockSize);
}

/** Byte range [start, end) of block `index` of a file of `size` bytes; the last one may be short. */
export function blockRange(index, size, blockSize) {
  const start = index * blockSize;
  return { start, end: Math.min(start + blockSize, size) };
}

/** The Pithos object hash (X-Object-Hash): binary Merkle root over the block hashes (MerkleRoot.java). */
export async function merkleRoot(hexHashes) {
  if (hexHashes.length === 0) {
    return blockHash(new Uint8Array(0));
  }
  if (hexHashes.length === 1) {
    return hexHashes[0];
  }
  let width = 2;
  while (width < hexHashes.length) {
    width *= 2;
  }
  let level = [];
  for (let i = 0; i < width; i++) {
    level.push(i < hexHashes.length ? fromHex(hexHashes[i]) : new Uint8Array(32));
  }
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      const pair = new Uint8Array(64);
      pair.set(level[i], 0);
      pair.set(level[i + 1], 32);
      next.push(new Uint8Array(await crypto.subtle.digest('SHA-256', pair)));
    }
    level = next;
  }
  return toHex(level[0]);
}

/** Hash one block of a Blob/File: reads only that slice. The worker's whole job, and the fallback. */
export async function hashSlice(blob) {
  return blockHash(await blob.arrayBuffer());
}

/**
 * Hashes a File's blocks in module Web Workers (js/hash-worker.js), `workers` at a time. Where no
 * Worker exists (Node's tests) it hashes in the calling thread, one block at a time, the same way.
 */
export class BlockHasher {
  constructor({ workers = (globalThis.navigator && navigator.hardwareConcurrency) || 2, createWorker } = {}) {
    this.size = Math.max(1, workers);
    this.createWorker = createWorker || defaultWorkerFactory();
    this.pool = []; // idle workers, made on first use and kept for the next file
    this.closed = false;
  }

  /**
   * @returns the block hashes in order (hex). onBlock(i, hash, bytes) is called as each block is done
   *          (in completion order). signal aborts: the promise rejects with an AbortError.
   */
  async hashFile(file, blockSize, { signal, onBlock } = {}) {
    if (this.closed) {
      throw new Error('BlockHasher is closed');
    }
    const count = blockCount(file.size, blockSize);
    const hashes = new Array(count);
    let next = 0;
    let failure = null;
    const lanes = [];
    const laneCount = Math.min(this.size, count);
    for (let l = 0; l < laneCount; l++) {
      lanes.push((async () => {
        const hasher = this.createWorker ? this.#take() : null;
        try {
          while (failure === null && next < count) {
            signal?.throwIfAborted();
            const i = next++;
            const { start, end } = blockRange(i, file.size, blockSize);
            const slice = file.slice(start, end);
            const hash = hasher ? await hasher.hash(slice, signal) : await hashSlice(slice);
            signal?.throwIfAborted();
            hashes[i] = hash;
            onBlock?.(i, hash, end - start);
          }
        } catch (e) {
          failure ??= e;
          hasher?.terminate(); // it may be mid-block: never reuse it
          return;
        }
        if (hasher) {
          this.#give(hasher);
        }
      })());
    }
    await Promise.all(lanes);
    if (failure !== null) {
      throw failure;
    }
    return hashes;
  }

  /** Ends the workers. */
  close() {
    this.closed = true;
    for (const w of this.pool.splice(0)) {
      w.terminate();
    }
  }

  #take() {
    return this.pool.pop() || new WorkerHasher(this.createWorker());
  }

  #give(hasher) {
    if (this.closed) {
      hasher.terminate();
    } else {
      this.pool.push(hasher);
    }
  }
}

/** One worker, one block at a time: post a Blob slice, get its hash back. */
class WorkerHasher {
  constructor(worker) {
    this.worker = worker;
    this.seq = 0;
  }

  hash(blob, signal) {
    return new Promise((resolve, reject) => {
      const id = ++this.seq;
      const done = () => {
        this.worker.removeEventListener('message', onMessage);
        this.worker.removeEventListener('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (e) => {
        if (e.data?.id !== id) {
          return;
        }
        done();
        if (e.data.error) {
          reject(new Error(e.data.error));
        } else {
          resolve(e.data.hash);
        }
      };
      const onError = (e) => {
        done();
        reject(new Error(`hash worker failed: ${e.message || 'could not start'}`));
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      this.worker.addEventListener('message', onMessage);
      this.worker.addEventListener('error', onError);
      signal?.addEventListener('abort', onAbort);
      this.worker.postMessage({ id, blob });
    });
  }

  terminate() {
    this.worker.terminate();
  }
}

function defaultWorkerFactory() {
  if (typeof Worker === 'undefined') {
    return null;
  }
  const url = new URL('./hash-worker.js', import.meta.url);
  return () => new Worker(url, { type: 'module' });
}

function checkBlockSize(blockSize) {
  if (!Number.isSafeInteger(blockSize) || blockSize <= 0) {
    throw new RangeError(`invalid block size ${blockSize}`);
  }
}

function toUint8(x) {
  if (x instanceof Uint8Array) {
    return x;
  }
  if (ArrayBuffer.isView(x)) {
    return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  }
  return new Uint8Array(x);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function toHex(bytes) {
  let s = '';
  for (const b of bytes) {
    s += HEX[b];
  }
  return s;
}

function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.substr(2 * i, 2), 16);
  }
  return out;
}
