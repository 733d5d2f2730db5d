// The page's one client of Tessera's Swift and Pithos APIs (same origin: /auth/v1.0 and /v1/...).
// Every request carries the session's token in X-Auth-Token (never a cookie). A 401 on a signed-in
// request calls onUnauthorized() once for all requests in flight (they wait for the same promise),
// then each is retried once with the new token. Errors are ApiError with the server's reason text.
// Names go into URLs encoded per segment (paths.encodePath) and into X-Copy-From / X-Move-From /
// X-Source-Account the same way (the server decodes them).
import { loadSession, saveSession, clearSession } from './session.js';
import { parseSharing, formatSharing } from './sharing.js';
import { encodePath, splitTrashName, trashName } from './paths.js';

export const TRASH = 'trash';
const EMPTY_BODY = new Uint8Array(0); // a body fetch gives no Content-Type of its own (copies keep theirs)

export class ApiError extends Error {
  constructor(status, reason, { cause } = {}) {
    super(status ? `${status} ${reason}` : reason, cause ? { cause } : undefined);
    this.name = 'ApiError';
    /** HTTP status, or 0 when the server could not be reached */
    this.status = status;
    /** the server's reason: its body text, trimmed (HTML reduced to its text), or the status text */
    this.reason = reason;
  }
}

export class Api {
  #session;
  #reauth = null; // the one pending onUnauthorized() promise
  #trashMade = false;
  #pendingDirs = new Map(); // listing key -> names of directory objects whose subdir may come on a later page

  /** baseUrl: '' for the page (same origin); a server's origin for scripts and tests outside a page. */
  constructor({ onUnauthorized, baseUrl = '' } = {}) {
    this.onUnauthorized = onUnauthorized ?? null;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#session = loadSession();
  }

  // ---------------------------------------------------------------- session

  /** GET /auth/v1.0 with X-Auth-User/X-Auth-Key; saves and returns the session. */
  async signIn(user, key) {
    let res;
    try {
      res = await fetch(`${this.baseUrl}/auth/v1.0`, {
        method: 'GET',
        headers: { 'X-Auth-User': user, 'X-Auth-Key': key },
        cache: 'no-store',
      });
    } catch (e) {
      throw networkError(e);
    }
    if (!res.ok) {
      throw await errorOf(res);
    }
    const token = res.headers.get('X-Auth-Token');
    const storageUrl = res.headers.get('X-Storage-Url');
    if (!token || !storageUrl) {
      throw new ApiError(res.status, 'The server gave no token');
    }
    const ttl = Number(res.headers.get('X-Auth-Token-Expires'));
    const session = {
      user,
      account: accountOf(storageUrl),
      token,
      storageUrl,
      expiresAt: Number.isFinite(ttl) && ttl > 0 ? Date.now() + ttl * 1000 : null,
    };
    saveSession(session);
    this.#session = session;
    this.#trashMade = false;
    return session;
  }

  signOut() {
    clearSession();
    this.#session = null;
    this.#trashMade = false;
    this.#pendingDirs.clear();
  }

  get session() {
    return this.#session;
  }

  /** The own account, e.g. "AUTH_test". */
  get account() {
    return this.#session?.account ?? null;
  }

  // ---------------------------------------------------------------- account

  async accountInfo({ account } = {}) {
    const res = await this.#request('HEAD', this.#url(account));
    const h = res.headers;
    const groups = {};
    for (const [name, value] of h) {
      if (name.toLowerCase().startsWith('x-account-group-')) {
        groups[name.slice('x-account-group-'.length).toLowerCase()] = splitList(value);
      }
    }
    return {
      bytesUsed: int(h.get('X-Account-Bytes-Used')) ?? 0,
      containerCount: int(h.get('X-Account-Container-Count')) ?? 0,
      objectCount: int(h.get('X-Account-Object-Count')) ?? 0,
      physicalBytes: int(h.get('X-Account-Physical-Bytes-Used')),
      dedupSaved: int(h.get('X-Account-Dedup-Bytes-Saved')),
      spaceComputedAt: swiftTime(h.get('X-Account-Space-Computed-At')),
      groups,
    };
  }

  /** One page of containers; `shared` lists the own containers holding something shared. */
  async listContainers({ account, marker, limit = 1000, shared = false, signal } = {}) {
    const q = { format: 'json', limit, marker };
    if (shared) q.shared = '';
    const rows = await this.#json('GET', this.#url(account, null, null, q), { signal });
    return {
      items: rows.map((r) => ({ name: r.name, count: r.count, bytes: r.bytes, last_modified: r.last_modified })),
      next: rows.length >= limit && rows.length > 0 ? rows[rows.length - 1].name : null,
    };
  }

