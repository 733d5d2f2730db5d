// The listing views: own containers and folders, "Shared with me" (accounts, their containers,
// their files with what I may do), "Shared by me" (the own ?shared and ?public listings) and the
// trash. Each is a Listing over one source, a toolbar and breadcrumbs; actions are js/views/actions.js.
import { h, icon, append } from '../dom.js';
import { Listing } from './listing.js';
import { toHash } from './routes.js';
import { leaf, folderOf } from './names.js';
import { openShare } from './share.js';
import { openVersions } from './versions.js';
import { iconForType } from './details.js';
import { toast } from './toast.js';

const OBJECT_PAGE = 500;
const CONTAINER_PAGE = 1000;
const TRASH = 'trash';

/** A listing's date as a Date: Swift's account and container rows give UTC without a zone. */
export function toDate(v) {
  if (!v) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  const s = String(v);
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

const isNotFound = (err) => err?.status === 404;

// ---------------------------------------------------------------- view shell

/** Everything a listing view has: toolbar, crumbs, drop zone around the listing. */
function shell(ctx, { source, toolbar, crumbs, upload = null, onDelete = null, dropMove = null }) {
  const listing = new Listing({
    source, scrollRoot: document.getElementById('view'),
    onSelection: (items) => updateBatch(items.length),
    onDropMove: dropMove,
  });
  const batchButtons = toolbar.filter((b) => b?.dataset?.batch);
  function updateBatch(n) {
    for (const b of batchButtons) {
      b.disabled = n === 0;
      const count = b.querySelector('.btn-count');
      if (count) count.textContent = n ? ` (${n})` : '';
    }
  }
  updateBatch(0);

  const overlay = h('div', { class: 'drop-overlay', 'aria-hidden': 'true' },
    icon('upload'), h('span', {}, upload ? `Drop to upload to ${upload.label}` : 'Open a container to upload into it'));
  const zone = h('div', { class: 'drop-zone', 'data-test': 'drop-zone' }, listing.el, overlay);
  let depth = 0;
  const isFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files') && !Listing.isMoveDrag(e);
  zone.addEventListener('dragenter', (e) => { if (isFiles(e)) { depth++; zone.classList.add('is-dragover'); } });
  zone.addEventListener('dragleave', (e) => { if (isFiles(e) && --depth <= 0) { depth = 0; zone.classList.remove('is-dragover'); } });
  zone.addEventListener('dragover', (e) => { if (isFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = upload ? 'copy' : 'none'; } });
  zone.addEventListener('drop', (e) => {
    if (!isFiles(e) && !(e.dataTransfer?.files?.length && !Listing.isMoveDrag(e))) return;
    e.preventDefault();
    depth = 0;
    zone.classList.remove('is-dragover');
    if (!upload) { toast('Open a container first, then drop the files there.', 'error'); return; }
    ctx.uploadsPanel.addDrop(e.dataTransfer, upload.container, upload.prefix);
  });

  listing.reload();
  return {
    toolbar, crumbs, body: zone, listing, onDelete, upload,
    dispose() { listing.dispose(); },
  };
}

function tbButton({ test, label, iconName, onClick, batch = false, kind = null, title = null }) {
  return h('button', { type: 'button', class: ['btn', kind && `btn-${kind}`], 'data-test': test, title,
    dataset: { batch: batch ? '1' : null }, on: { click: onClick } },
  icon(iconName), h('span', { class: 'btn-label' }, label, batch ? h('span', { class: 'btn-count' }) : null));
}

/** The upload pickers: real file inputs inside labels styled as buttons (keyboard: the input takes focus). */
function uploadPickers(ctx, target) {
  const pick = (folder) => {
    const input = h('input', { type: 'file', class: 'visually-hidden-input', multiple: true,
      'data-test': folder ? 'upload-folder-input' : 'upload-input', webkitdirectory: folder || null,
      disabled: !target, 'aria-label': folder ? 'Upload a folder' : 'Upload files',
      on: { change: () => {
        if (input.files?.length) ctx.uploadsPanel.addFiles(input.files, target.container, target.prefix);
        input.value = '';
      } } });
    return h('label', { class: ['btn', !folder && 'btn-primary', !target && 'is-disabled'],
      title: target ? null : 'Open a container to upload into it' },
    input, icon(folder ? 'folder' : 'upload'), h('span', { class: 'btn-label' }, folder ? 'Upload folder' : 'Upload'));
  };
  return [pick(false), pick(true)];
}

function refreshButton(ctx) {
  return h('button', { type: 'button', class: 'btn btn-icon btn-ghost', title: 'Refresh', 'aria-label': 'Refresh',
    on: { click: () => ctx.reloadListing() } }, icon('refresh'));
}

/** Breadcrumbs: a root, then each level; rows dragged onto one move there (own views). */
function crumbs(ctx, levels, dropFor = null) {
  return levels.map((lvl, i) => {
    const last = i === levels.length - 1;
    const a = h('a', { class: ['crumb', last && 'is-current'], 'data-test': 'breadcrumb', href: toHash(lvl.route),
      'aria-current': last ? 'page' : null }, lvl.label);
    const target = dropFor?.(lvl);
    if (target) ctx.makeDropTarget(a, target);
    return i ? [h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '/'), a] : a;
  });
}

