// What the rows' and the toolbar's buttons do: each one a call (or a few) of the Api, a dialog
// where something must be chosen or confirmed, and a message saying what happened or, when the
// server refused, its reason. The page hides what the user may not do, but the server decides.
import { h } from '../dom.js';
import { openDialog, confirmDialog, promptName } from './dialogs.js';
import { chooseFolder } from './folder-picker.js';
import { toast, toastError, reasonOf } from './toast.js';
import { leaf, folderOf, copyName, stemLength } from './names.js';

const isFolder = (item) => item.kind === 'folder';
const label = (items) => (items.length === 1 ? `“${leaf(items[0].name)}”` : `${items.length} items`);

/** Runs fn over items a few at a time; returns the failures as [{item, err}]. */
async function eachItem(items, fn, parallel = 4) {
  const failures = [];
  let i = 0;
  const worker = async () => {
    while (i < items.length) {
      const item = items[i++];
      try { await fn(item); } catch (err) { failures.push({ item, err }); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return failures;
}

/** A message for a batch: all done, or how many failed and the first reason. */
function report(verb, items, failures) {
  if (!failures.length) { toast(`${verb} ${label(items)}.`); return; }
  const first = failures[0];
  const done = items.length - failures.length;
  toast(`${verb} ${done} of ${items.length}; “${leaf(first.item.name)}”: ${reasonOf(first.err)}`
    + (failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''), 'error');
}

export class Actions {
  constructor(ctx) { this.ctx = ctx; }
  get api() { return this.ctx.api; }
  changed() { this.ctx.reloadListing(); this.ctx.refreshSpace(); }

  // ---------- download ----------
  /** Fetches the file to a Blob, then hands it to the browser as an attachment (<a download>). */
  async download({ account, container, path, version, name }) {
    const fileName = name || leaf(path);
    toast(`Downloading “${fileName}”…`);
    try {
      let last = 0;
      const blob = await this.api.download(container, path, { account, version, onProgress: (n) => {
        const now = Date.now();
        if (now - last > 500) { last = now; toast(`Downloading “${fileName}”… ${formatMiB(n)}`); }
      } });
      saveBlob(blob, fileName);
      toast(`Downloaded “${fileName}”.`);
    } catch (err) {
      toastError(`Download of “${fileName}”`, err);
    }
  }

  // ---------- organise (own account) ----------
  newContainer() {
    return promptName({ title: 'New container', label: 'Name', okLabel: 'Create',
      action: async (name) => {
        await this.api.createContainer(name);
        toast(`Created container “${name}”.`);
        this.changed();
      } });
  }

  newFolder(container, prefix) {
    return promptName({ title: 'New folder', label: 'Name', okLabel: 'Create',
      action: async (name) => {
        await this.api.createFolder(container, prefix + name);
        toast(`Created folder “${name}”.`);
        this.changed();
      } });
  }

  rename(container, item) {
    const old = leaf(item.name);
    return promptName({ title: `Rename “${old}”`, label: 'New name', value: old, okLabel: 'Rename',
      selectUntil: stemLength(old, isFolder(item)),
      action: async (name) => {
        if (name === old) return;
        const path = folderOf(item.name) + name;
        await this.api.move({ container, path: item.name }, { container, path }, { folder: isFolder(item) });
        toast(`Renamed “${old}” to “${name}”.`);
        this.changed();
      } });
  }

  /** Moves items into a folder chosen in a dialog (or given, for a drop onto a folder). */
  async move(container, items, target = null) {
    const dest = target || await chooseFolder(this.ctx, { title: `Move ${label(items)} to…`, okLabel: 'Move here',
      container, prefix: folderOf(items[0].name), check: (d) => checkDestination(container, items, d) });
    if (!dest) return;
    const problem = checkDestination(container, items, dest);
    if (problem) { toast(problem, 'error'); return; }
    const moving = items.filter((it) => !(dest.container === container && folderOf(it.name) === dest.prefix));
    if (!moving.length) return;
    const failures = await eachItem(moving, (it) => this.api.move({ container, path: it.name },
      { container: dest.container, path: dest.prefix + leaf(it.name) }, { folder: isFolder(it) }));
    report(`Moved to ${dest.container}/${dest.prefix}:`, moving, failures);
    this.changed();
  }

  async copy(src, items) {
    const dest = await chooseFolder(this.ctx, { title: `Copy ${label(items)} to…`, okLabel: 'Copy here',
      container: src.account ? null : src.container, prefix: src.account ? '' : folderOf(items[0].name),
      check: (d) => (src.account ? null : checkDestination(src.container, items, d)) });
    if (!dest) return;
    const failures = await eachItem(items, (it) => {
      const same = !src.account && dest.container === src.container && folderOf(it.name) === dest.prefix;
      const path = same ? copyName(dest.prefix + leaf(it.name), isFolder(it)) : dest.prefix + leaf(it.name);
      return this.api.copy({ container: src.container, path: it.name, account: src.account || undefined },
        { container: dest.container, path }, { folder: isFolder(it) });
    });
    report(`Copied to ${dest.container}/${dest.prefix}:`, items, failures);
    this.changed();
  }

  /** Delete = move to the trash (after a confirmation). */
  async trash(container, items) {
    const ok = await confirmDialog({ title: 'Move to trash', okLabel: 'Move to trash', danger: true,
      message: `Move ${label(items)} to the trash? You can restore ${items.length === 1 ? 'it' : 'them'} from Trash.` });
    if (!ok) return;
    const failures = await eachItem(items, (it) => this.api.trash(container, it.name, { folder: isFolder(it) }));
    report('Moved to the trash:', items, failures);
    this.ctx.details.closeIf(container, items.map((i) => i.name));
    this.changed();
  }

  async deleteContainers(items) {
    const ok = await confirmDialog({ title: 'Delete container', okLabel: 'Delete', danger: true,
      message: `Delete ${items.length === 1 ? `the container “${items[0].name}”` : `${items.length} containers`}? Only an empty container can be deleted.` });
    if (!ok) return;
    const failures = await eachItem(items, (it) => this.api.deleteContainer(it.name));
    report('Deleted', items, failures);
    this.changed();
  }

  // ---------- trash ----------
  async restore(items) {
    const failures = await eachItem(items, (it) => this.api.restoreFromTrash(it.name, { folder: isFolder(it) }));
    report('Restored', items, failures);
    this.changed();
  }

  async deleteForever(items) {
    const ok = await confirmDialog({ title: 'Delete for ever', okLabel: 'Delete for ever', danger: true,
      message: `Delete ${label(items)} for ever? This cannot be undone.` });
    if (!ok) return;
    const failures = await eachItem(items, (it) => this.api.remove('trash', it.name, { folder: isFolder(it) }));
    report('Deleted for ever:', items, failures);
    this.changed();
  }

  async emptyTrash() {
    const ok = await confirmDialog({ title: 'Empty the trash', okLabel: 'Empty trash', danger: true,
      message: 'Delete everything in the trash for ever? This cannot be undone.',
      action: () => this.api.emptyTrash() });
    if (ok) { toast('The trash is empty.'); this.changed(); }
  }
}

/** Why items cannot go to a destination (a folder into itself or below it), or null. */
function checkDestination(container, items, dest) {
  if (!dest.container) return 'Choose a container.';
  if (dest.container !== container) return null;
  for (const it of items) {
    if (isFolder(it) && (dest.prefix === `${it.name}/` || dest.prefix.startsWith(`${it.name}/`))) {
      return `“${leaf(it.name)}” cannot go into itself.`;
    }
  }
  return null;
}

const formatMiB = (n) => `${(n / 1048576).toFixed(1)} MiB`;

/** Saves a Blob as a download: an attachment, never shown in the page's origin. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  // the browser has taken the URL once click() returns; keep it a moment for slow starts
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