  /**
   * A new container keeps every version of what is written to it (Pithos' auto policy), so the
   * versions dialog has something to restore; the trash container is made the same way.
   */
  async createContainer(name) {
    await this.#request('PUT', this.#url(null, name), {
      headers: { 'X-Container-Policy-Versioning': 'auto' },
      body: EMPTY_BODY,
    });
  }

  async deleteContainer(name) {
    await this.#request('DELETE', this.#url(null, name));
  }

  /** POST ?update with X-Account-Group-<name>: members; an empty list deletes that group. */
  async setGroups(groups) {
    const headers = {};
    for (const [name, members] of Object.entries(groups)) {
      headers[`X-Account-Group-${name}`] = (members ?? []).map((m) => String(m).trim()).filter(Boolean).join(',');
    }
    await this.#request('POST', this.#url(null, null, null, { update: '' }), { headers, body: EMPTY_BODY });
  }

  /** The accounts that share something with me (GET /v1/?format=json). */
  async sharers() {
    const rows = await this.#json('GET', `${this.baseUrl}/v1/?format=json`);
    return rows.map((r) => ({ name: r.name, last_modified: r.last_modified }));
  }

  // ---------------------------------------------------------------- objects

  /**
   * One page of a container's listing. `prefix` is Swift's (a folder's content is 'a/b/'; a filter
   * adds the typed start of a name). A directory object and the subdir of the same name are one folder.
   */
  async listObjects(container, {
    account, prefix = '', delimiter = '/', marker, limit = 500, shared = false, publicOnly = false, signal,
  } = {}) {
    // `meta` (no value) asks for the Pithos fields (modified by, Merkle hash, version): the server adds
    // them to listings with path, shared, public, until or meta, and filters nothing for an empty one.
    const q = { format: 'json', limit, marker, prefix: prefix || undefined, delimiter: delimiter || undefined, meta: '' };
    if (shared) q.shared = '';
    if (publicOnly) q.public = '';
    const rows = await this.#json('GET', this.#url(account, container, null, q), { signal });
    const key = `${account ?? ''}\n${container}\n${prefix}\n${delimiter}`;
    if (!marker) {
      this.#pendingDirs.delete(key);
    }
    const pending = this.#pendingDirs.get(key) ?? new Set();
    const items = [];
    for (const r of rows) {
      if (r.subdir !== undefined) {
        const name = delimiter && r.subdir.endsWith(delimiter) ? r.subdir.slice(0, -delimiter.length) : r.subdir;
        if (pending.delete(name)) {
          continue; // its directory object was already given as the folder
        }
        items.push({ kind: 'folder', name, isDirObject: false });
      } else if (isDirectoryType(r.content_type)) {
        items.push({ kind: 'folder', name: r.name, isDirObject: true });
        pending.add(r.name);
      } else {
        items.push(fileItem(r));
      }
    }
    // What is still pending can only be followed by names that sort between "x" and "x/" (few).
    if (rows.length >= limit && rows.length > 0) {
      this.#pendingDirs.set(key, pending);
    } else {
      this.#pendingDirs.delete(key);
    }
    const last = rows[rows.length - 1];
    return {
      items,
      next: rows.length >= limit && last ? (last.subdir ?? last.name) : null,
    };
  }

  async head(container, path, { account, version } = {}) {
    const res = await this.#request('HEAD', this.#url(account, container, path, { version }));
    const h = res.headers;
    const meta = {};
    for (const [name, value] of h) {
      if (name.toLowerCase().startsWith('x-object-meta-')) {
        meta[name.slice('x-object-meta-'.length)] = value;
      }
    }
    const sharingHeader = h.get('X-Object-Sharing');
    const sharedBy = h.get('X-Object-Shared-By');
    return {
      bytes: int(h.get('Content-Length')) ?? 0,
      contentType: h.get('Content-Type'),
      lastModified: httpDate(h.get('Last-Modified')),
      etag: unquote(h.get('ETag')),
      xHash: h.get('X-Object-Hash'),
      uuid: h.get('X-Object-UUID'),
      version: h.get('X-Object-Version'),
      versionTimestamp: swiftTime(h.get('X-Object-Version-Timestamp')),
      modifiedBy: h.get('X-Object-Modified-By'),
      // own sharing only; inherited sharing is named by sharedBy ("account/container/path" of the folder)
      sharing: sharingHeader && !sharedBy ? parseSharing(sharingHeader) : null,
      inheritedSharing: sharingHeader && sharedBy ? parseSharing(sharingHeader) : null,
      sharedBy: sharedBy ? sharedByPath(sharedBy) : null,
      allowedTo: h.get('X-Object-Allowed-To'),
      publicUrl: publicUrlOf(h.get('X-Object-Public')),
      meta,
    };
  }

  /** The object (or one version) as a Blob; onProgress(bytes received so far). */
  async download(container, path, { account, version, signal, onProgress } = {}) {
    const res = await this.#request('GET', this.#url(account, container, path, { version }), { signal });
    const type = res.headers.get('Content-Type') || 'application/octet-stream';
    if (!onProgress || !res.body) {
      return new Blob([await res.arrayBuffer()], { type });
    }
    const parts = [];
    let received = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      received += value.byteLength;
      onProgress(received);
    }
    return new Blob(parts, { type });
  }

  async createFolder(container, path) {
    await this.#request('PUT', this.#url(null, container, path), {
      headers: { 'Content-Type': 'application/directory' },
      body: EMPTY_BODY,
    });
  }

  /** PUT dst with X-Copy-From (+ X-Source-Account); folder: it and everything under it (?delimiter=/). */
  async copy(src, dst, { folder = false } = {}) {
    const headers = { 'X-Copy-From': sourcePath(src.container, src.path) };
    if (src.account && src.account !== this.account) {
      headers['X-Source-Account'] = encodeURIComponent(src.account);
    }
    await this.#request('PUT', this.#url(null, dst.container, dst.path, folder ? { delimiter: '/' } : {}),
      { headers, body: EMPTY_BODY });
  }

  /** PUT dst with X-Move-From (no block moves); folder: it and everything under it. */
  async move(src, dst, { folder = false } = {}) {
    await this.#request('PUT', this.#url(null, dst.container, dst.path, folder ? { delimiter: '/' } : {}), {
      headers: { 'X-Move-From': sourcePath(src.container, src.path) },
      body: EMPTY_BODY,
    });
  }

  /** DELETE; folder: the folder and everything under it. */
  async remove(container, path, { folder = false } = {}) {
    await this.#request('DELETE', this.#url(null, container, path, folder ? { delimiter: '/' } : {}));
  }

  /** Versions, oldest first. */
  async versions(container, path) {
    const body = await this.#json('GET', this.#url(null, container, path, { version: 'list', format: 'json' }));
    return (body.versions ?? []).map(([id, ts]) => ({ id: String(id), timestamp: new Date(Number(ts) * 1000) }));
  }

  /**
   * The object becomes exactly that version (its bytes and length, also when shorter than the current
   * one): a copy of the object onto itself from that version (X-Source-Version), which takes the
   * version's whole map, as a new version.
   */
  async restoreVersion(container, path, versionId) {
    await this.#request('PUT', this.#url(null, container, path), {
      headers: { 'X-Copy-From': sourcePath(container, path), 'X-Source-Version': String(versionId) },
      body: EMPTY_BODY,
    });
  }

  /** POST ?update X-Object-Sharing (an empty {read, write} unshares). The server's 400 says why. */
  async setSharing(container, path, { read = [], write = [] } = {}) {
    await this.#request('POST', this.#url(null, container, path, { update: '' }), {
      headers: { 'X-Object-Sharing': formatSharing({ read, write }) },
      body: EMPTY_BODY,
    });
  }

  /** Publishes or unpublishes; returns the public URL (or null). */
  async setPublic(container, path, on) {
    await this.#request('POST', this.#url(null, container, path, { update: '' }), {
      headers: { 'X-Object-Public': on ? 'true' : 'false' },
      body: EMPTY_BODY,
    });
    return (await this.head(container, path)).publicUrl;
  }

  async containerInfo(container) {
    const res = await this.#request('HEAD', this.#url(null, container));
    const h = res.headers;
    const policy = h.get('X-Container-Policy-Versioning');
    return {
      blockSize: int(h.get('X-Container-Block-Size')),
      blockHash: (h.get('X-Container-Block-Hash') || '').toLowerCase() || null,
      count: int(h.get('X-Container-Object-Count')) ?? 0,
      bytes: int(h.get('X-Container-Bytes-Used')) ?? 0,
      versioning: policy ? policy.toLowerCase() === 'auto' : /^true$/i.test(h.get('X-Versions-Enabled') || ''),
    };
  }

  // ---------------------------------------------------------------- trash

  /** Moves container/path to trash as "<container>/<path>" (the trash container is made on first use). */
  async trash(container, path, { folder = false } = {}) {
    if (container === TRASH) {
      throw new ApiError(400, 'Already in the trash');
    }
    await this.#ensureTrash();
    await this.move({ container, path }, { container: TRASH, path: trashName(container, path) }, { folder });
  }

  /** Moves a trash entry back to where it came from. */
  async restoreFromTrash(name, { folder = false } = {}) {
    const { container, path } = splitTrashName(name);
    await this.move({ container: TRASH, path: name }, { container, path }, { folder });
  }

  /** Deletes everything in the trash (the container stays). */
  async emptyTrash() {
    try {
      await this.#request('DELETE', this.#url(null, TRASH, null, { delimiter: '/' }));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e; // no trash yet: nothing to empty
    }
  }

  async #ensureTrash() {
    if (!this.#trashMade) {
      await this.createContainer(TRASH); // 201 or 202 (exists): both fine
      this.#trashMade = true;
    }
  }

  // ---------------------------------------------------------------- hashmap upload primitives

  /** PUT ?hashmap: {created: true} when every block is stored, else {missing: [hash]} (409). */
  async putHashmap(container, path, { bytes, hashes, blockSize, blockHash, contentType, signal }) {
    const body = JSON.stringify({ bytes, hashes, block_size: blockSize, block_hash: blockHash });
    const res = await this.#request('PUT', this.#url(null, container, path, { hashmap: '', format: 'json' }), {
      // the request's type is the object's (the server reads the body as JSON whatever it says)
      headers: { 'Content-Type': contentType || 'application/octet-stream' },
      body: new TextEncoder().encode(body),
      signal,
      accept: [409],
    });
    if (res.status === 409) {
      const missing = JSON.parse(await res.text());
      return { missing };
    }
    return { created: true };
  }

  /** POST one block to the container (Pithos' block upload); returns its hash as the server computed it. */
  async postBlock(container, blob, { signal, onProgress } = {}) {
    const res = await this.#request('POST', this.#url(null, container, null, { update: '', format: 'json' }), {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: blob,
      signal,
      onUploadProgress: onProgress,
    });
    const hashes = JSON.parse(await res.text());
    if (!Array.isArray(hashes) || hashes.length !== 1) {
      throw new ApiError(res.status, 'The server answered a block upload with an unexpected list');
    }
    return hashes[0];
  }

  // ---------------------------------------------------------------- plumbing

  /** /v1/<account>[/<container>[/<path>]][?query], every part encoded. */
  #url(account, container, path, query) {
    const acct = account ?? this.account;
    if (!acct) {
      throw new ApiError(401, 'Not signed in');
    }
    let url = `${this.baseUrl}/v1/${encodeURIComponent(acct)}`;
    if (container !== null && container !== undefined) {
      url += `/${encodeURIComponent(container)}`;
      if (path !== null && path !== undefined && path !== '') {
        url += `/${encodePath(path)}`;
      }
    }
    return url + queryString(query);
  }

  async #json(method, url, opts) {
    const res = await this.#request(method, url, opts);
    if (res.status === 204) {
      return [];
    }
    const text = await res.text();
    return text.trim() === '' ? [] : JSON.parse(text);
  }

  /**
   * One request with the token; a 401 re-authenticates (once for all waiting requests) and retries
   * once. Non-2xx (other than opts.accept) become ApiError; an abort is rethrown as the AbortError.
   */
  async #request(method, url, { headers = {}, body, signal, accept = [], onUploadProgress } = {}) {
    for (let attempt = 0; ; attempt++) {
      const token = this.#session?.token;
      if (!token) {
        if (attempt === 0 && this.onUnauthorized) {
          await this.#reauthenticate();
          continue;
        }
        throw new ApiError(401, 'Not signed in');
      }
      const all = { ...headers, 'X-Auth-Token': token };
      let res;
      try {
        res = await send(method, url, all, body, signal, onUploadProgress);
      } catch (e) {
        if (e?.name === 'AbortError' || signal?.aborted) {
          throw signal?.reason ?? e;
        }
        throw networkError(e);
      }
      if (res.status === 401 && attempt === 0 && this.onUnauthorized) {
        await res.body?.cancel?.().catch(() => {});
        await this.#reauthenticate(token);
        continue;
      }
      if (res.ok || accept.includes(res.status)) {
        return res;
      }
      throw await errorOf(res);
    }
  }

  /** Waits for the one pending re-authentication (starting it if none). Rejects with ApiError 401. */
  async #reauthenticate(staleToken) {
    if (staleToken && this.#session && this.#session.token !== staleToken) {
      return; // someone signed in again while this request was out: just retry with the new token
    }
    if (!this.#reauth) {
      this.#reauth = (async () => {
        try {
          await this.onUnauthorized();
        } catch (e) {
          throw e instanceof ApiError ? e : new ApiError(401, 'Sign-in needed', { cause: e });
        } finally {
          this.#reauth = null;
        }
      })();
    }
    await this.#reauth;
    this.#session = loadSession() ?? this.#session; // onUnauthorized signed in (through this Api or not)
  }
}

