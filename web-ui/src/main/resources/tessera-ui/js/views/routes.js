// Where the page is, kept in location.hash so reload, back and a re-sign-in keep the view:
//   #/c                               own containers
//   #/c/<container>/<folder>/.../     a folder of an own container (prefix ends with '/')
//   #/shared                          accounts sharing with me
//   #/shared/<account>[/<container>/<prefix>]
//   #/shared-by-me[/<container>/<prefix>]
//   #/trash[/<prefix>]
//   #/groups
// Each segment is percent-encoded, so any object name (slashes aside, which separate segments)
// makes a route and comes back unchanged. Pure functions: unit-tested under node.

const enc = (s) => encodeURIComponent(s);

function prefixSegments(prefix) {
  if (!prefix) return [];
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return p.split('/');
}

function prefixOf(segments) {
  return segments.length ? `${segments.join('/')}/` : '';
}

function decodeAll(segments) {
  return segments.map((s) => {
    try { return decodeURIComponent(s); } catch { return s; }
  });
}

/** The route of a hash ('#/c/photos/2024/'); anything unknown is the own containers. */
export function parse(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  // drop one trailing '/' (a folder's route ends with it); keep inner empty segments
  const parts = raw === '' ? [] : raw.replace(/\/$/, '').split('/');
  const [head, ...rest] = parts;
  const segs = decodeAll(rest);
  switch (head) {
    case 'c':
      if (!segs.length || segs[0] === '') return { section: 'files', container: null, prefix: '' };
      return { section: 'files', container: segs[0], prefix: prefixOf(segs.slice(1)) };
    case 'shared':
      if (!segs.length || segs[0] === '') return { section: 'shared', account: null, container: null, prefix: '' };
      if (segs.length === 1) return { section: 'shared', account: segs[0], container: null, prefix: '' };
      return { section: 'shared', account: segs[0], container: segs[1], prefix: prefixOf(segs.slice(2)) };
    case 'shared-by-me':
      if (!segs.length || segs[0] === '') return { section: 'shared-by-me', container: null, prefix: '' };
      return { section: 'shared-by-me', container: segs[0], prefix: prefixOf(segs.slice(1)) };
    case 'trash':
      return { section: 'trash', container: 'trash', prefix: prefixOf(segs) };
    case 'groups':
      return { section: 'groups' };
    default:
      return { section: 'files', container: null, prefix: '' };
  }
}

/** The hash of a route (inverse of parse). */
export function toHash(route) {
  const tail = (container, prefix) => (container === null || container === undefined ? ''
    : `/${[container, ...prefixSegments(prefix)].map(enc).join('/')}${prefix ? '/' : ''}`);
  switch (route.section) {
    case 'shared':
      if (!route.account) return '#/shared';
      return `#/shared/${enc(route.account)}${tail(route.container, route.prefix)}`;
    case 'shared-by-me':
      return `#/shared-by-me${tail(route.container, route.prefix)}`;
    case 'trash':
      return `#/trash${route.prefix ? `/${prefixSegments(route.prefix).map(enc).join('/')}/` : ''}`;
    case 'groups':
      return '#/groups';
    default:
      return `#/c${tail(route.container, route.prefix)}`;
  }
}

/** The route of a folder or container inside the same section (for links in listings). */
export function child(route, { container = route.container, prefix }) {
  return { ...route, container, prefix };
}