function folderLevels(route, rootLabel, base) {
  const out = [{ label: rootLabel, route: { ...base, container: null, prefix: '' } }];
  if (route.container !== null && route.container !== undefined) {
    if (route.section !== 'trash') out.push({ label: route.container, route: { ...base, container: route.container, prefix: '' }, container: route.container, prefix: '' });
    const segs = route.prefix ? route.prefix.slice(0, -1).split('/') : [];
    segs.forEach((s, i) => {
      const prefix = `${segs.slice(0, i + 1).join('/')}/`;
      out.push({ label: s, route: { ...base, container: route.container, prefix }, container: route.container, prefix });
    });
  }
  return out;
}

function emptyState(iconName, title, text, ...extra) {
  return [icon(iconName, 'empty-icon'), h('p', { class: 'empty-title' }, title), text && h('p', { class: 'muted' }, text), ...extra];
}

// ---------------------------------------------------------------- rows

/** The row of an object of a container. `mode`: own | shared | trash. */
function objectRow(ctx, { item, container, account = null, mode, section, allowed = null }) {
  const folder = item.kind === 'folder';
  const own = mode === 'own';
  const actions = ctx.actions;
  const src = { container, account };
  const one = [item];
  const details = () => ctx.showDetails({ account, container, item });
  const spec = {
    name: item.name,
    kind: item.kind,
    label: section === 'trash' && !item.name.includes('/') ? item.name : leaf(item.name),
    iconName: folder ? 'folder' : iconForType(item.contentType),
    size: folder ? null : item.bytes,
    date: folder ? null : toDate(item.lastModified),
    allowed: mode === 'shared' ? (item.allowedTo || allowed || 'read') : null,
    badges: [],
  };
  if (item.sharing && (item.sharing.read?.length || item.sharing.write?.length)) spec.badges.push({ text: 'shared', cls: 'badge-accent', title: 'Shared with others' });
  if (item.publicUrl) spec.badges.push({ text: 'public link', cls: 'badge-accent' });
  if (mode === 'shared' && spec.allowed) spec.badges.push({ text: spec.allowed === 'write' ? 'can edit' : 'can view', title: 'What you may do' });

  if (folder) spec.href = toHash({ section, account: account || undefined, container: section === 'trash' ? TRASH : container, prefix: `${item.name}/` });
  else spec.onOpen = () => { ctx.listing()?.setActive(item.name); details(); };

  if (mode === 'trash') {
    const top = !item.name.includes('/');
    if (top) spec.sub = `from the container “${item.name}”`;
    spec.actions = [
      { test: 'action-restore', label: 'Restore', iconName: 'restore', hidden: top, onClick: () => actions.restore(one) },
      { test: 'action-download', label: 'Download', iconName: 'download', hidden: folder, onClick: () => actions.download({ container: TRASH, path: item.name }) },
      { test: 'action-details', label: 'Details', iconName: 'details', onClick: details },
      { test: 'action-delete', label: 'Delete for ever', iconName: 'delete', danger: true, onClick: () => actions.deleteForever(one) },
    ];
    return spec;
  }
  spec.draggable = own;
  if (own && folder) spec.dropTarget = { container, prefix: `${item.name}/` };
  spec.actions = [
    { test: 'action-download', label: 'Download', iconName: 'download', hidden: folder, onClick: () => actions.download({ account, container, path: item.name }) },
    { test: 'action-share', label: 'Share', iconName: 'share', hidden: !own, onClick: () => openShare(ctx, { container, item, onChanged: () => ctx.reloadListing({ quiet: true }) }) },
    { test: 'action-rename', label: 'Rename', iconName: 'rename', hidden: !own, onClick: () => actions.rename(container, item) },
    { test: 'action-move', label: 'Move', iconName: 'move', hidden: !own, onClick: () => actions.move(container, one) },
    { test: 'action-copy', label: own ? 'Copy' : 'Copy to my files', iconName: 'copy', onClick: () => actions.copy(src, one) },
    { test: 'action-versions', label: 'Versions', iconName: 'versions', hidden: !own || folder, onClick: () => openVersions(ctx, actions, { container, item, onChanged: () => ctx.reloadListing() }) },
    { test: 'action-details', label: 'Details', iconName: 'details', onClick: details },
    { test: 'action-delete', label: 'Move to trash', iconName: 'delete', hidden: !own, danger: true, onClick: () => actions.trash(container, one) },
  ];
  return spec;
}

