// The page: sign-in, the frame (header with who and how much space, navigation, toolbar,
// breadcrumbs, listing, details), the route in location.hash, and the keys that work everywhere.
// Views are js/views/*.js; everything that talks to the server is the Api (js/api.js).
import { Api } from './api.js';
import { Uploads } from './upload.js';
import * as format from './format.js';
import { h, replace, debounce } from './dom.js';
import { SignIn } from './views/signin.js';
import { parse } from './views/routes.js';
import { toast, toastError } from './views/toast.js';
import { dialogOpen, closeDialog } from './views/dialogs.js';
import { Actions } from './views/actions.js';
import { Details } from './views/details.js';
import { UploadsPanel } from './views/uploads.js';
import { Listing } from './views/listing.js';
import { filesView, sharedView, sharedByMeView, trashView } from './views/files.js';
import { groupsView } from './views/groups.js';
import { folderOf } from './views/names.js';

const $ = (id) => document.getElementById(id);

let api = null;
let signin = null;
let current = null;      // the mounted view: {toolbar, crumbs, body, listing, dispose, onDelete, shows}
let route = null;

const ctx = {
  get api() { return api; },
  actions: null,
  details: null,
  uploads: null,
  uploadsPanel: null,
  listing: () => current?.listing || null,
  reloadListing: () => current?.listing?.reload({ keepWindow: true }),
  rerender: () => render(),
  refreshSpace: debounce(() => refreshSpace(), 400),
  showDetails: (what) => ctx.details.show({ ...what, actions: detailActions(what) }),
  onDetailsClosed: () => current?.listing?.setActive(null),
  makeDropTarget: (el, target) => current?.listing?.makeDropTarget(el, target),
  onUploaded: (task) => { reloadIfShowing(task.container, folderOf(task.path)); ctx.refreshSpace(); },
  onFoldersMade: (container, prefix) => reloadIfShowing(container, prefix),
};

// ---------------------------------------------------------------- start

function boot() {
  signin = new SignIn({ signIn: (user, key) => api.signIn(user, key) });
  api = new Api({ onUnauthorized: () => reauth() });
  if (api.session) start();
  else signin.showPage(() => start());
}

/**
 * A 401 on a request: the sign-in form over the current view. When the same user signs in the Api
 * retries and the view carries on; another user gets a fresh page (nothing of the first one stays).
 */
async function reauth() {
  const before = api.session?.user || null;
  const session = await signin.overlay(before);
  if (before && session?.user !== before) {
    location.hash = '#/c';
    location.reload();
  }
}

function start() {
  $('app').hidden = false;
  const who = document.querySelector('[data-test=whoami]');
  who.textContent = api.session.user;
  who.title = `Account ${api.account}`;
  ctx.actions = new Actions(ctx);
  ctx.details = new Details(ctx);
  ctx.uploads = new Uploads(api, { parallelBlocks: 4, parallelFiles: 2 });
  ctx.uploadsPanel = new UploadsPanel(ctx, ctx.uploads);
  $('signout').addEventListener('click', signOut);
  wireNavigation();
  wireKeys();
  window.addEventListener('hashchange', () => render());
  window.addEventListener('beforeunload', (e) => {
    if (ctx.uploads.tasks.some((t) => ['queued', 'hashing', 'sending'].includes(t.state))) e.preventDefault();
  });
  // a drop outside the listing must not make the browser open the file in place of the page
  window.addEventListener('dragover', (e) => { if (!e.defaultPrevented) { e.preventDefault(); e.dataTransfer.dropEffect = 'none'; } });
  window.addEventListener('drop', (e) => { if (!e.defaultPrevented) e.preventDefault(); });
  refreshSpace();
  render();
}

function signOut() {
  const active = ctx.uploads.tasks.filter((t) => ['queued', 'hashing', 'sending'].includes(t.state));
  for (const t of active) t.cancel();
  api.signOut();
  location.hash = '';
  location.reload();
}

// ---------------------------------------------------------------- header

async function refreshSpace() {
  try {
    const info = await api.accountInfo();
    $('space').querySelector('[data-test=space-used]').textContent = `${format.bytes(info.bytesUsed)} used`;
    const saved = $('space').querySelector('[data-test=space-saved]');
    if (info.dedupSaved === null || info.dedupSaved === undefined) {
      saved.textContent = 'dedup saved: not counted yet';
      saved.title = 'The physical space of the account is counted in the background';
    } else {
      saved.textContent = `${format.bytes(info.dedupSaved)} saved by dedup`;
      saved.title = info.physicalBytes !== null && info.physicalBytes !== undefined
        ? `${format.bytes(info.physicalBytes)} stored for ${format.bytes(info.bytesUsed)} of files${info.spaceComputedAt ? `, counted ${format.relative(info.spaceComputedAt)}` : ''}`
        : '';
    }
  } catch (err) {
    if (err.status !== 401) $('space').querySelector('[data-test=space-used]').textContent = 'space unknown';
  }
}

