// Object names as paths: "/" separates folders (Swift's delimiter listings). Names are kept exactly
// (no leading slash, no normalising of "//" or spaces): they are the server's, and only the API
// encodes them (per segment) when they go into a URL.

/** Joins name parts with single slashes between them (empty parts are skipped). */
export function join(...parts) {
  return parts
    .filter((p) => p !== undefined && p !== null && p !== '')
    .map((p, i, all) => {
      let s = String(p);
      if (i > 0) s = s.replace(/^\/+/, '');
      if (i < all.length - 1) s = s.replace(/\/+$/, '');
      return s;
    })
    .filter((p) => p !== '')
    .join('/');
}

/** The folder a name is in ('' at the top); a trailing slash (a subdir) is ignored. */
export function parent(name) {
  const n = stripSlash(name);
  const i = n.lastIndexOf('/');
  return i < 0 ? '' : n.slice(0, i);
}

/** The last segment of a name ('a/b/c.txt' -> 'c.txt', 'a/b/' -> 'b'). */
export function basename(name) {
  const n = stripSlash(name);
  return n.slice(n.lastIndexOf('/') + 1);
}

/**
 * The levels from the container list down to the folder shown, for breadcrumbs: the first is the
 * container list ({label: 'Containers', container: null, prefix: ''}), then the container, then one
 * per folder. `prefix` is a listing prefix ('a/b/' shows folder a/b); each level's prefix ends in '/'.
 */
export function breadcrumbs(container, prefix = '') {
  const levels = [{ label: 'Containers', container: null, prefix: '' }];
  if (!container) {
    return levels;
  }
  levels.push({ label: container, container, prefix: '' });
  let acc = '';
  for (const seg of stripSlash(prefix || '').split('/')) {
    if (seg === '' && acc === '' && !prefix) {
      break;
    }
    acc += `${seg}/`;
    levels.push({ label: seg, container, prefix: acc });
  }
  return levels;
}

/** A trash entry's origin: "<container>/<path>" -> {container, path}. */
export function splitTrashName(name) {
  const i = name.indexOf('/');
  if (i <= 0 || i === name.length - 1) {
    throw new Error(`not a trash name: ${name}`);
  }
  return { container: name.slice(0, i), path: name.slice(i + 1) };
}

/** The name of something trashed from container/path. */
export function trashName(container, path) {
  return `${container}/${path}`;
}

/** A name as a URL path: each segment percent-encoded, the slashes kept. */
export function encodePath(name) {
  return String(name).split('/').map(encodeURIComponent).join('/');
}

function stripSlash(name) {
  return String(name ?? '').replace(/\/+$/, '');
}