// ---------------------------------------------------------------- own files

export function filesView(ctx, route) {
  if (route.container === null) return containersView(ctx, route, { section: 'files' });
  const { container, prefix } = route;
  const upload = { container, prefix, label: `${container}/${prefix}` };
  const source = {
    filterLabel: 'Filter this folder by name…',
    page: ({ marker, filter, signal }) => ctx.api.listObjects(container, { prefix: prefix + filter, delimiter: '/', marker, limit: OBJECT_PAGE, signal }),
    row: (item) => objectRow(ctx, { item, container, mode: 'own', section: 'files' }),
    empty: (filter) => (filter
      ? emptyState('search', `Nothing here starts with “${filter}”`, 'The filter matches the start of names.')
      : emptyState('folder', prefix ? 'This folder is empty' : 'This container is empty', 'Drop files or folders here, or use Upload.')),
  };
  let view = null;
  const toolbar = [
    ...uploadPickers(ctx, upload),
    tbButton({ test: 'new-folder', label: 'New folder', iconName: 'new-folder', onClick: () => ctx.actions.newFolder(container, prefix) }),
    h('span', { class: 'toolbar-sep' }),
    tbButton({ test: 'batch-move', label: 'Move', iconName: 'move', batch: true, onClick: () => ctx.actions.move(container, view.listing.selectedItems()) }),
    tbButton({ test: 'batch-copy', label: 'Copy', iconName: 'copy', batch: true, onClick: () => ctx.actions.copy({ container }, view.listing.selectedItems()) }),
    tbButton({ test: 'batch-delete', label: 'Delete', iconName: 'delete', batch: true, kind: 'danger-ghost', onClick: () => ctx.actions.trash(container, view.listing.selectedItems()) }),
    h('span', { class: 'toolbar-fill' }),
    refreshButton(ctx),
  ];
  const levels = folderLevels(route, 'Files', { section: 'files' });
  view = shell(ctx, {
    source, toolbar, upload,
    crumbs: crumbs(ctx, levels, (lvl) => (lvl.container ? { container: lvl.container, prefix: lvl.prefix } : null)),
    onDelete: (items) => ctx.actions.trash(container, items),
    dropMove: (items, target) => ctx.actions.move(container, items, target),
  });
  view.shows = (c, p) => c === container && p === prefix;
  return view;
}

/** Own containers (Files) or those holding something shared (Shared by me). */
function containersView(ctx, route, { section }) {
  const shared = section === 'shared-by-me';
  const source = {
    filterLabel: 'Filter containers by name…',
    page: async ({ marker, filter, signal }) => {
      // TODO(CORE): a `prefix` option of listContainers would filter on the server; containers are
      // few, so the loaded pages are filtered here meanwhile.
      const { items, next } = await ctx.api.listContainers({ marker, limit: CONTAINER_PAGE, shared, signal });
      return { items: items.filter((c) => c.name !== TRASH && c.name.startsWith(filter)), next };
    },
    row: (c) => ({
      name: c.name, kind: 'container', label: c.name, iconName: 'container',
      size: shared ? null : c.bytes ?? null, date: toDate(c.last_modified),
      sub: shared ? null : `${(c.count ?? 0).toLocaleString('en-US')} object${c.count === 1 ? '' : 's'}`,
      href: toHash({ section, container: c.name, prefix: '' }),
      actions: shared ? [] : [
        { test: 'action-details', label: 'Details', iconName: 'details', onClick: () => ctx.showDetails({ container: c.name, item: { kind: 'container', name: c.name } }) },
        { test: 'action-delete', label: 'Delete container', iconName: 'delete', danger: true, onClick: () => ctx.actions.deleteContainers([{ ...c, kind: 'container' }]) },
      ],
    }),
    empty: (filter) => (filter ? emptyState('search', `No container starts with “${filter}”`)
      : shared ? emptyState('shared-by-me', 'You share nothing yet', 'Use “Share” on a file or folder to let others see it.')
        : emptyState('container', 'No containers yet', 'A container holds your files and folders. Make one to start.',
          h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => ctx.actions.newContainer() } }, icon('plus'), h('span', { class: 'btn-label' }, 'New container')))),
  };
  let view = null;
  const toolbar = shared ? [publicToggle(ctx), h('span', { class: 'toolbar-fill' }), refreshButton(ctx)] : [
    tbButton({ test: 'new-container', label: 'New container', iconName: 'plus', kind: 'primary', onClick: () => ctx.actions.newContainer() }),
    ...uploadPickers(ctx, null),
    h('span', { class: 'toolbar-sep' }),
    tbButton({ test: 'batch-delete', label: 'Delete', iconName: 'delete', batch: true, kind: 'danger-ghost', onClick: () => ctx.actions.deleteContainers(view.listing.selectedItems().map((c) => ({ ...c, kind: 'container' }))) }),
    h('span', { class: 'toolbar-fill' }),
    refreshButton(ctx),
  ];
  view = shell(ctx, {
    source, toolbar,
    crumbs: crumbs(ctx, [{ label: shared ? 'Shared by me' : 'Files', route: { section, container: null, prefix: '' } }]),
    onDelete: shared ? null : (items) => ctx.actions.deleteContainers(items.map((c) => ({ ...c, kind: 'container' }))),
  });
  return view;
}