// ------------------------------------------------------------------ helpers

/** fetch, or XMLHttpRequest when upload progress is wanted (fetch has no upload progress). */
function send(method, url, headers, body, signal, onUploadProgress) {
  if (!onUploadProgress || typeof XMLHttpRequest === 'undefined') {
    return fetch(url, { method, headers, body, signal, cache: 'no-store' });
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers)) {
      xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => onUploadProgress(e.loaded);
    xhr.onload = () => {
      const h = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const i = line.indexOf(':');
        if (i > 0) h.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const nullBody = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
      resolve(new Response(nullBody ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers: h }));
    };
    xhr.onerror = () => reject(new TypeError('Network error'));
    const onAbort = () => xhr.abort();
    xhr.onabort = () => reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
    if (signal) {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      xhr.onloadend = () => signal.removeEventListener('abort', onAbort);
    }
    xhr.send(body);
  });
}

async function errorOf(res) {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // no body to read (HEAD, or the connection broke): the status text says it
  }
  const type = res.headers.get('Content-Type') || '';
  if (/html/i.test(type) || /^\s*</.test(text)) {
    text = htmlToText(text);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return new ApiError(res.status, text || res.statusText || `HTTP ${res.status}`);
}

function networkError(e) {
  return new ApiError(0, 'The server could not be reached', { cause: e });
}

