// Pithos' X-Object-Sharing value, as the server reads and writes it (swift/sharing/Sharing.java):
// "read=AUTH_bob,AUTH_alice:friends; write=*". An entry is an account, an account's group
// ("AUTH_x:group") or "*" (everyone signed in). An empty value unshares.

/** {read: [], write: []} of a header value (null, '' or garbage parts give empty lists). */
export function parseSharing(headerValue) {
  const out = { read: [], write: [] };
  if (!headerValue) {
    return out;
  }
  for (const part of String(headerValue).split(';')) {
    const p = part.trim();
    const eq = p.indexOf('=');
    if (eq < 0) {
      continue;
    }
    const key = p.slice(0, eq).trim().toLowerCase();
    if (key !== 'read' && key !== 'write') {
      continue;
    }
    out[key] = p.slice(eq + 1).split(',').map((e) => e.trim()).filter((e) => e !== '');
  }
  return out;
}

/** The header value for {read, write}; '' (unshare) when both are empty. Duplicates are dropped. */
export function formatSharing({ read = [], write = [] } = {}) {
  const clean = (list) => [...new Set(list.map((e) => String(e).trim()).filter((e) => e !== ''))];
  const w = clean(write);
  // One in both lists is the server's write only (it drops it from read): say so here too.
  const r = clean(read).filter((e) => e === '*' || !w.some((x) => x.toLowerCase() === e.toLowerCase()));
  const parts = [];
  if (r.length) {
    parts.push(`read=${r.join(',')}`);
  }
  if (w.length) {
    parts.push(`write=${w.join(',')}`);
  }
  return parts.join(';');
}

/**
 * What an entry means: {kind: 'everyone'|'group'|'account', account, group, label}. The label is
 * plain text for the page (rendered with textContent).
 */
export function describe(entry) {
  const e = String(entry).trim();
  if (e === '*') {
    return { kind: 'everyone', account: null, group: null, label: 'Everyone signed in' };
  }
  const colon = e.indexOf(':');
  if (colon > 0) {
    const account = e.slice(0, colon);
    const group = e.slice(colon + 1);
    return { kind: 'group', account, group, label: `Group "${group}" of ${account}` };
  }
  return { kind: 'account', account: e, group: null, label: e };
}
