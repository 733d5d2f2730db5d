// The signed-in session: {user, account, token, storageUrl, expiresAt} in sessionStorage only (never a
// cookie, so no request is ever authenticated by the browser on its own: no CSRF; never localStorage,
// so the token ends with the tab).
const KEY = 'tessera.session';

function storage() {
  return globalThis.sessionStorage ?? null;
}

/** The saved session, or null when there is none (or it cannot be read). */
export function loadSession() {
  try {
    const text = storage()?.getItem(KEY);
    if (!text) {
      return null;
    }
    const s = JSON.parse(text);
    return s && typeof s.token === 'string' && typeof s.storageUrl === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s) {
  storage()?.setItem(KEY, JSON.stringify(s));
}

export function clearSession() {
  storage()?.removeItem(KEY);
}