// ---------------------------------------------------------------- shared by me

let publicOnly = false;   // "Shared by me": the ?shared listing, or the ?public one

function publicToggle(ctx) {
  const seg = (on, label) => h('button', { type: 'button', class: ['seg', publicOnly === on && 'is-on'], 'aria-pressed': String(publicOnly === on),
    on: { click: () => { publicOnly = on; ctx.rerender(); } } }, label);
  return h('div', { class: 'segmented', role: 'group', 'aria-label': 'Show' }, seg(false, 'Shared with people'), seg(true, 'Public links'));
}

export function sharedByMeView(ctx, route) {
  if (route.container === null) return containersView(ctx, route, { section: 'shared-by-me' });
  const { container, prefix } = route;
  const source = {
    filterLabel: 'Filter by name…',
    page: ({ marker, filter, signal }) => ctx.api.listObjects(container, { prefix: prefix + filter, delimiter: '/', marker,
      limit: OBJECT_PAGE, shared: !publicOnly, publicOnly, signal }),
    row: (item) => objectRow(ctx, { item, container, mode: 'own', section: 'shared-by-me' }),
    empty: (filter) => (filter ? emptyState('search', `Nothing shared starts with “${filter}”`)
      : emptyState('shared-by-me', publicOnly ? 'No public links here' : 'Nothing shared here', 'Use “Share” on a file or folder to share it.')),
  };
  let view = null;
  const toolbar = [
    publicToggle(ctx),
    h('span', { class: 'toolbar-sep' }),
    tbButton({ test: 'batch-delete', label: 'Delete', iconName: 'delete', batch: true, kind: 'danger-ghost', onClick: () => ctx.actions.trash(container, view.listing.selectedItems()) }),
    h('span', { class: 'toolbar-fill' }),
    refreshButton(ctx),
  ];
  view = shell(ctx, { source, toolbar, crumbs: crumbs(ctx, folderLevels(route, 'Shared by me', { section: 'shared-by-me' })),
    onDelete: (items) => ctx.actions.trash(container, items) });
  return view;
}

// ---------------------------------------------------------------- shared with me