/** The text of a small HTML error page (Swift's are "<html><h1>Not Found</h1><p>...</p></html>"). */
function htmlToText(html) {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function queryString(query) {
  if (!query) return '';
  const parts = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function sourcePath(container, path) {
  return `/${encodeURIComponent(container)}/${encodePath(path)}`;
}

function accountOf(storageUrl) {
  const path = new URL(storageUrl, 'http://x').pathname.replace(/\/+$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

function isDirectoryType(type) {
  const base = String(type || '').split(';')[0].trim().toLowerCase();
  return base === 'application/directory' || base === 'application/folder';
}

function fileItem(r) {
  return {
    kind: 'file',
    name: r.name,
    bytes: r.bytes,
    contentType: r.content_type,
    lastModified: swiftListingDate(r.last_modified),
    md5: r.hash,
    xHash: r.x_object_hash ?? null,
    modifiedBy: r.x_object_modified_by ?? null,
    version: r.x_object_version ?? null,
    sharing: r.x_object_sharing ? parseSharing(r.x_object_sharing) : null,
    allowedTo: r.x_object_allowed_to ?? null,
    publicUrl: publicUrlOf(r.x_object_public),
  };
}

function publicUrlOf(v) {
  return v && /^https?:\/\//i.test(v) ? v : null;
}

/** "AUTH_a/photos/2024" -> {account, container, path} of the folder whose sharing applies. */
function sharedByPath(v) {
  const [account, container, ...rest] = v.split('/');
  return { account, container, path: rest.join('/'), text: v };
}

/** Swift listing dates are UTC without a zone and with microseconds: "2026-12-04T23:19:47.509380". */
function swiftListingDate(s) {
  if (!s) return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,3})?\d*(Z|[+-]\d\d:?\d\d)?$/.exec(s);
  return m ? new Date(`${m[1]}${m[2] ?? ''}${m[3] ?? 'Z'}`) : new Date(s);
}

/** Swift's float seconds ("1796426386.50938") as a Date. */
function swiftTime(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? new Date(n * 1000) : null;
}

function httpDate(v) {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function int(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function splitList(v) {
  return String(v).split(',').map((s) => s.trim()).filter(Boolean);
}

function unquote(v) {
  return v ? v.replace(/^"(.*)"$/, '$1') : v;
}
