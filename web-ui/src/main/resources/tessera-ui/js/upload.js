// Uploads by the Pithos hashmap protocol: hash the file's blocks (in workers, File.slice per block),
// PUT the hashmap; the server creates the object at once when it holds every block (201), or answers
// 409 with the hashes it lacks; those blocks alone are POSTed, a few at a time, and the hashmap is PUT
// again. Only the blocks in flight are ever in memory (parallelBlocks slices, each read by the
// browser as it sends), so a file of any size uploads in bounded memory. The block size and hash are
// the container's (X-Container-Block-Size / -Hash), never assumed.
import { BlockHasher, blockRange } from './hashing.js';
import { ApiError } from './api.js';

let nextId = 1;

export class UploadTask {
  #controller = new AbortController();
  #owner;

  constructor(owner, container, path, file) {
    this.#owner = owner;
    this.id = nextId++;
    this.container = container;
    this.path = path;
    this.name = path.slice(path.lastIndexOf('/') + 1);
    this.file = file;
    this.size = file.size;
    /** 'queued'|'hashing'|'sending'|'done'|'failed'|'cancelled' */
    this.state = 'queued';
    this.hashedBytes = 0;
    this.sentBytes = 0;
    /** bytes of blocks the server already had ("already stored"): not sent */
    this.skippedBytes = 0;
    /** blocks POSTed (0 when everything was already stored) */
    this.sentBlocks = 0;
    this.error = null;
  }

  get signal() {
    return this.#controller.signal;
  }

  /** Whether it is over (done, failed or cancelled). */
  get finished() {
    return this.state === 'done' || this.state === 'failed' || this.state === 'cancelled';
  }

  /** Stops hashing and every request of this upload; nothing is published unless it already was. */
  cancel() {
    if (this.finished) {
      return;
    }
    this.#controller.abort(new DOMException('Upload cancelled', 'AbortError'));
    this.#owner._cancelled(this);
  }
}

export class Uploads extends EventTarget {
  #queue = [];
  #running = 0;
  #tasks = [];
  #containerInfo = new Map(); // container -> Promise of its block size and hash
  #hasher;

  /** hasher: a BlockHasher-like object (tests); by default one BlockHasher for all files. */
  constructor(api, { parallelBlocks = 4, parallelFiles = 2, hasher } = {}) {
    super();
    this.api = api;
    this.parallelBlocks = Math.max(1, parallelBlocks);
    this.parallelFiles = Math.max(1, parallelFiles);
    this.#hasher = hasher ?? null;
  }

  /** Queues file for container/path; it starts when one of parallelFiles slots is free. */
  add(container, path, file) {
    const task = new UploadTask(this, container, path, file);
    this.#tasks.push(task);
    this.#queue.push(task);
    this.#emit(task);
    this.#pump();
    return task;
  }

  /** All tasks, newest last. */
  get tasks() {
    return [...this.#tasks];
  }

  /** Forgets done, failed and cancelled tasks ('change' with detail null says the list changed). */
  clearFinished() {
    this.#tasks = this.#tasks.filter((t) => !t.finished);
    this.dispatchEvent(new CustomEvent('change', { detail: null }));
  }

  /** Ends the hash workers (the page is going away). */
  close() {
    this.#hasher?.close?.();
  }

  _cancelled(task) {
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
    }
    task.state = 'cancelled';
    this.#emit(task);
  }

