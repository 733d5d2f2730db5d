// api.js against a fake fetch: the exact requests it sends (methods, per-segment URL encoding,
// headers), one re-sign-in shared by concurrent 401s with one retry each, and the server's reason
// carried by ApiError. No server: the real server is exercised by the browser tests.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';

// A sessionStorage for Node (the page's session module reads globalThis.sessionStorage).
class MemoryStorage {
  #m = new Map();
  getItem(k) { return this.#m.has(k) ? this.#m.get(k) : null; }
  setItem(k, v) { this.#m.set(k, String(v)); }
  removeItem(k) { this.#m.delete(k); }
}

const { Api, ApiError } = await import('../../main/resources/tessera-ui/js/api.js');

let calls;
let answer; // (call) => Response
const realFetch = globalThis.fetch;

beforeEach(() => {
  globalThis.sessionStorage = new MemoryStorage();
  calls = [];
  globalThis.fetch = async (url, init = {}) => {
    const call = { url: String(url), method: init.method ?? 'GET', headers: { ...(init.headers ?? {}) } };
    calls.push(call);
    return answer(call);
  };
});

afterEach(() => {
  globalThis.fetch = realFetch;
  delete globalThis.sessionStorage;
});

function signedInAnswer(token) {
  return new Response(null, {
    status: 200,
    headers: { 'X-Auth-Token': token, 'X-Storage-Url': 'http://h/v1/AUTH_test', 'X-Auth-Token-Expires': '3600' },
  });
}

test('sign-in keeps the session in sessionStorage and names the account', async () => {
  answer = () => signedInAnswer('tok1');
  const api = new Api({ baseUrl: 'http://h' });
  const s = await api.signIn('test:tester', 'testing');
  assert.equal(calls[0].url, 'http://h/auth/v1.0');
  assert.equal(calls[0].headers['X-Auth-User'], 'test:tester');
  assert.equal(calls[0].headers['X-Auth-Key'], 'testing');
  assert.equal(s.account, 'AUTH_test');
  assert.equal(api.account, 'AUTH_test');
  assert.equal(JSON.parse(sessionStorage.getItem('tessera.session')).token, 'tok1');
  assert.equal(new Api({ baseUrl: 'http://h' }).account, 'AUTH_test', 'a new Api (a reload) finds the session');
  api.signOut();
  assert.equal(sessionStorage.getItem('tessera.session'), null);
});

test('names are encoded per segment: slashes separate, everything else is escaped', async () => {
  answer = (c) => (c.url.endsWith('/auth/v1.0') ? signedInAnswer('t') : new Response(null, { status: 204 }));
  const api = new Api({ baseUrl: 'http://h' });
  await api.signIn('u', 'k');
  await api.remove('my docs', 'a #1/b?c/100%/<img src=x onerror=alert(1)>');
  const url = calls[1].url;
  assert.equal(calls[1].method, 'DELETE');
  assert.equal(calls[1].headers['X-Auth-Token'], 't');
  assert.ok(url.startsWith('http://h/v1/AUTH_test/my%20docs/a%20%231/b%3Fc/100%25/'), url);
  assert.ok(!url.includes('<') && !url.includes('#') && !url.includes(' '), url);
});

test('a new container keeps versions (the versions dialog needs them)', async () => {
  answer = (c) => (c.url.endsWith('/auth/v1.0') ? signedInAnswer('t') : new Response(null, { status: 201 }));
  const api = new Api({ baseUrl: 'http://h' });
  await api.signIn('u', 'k');
  await api.createContainer('photos');
  assert.equal(calls[1].method, 'PUT');
  assert.equal(calls[1].url, 'http://h/v1/AUTH_test/photos');
  assert.equal(calls[1].headers['X-Container-Policy-Versioning'], 'auto');
});

test('concurrent 401s share one re-sign-in, and each request is retried once with the new token', async () => {
  let current = 'old';
  answer = (c) => {
    if (c.url.endsWith('/auth/v1.0')) {
      current = 'new';
      return signedInAnswer('new');
    }
    return c.headers['X-Auth-Token'] === current && current === 'new'
      ? new Response(null, { status: 204 })
      : new Response('token expired', { status: 401 });
  };
  let prompts = 0;
  const api = new Api({
    baseUrl: 'http://h',
    onUnauthorized: async () => {
      prompts++;
      await new Promise((r) => setTimeout(r, 20)); // the user types
      await api.signIn('u', 'k');
    },
  });
  await api.signIn('u', 'k');
  prompts = 0;
  current = 'old'; // the server has ended the token the page holds
  await Promise.all([api.remove('c', 'a'), api.remove('c', 'b'), api.remove('c', 'd')]);
  assert.equal(prompts, 1, 'one sign-in for three requests');
  const deletes = calls.filter((c) => c.method === 'DELETE');
  assert.equal(deletes.length, 6, 'three refused, three retried');
  assert.deepEqual(deletes.slice(3).map((c) => c.headers['X-Auth-Token']), ['new', 'new', 'new']);
});

test('a refused request carries the server\'s reason, text or HTML', async () => {
  answer = (c) => {
    if (c.url.endsWith('/auth/v1.0')) return signedInAnswer('t');
    if (c.url.endsWith('/a')) return new Response('Access was denied to this resource.\n', { status: 403 });
    return new Response('<html><h1>Conflict</h1><p>There was a conflict when trying to complete your request.</p></html>',
      { status: 409, headers: { 'Content-Type': 'text/html; charset=UTF-8' } });
  };
  const api = new Api({ baseUrl: 'http://h' });
  await api.signIn('u', 'k');
  await assert.rejects(api.remove('c', 'a'), (e) => e instanceof ApiError && e.status === 403
    && e.reason === 'Access was denied to this resource.');
  await assert.rejects(api.remove('c', 'b'), (e) => e instanceof ApiError && e.status === 409
    && !e.reason.includes('<') && e.reason.includes('conflict'));
});