// ---------------------------------------------------------------- routing

function render() {
  route = parse(location.hash);
  current?.dispose();
  current = null;
  if (dialogOpen() && !$('reauth').open) closeDialog(null);
  ctx.details.close();
  for (const a of document.querySelectorAll('.nav-link')) {
    const on = a.dataset.section === route.section;
    a.classList.toggle('is-active', on);
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  setNavOpen(false);
  const make = { files: filesView, shared: sharedView, 'shared-by-me': sharedByMeView, trash: trashView, groups: groupsView }[route.section] || filesView;
  try {
    current = make(ctx, route);
  } catch (err) {
    toastError('Opening this view', err);
    return;
  }
  replace($('toolbar'), current.toolbar);
  replace($('crumbs'), current.crumbs);
  replace($('view'), current.body);
  $('view').scrollTop = 0;
  document.title = `${titleOf(route)} · Tessera`;
}

function titleOf(r) {
  switch (r.section) {
    case 'shared': return r.account ? `${r.account}${r.container ? ` / ${r.container}/${r.prefix}` : ''}` : 'Shared with me';
    case 'shared-by-me': return r.container ? `Shared by me / ${r.container}` : 'Shared by me';
    case 'trash': return 'Trash';
    case 'groups': return 'Groups';
    default: return r.container ? `${r.container}/${r.prefix}` : 'Files';
  }
}

const reloadSoon = debounce(() => current?.listing?.reload({ keepWindow: true }), 700);
function reloadIfShowing(container, prefix) {
  if (!current?.shows) return;
  // a file in a folder below the one shown changes the shown one too (a new folder row)
  if (current.shows(container, prefix) || (route.container === container && prefix.startsWith(route.prefix || ''))) reloadSoon();
}

/** The details panel's buttons for a file (own or shared), folder or container. */
function detailActions({ account = null, container, item }) {
  if (item.kind !== 'file' || route.section === 'trash') return {};
  const own = !account;
  return {
    download: () => ctx.actions.download({ account, container, path: item.name }),
    share: own ? () => import('./views/share.js').then((m) => m.openShare(ctx, { container, item, onChanged: () => ctx.details.show({ account, container, item, actions: detailActions({ account, container, item }) }) })) : null,
    versions: own ? () => import('./views/versions.js').then((m) => m.openVersions(ctx, ctx.actions, { container, item, onChanged: () => ctx.reloadListing() })) : null,
  };
}

// ---------------------------------------------------------------- navigation drawer (phones)

function setNavOpen(on) {
  document.body.classList.toggle('nav-open', on);
  $('menu-button').setAttribute('aria-expanded', String(on));
  $('nav-backdrop').hidden = !on;
}

function wireNavigation() {
  $('menu-button').addEventListener('click', () => setNavOpen(!document.body.classList.contains('nav-open')));
  $('nav-backdrop').addEventListener('click', () => setNavOpen(false));
  // a nav link to the view already shown still starts it over (and closes the drawer)
  for (const a of document.querySelectorAll('.nav-link')) {
    a.addEventListener('click', () => { if (a.getAttribute('href') === location.hash) render(); });
  }
}

// ---------------------------------------------------------------- keys

const editable = (el) => el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

function wireKeys() {
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || dialogOpen()) return;   // a <dialog> handles its own Escape
    if (e.key === 'Escape') {
      if (document.body.classList.contains('nav-open')) { setNavOpen(false); $('menu-button').focus(); return; }
      if (ctx.details.isOpen) { ctx.details.close(); return; }
      if (current?.listing?.selected.size) current.listing.clearSelection();
      return;
    }
    if (editable(e.target) && e.target.type !== 'checkbox') return;
    if ((e.key === 'Delete' || (e.key === 'Backspace' && e.metaKey)) && current?.onDelete && current.listing) {
      const items = current.listing.targetItems();
      if (items.length) { e.preventDefault(); current.onDelete(items); }
    } else if (e.key === '/' && current?.listing) {
      e.preventDefault();
      current.listing.filterInput.focus();
    }
  });
}

// A stray rejection is a bug of the page; say so rather than fail silently.
window.addEventListener('unhandledrejection', (e) => {
  if (e.reason?.name === 'AbortError') { e.preventDefault(); return; }
  if (e.reason?.status === 401) { e.preventDefault(); return; }
  toast(`Something went wrong: ${e.reason?.reason || e.reason?.message || e.reason}`, 'error');
});

export { Listing, toast, h };
boot();