  #emit(task) {
    this.dispatchEvent(new CustomEvent('change', { detail: task }));
  }

  #pump() {
    while (this.#running < this.parallelFiles && this.#queue.length > 0) {
      const task = this.#queue.shift();
      this.#running++;
      this.#run(task).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  async #run(task) {
    try {
      await this.#upload(task);
      if (task.state !== 'cancelled') {
        task.state = 'done';
        this.#emit(task);
      }
    } catch (e) {
      if (task.state === 'cancelled' || task.signal.aborted) {
        task.state = 'cancelled';
      } else {
        task.state = 'failed';
        task.error = e instanceof ApiError ? e.reason : String(e?.message || e);
        if (e instanceof ApiError && e.status) {
          task.errorStatus = e.status;
        }
      }
      this.#emit(task);
    }
  }

  async #upload(task) {
    const { signal } = task;
    task.state = 'hashing';
    this.#emit(task);
    const { blockSize, blockHash } = await this.#blocksOf(task.container);
    const hashes = await this.#hasherOf().hashFile(task.file, blockSize, {
      signal,
      onBlock: (i, hash, bytes) => {
        task.hashedBytes += bytes;
        this.#emit(task);
      },
    });
    signal.throwIfAborted();
    const map = { bytes: task.size, hashes, blockSize, blockHash, contentType: task.file.type || undefined, signal };
    let answer = await this.api.putHashmap(task.container, task.path, map);
    // Twice at most: blocks are the collector's until a map names them, so a second 409 can only be a
    // race with a collection (or a misbehaving server): send what it names once more, then give up.
    for (let round = 0; answer.missing && round < 2; round++) {
      await this.#send(task, hashes, blockSize, answer.missing, round === 0);
      answer = await this.api.putHashmap(task.container, task.path, map);
    }
    if (answer.missing) {
      throw new Error(`the server still lacks ${answer.missing.length} block(s) after they were sent`);
    }
    if (task.sentBlocks === 0) {
      task.skippedBytes = task.size; // everything was already stored
    }
  }

  /** POSTs the blocks whose hashes the server lacks, parallelBlocks at a time. */
  async #send(task, hashes, blockSize, missing, first) {
    const wanted = new Set(missing.map((h) => String(h).toLowerCase()));
    const blocks = []; // one block index per distinct missing hash (a file may repeat a block)
    for (let i = 0; i < hashes.length && wanted.size > 0; i++) {
      if (wanted.delete(hashes[i])) {
        blocks.push(i);
      }
    }
    if (wanted.size > 0) {
      throw new Error('the server asked for blocks this file does not have');
    }
    if (first) {
      let toSend = 0;
      for (const i of blocks) {
        const { start, end } = blockRange(i, task.size, blockSize);
        toSend += end - start;
      }
      task.skippedBytes = task.size - toSend;
    }
    task.state = 'sending';
    this.#emit(task);
    let next = 0;
    let stop = false; // a failed block stops the other lanes at their next block
    const lane = async () => {
      try {
        await sendBlocks();
      } catch (e) {
        stop = true;
        throw e;
      }
    };
    const sendBlocks = async () => {
      while (!stop && next < blocks.length) {
        task.signal.throwIfAborted();
        const i = blocks[next++];
        const { start, end } = blockRange(i, task.size, blockSize);
        let counted = 0;
        const hash = await this.api.postBlock(task.container, task.file.slice(start, end), {
          signal: task.signal,
          onProgress: (sent) => {
            const now = Math.min(sent, end - start);
            task.sentBytes += now - counted;
            counted = now;
            this.#emit(task);
          },
        });
        task.sentBytes += end - start - counted;
        task.sentBlocks++;
        if (String(hash).toLowerCase() !== hashes[i]) {
          throw new Error(`block ${i} hashed to ${hash} on the server, ${hashes[i]} here`);
        }
        this.#emit(task);
      }
    };
    const lanes = [];
    for (let l = 0; l < Math.min(this.parallelBlocks, blocks.length); l++) {
      lanes.push(lane());
    }
    // All lanes end before this does, so no request of this upload outlives it.
    const results = await Promise.allSettled(lanes);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
  }

  #blocksOf(container) {
    let p = this.#containerInfo.get(container);
    if (!p) {
      p = this.api.containerInfo(container).then((info) => {
        if (!Number.isSafeInteger(info.blockSize) || info.blockSize <= 0) {
          throw new Error('the container gave no block size (X-Container-Block-Size)');
        }
        if (info.blockHash !== 'sha256') {
          throw new Error(`blocks hashed with ${info.blockHash || 'an unnamed hash'} cannot be uploaded from here`);
        }
        return { blockSize: info.blockSize, blockHash: info.blockHash };
      });
      p.catch(() => this.#containerInfo.delete(container)); // asked again next time
      this.#containerInfo.set(container, p);
    }
    return p;
  }

  #hasherOf() {
    this.#hasher ??= new BlockHasher();
    return this.#hasher;
  }
}