export function sharedView(ctx, route) {
  const { account, container, prefix } = route;
  const base = { section: 'shared', account };
  const levels = [{ label: 'Shared with me', route: { section: 'shared', account: null, container: null, prefix: '' } }];
  if (account) levels.push({ label: account, route: { ...base, container: null, prefix: '' } });
  if (container) levels.push(...folderLevels(route, '', base).slice(1));
  const toolbar = [h('p', { class: 'toolbar-note' }, account ? `Files ${account} shares with you. What you may do is shown on each.` : 'Accounts that share files or folders with you.'),
    h('span', { class: 'toolbar-fill' }), refreshButton(ctx)];
  let source;
  if (!account) {
    source = {
      selectable: false,
      filterLabel: 'Filter accounts…',
      page: async ({ filter }) => ({ items: (await ctx.api.sharers()).filter((s) => s.name.startsWith(filter)), next: null }),
      row: (s) => ({ name: s.name, kind: 'account', label: s.name, iconName: 'account', size: null, sizeText: '',
        date: toDate(s.last_modified), href: toHash({ ...base, account: s.name, container: null }), actions: [] }),
      empty: (filter) => (filter ? emptyState('search', `No account starts with “${filter}”`)
        : emptyState('shared-with-me', 'Nobody shares with you yet', 'When someone shares a file or folder with you, their account appears here.')),
    };
  } else if (!container) {
    source = {
      selectable: false,
      filterLabel: 'Filter containers…',
      page: async ({ marker, filter, signal }) => {
        const { items, next } = await ctx.api.listContainers({ account, marker, limit: CONTAINER_PAGE, signal });
        return { items: items.filter((c) => c.name.startsWith(filter)), next };
      },
      row: (c) => ({ name: c.name, kind: 'container', label: c.name, iconName: 'container', size: null, sizeText: '',
        date: toDate(c.last_modified), href: toHash({ ...base, container: c.name, prefix: '' }), actions: [] }),
      empty: () => emptyState('shared-with-me', 'Nothing shared here', `${account} shares nothing with you any more.`),
    };
  } else {
    // what I may do in this folder: the folder's own answer (X-Object-Allowed-To), since rows below
    // a shared folder carry none of their own
    let allowed = null;
    const allowedReady = prefix
      ? ctx.api.head(container, prefix.slice(0, -1), { account }).then((i) => { allowed = i.allowedTo || null; }, () => {})
      : Promise.resolve();
    source = {
      filterLabel: 'Filter by name…',
      page: async ({ marker, filter, signal }) => {
        await allowedReady;
        return ctx.api.listObjects(container, { account, prefix: prefix + filter, delimiter: '/', marker, limit: OBJECT_PAGE, signal });
      },
      row: (item) => objectRow(ctx, { item, container, account, mode: 'shared', section: 'shared', allowed }),
      empty: (filter) => (filter ? emptyState('search', `Nothing here starts with “${filter}”`) : emptyState('folder', 'Nothing shared here')),
    };
    toolbar.splice(1, 0, tbButton({ test: 'batch-copy', label: 'Copy to my files', iconName: 'copy', batch: true,
      onClick: () => ctx.actions.copy({ container, account }, ctx.listing().selectedItems()) }));
  }
  return shell(ctx, { source, toolbar, crumbs: crumbs(ctx, levels) });
}

// ---------------------------------------------------------------- trash

export function trashView(ctx, route) {
  const { prefix } = route;
  const source = {
    filterLabel: 'Filter the trash by name…',
    page: async ({ marker, filter, signal }) => {
      try {
        return await ctx.api.listObjects(TRASH, { prefix: prefix + filter, delimiter: '/', marker, limit: OBJECT_PAGE, signal });
      } catch (err) {
        if (isNotFound(err)) return { items: [], next: null };   // no trash yet: made on the first delete
        throw err;
      }
    },
    row: (item) => objectRow(ctx, { item, container: TRASH, mode: 'trash', section: 'trash' }),
    empty: (filter) => (filter ? emptyState('search', `Nothing in the trash starts with “${filter}”`)
      : emptyState('trash', 'The trash is empty', 'What you delete comes here first, and can be restored from here.')),
  };
  let view = null;
  const toolbar = [
    tbButton({ test: 'batch-restore', label: 'Restore', iconName: 'restore', batch: true, onClick: () => ctx.actions.restore(view.listing.selectedItems().filter((i) => i.name.includes('/'))) }),
    tbButton({ test: 'batch-delete', label: 'Delete for ever', iconName: 'delete', batch: true, kind: 'danger-ghost', onClick: () => ctx.actions.deleteForever(view.listing.selectedItems()) }),
    h('span', { class: 'toolbar-sep' }),
    tbButton({ test: 'empty-trash', label: 'Empty trash', iconName: 'trash', kind: 'danger', onClick: () => ctx.actions.emptyTrash() }),
    h('span', { class: 'toolbar-fill' }),
    refreshButton(ctx),
  ];
  const levels = [{ label: 'Trash', route: { section: 'trash', prefix: '' } }];
  const segs = prefix ? prefix.slice(0, -1).split('/') : [];
  segs.forEach((s, i) => levels.push({ label: s, route: { section: 'trash', prefix: `${segs.slice(0, i + 1).join('/')}/` } }));
  view = shell(ctx, { source, toolbar, crumbs: crumbs(ctx, levels), onDelete: (items) => ctx.actions.deleteForever(items) });
  view.shows = (c) => c === TRASH;
  return view;
}

export { append, folderOf };
