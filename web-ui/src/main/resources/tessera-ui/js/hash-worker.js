// A module Web Worker that hashes one block at a time for BlockHasher (hashing.js). It receives
// {id, blob} where blob is a File.slice() of one block (no bytes cross the thread boundary; the
// worker reads the slice itself) and answers {id, hash} or {id, error}. All logic is in hashing.js.
import { hashSlice } from './hashing.js';

self.addEventListener('message', async (e) => {
  const { id, blob } = e.data;
  try {
    self.postMessage({ id, hash: await hashSlice(blob) });
  } catch (err) {
    self.postMessage({ id, error: String(err?.message || err) });
  }
});
