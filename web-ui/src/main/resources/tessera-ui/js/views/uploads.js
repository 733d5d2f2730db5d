// Uploads: the pickers (files, a folder), drag and drop of files and folders onto the listing, and
// the panel of tasks with their progress, "already stored" bytes and a cancel button. The work
// itself (hash the blocks, send the hashmap, then only the missing blocks) is js/upload.js's.
import { h, replace, icon } from '../dom.js';
import { toast, toastError } from './toast.js';
import * as format from '../format.js';

const STATE_TEXT = { queued: 'queued', hashing: 'hashing', sending: 'sending', done: 'done', cancelled: 'cancelled' };

/** The text of [data-test=upload-state] for a task. */
export function stateText(task) {
  if (task.state === 'failed') return `failed: ${task.error || 'unknown error'}`;
  if (task.state === 'done' && task.size > 0 && task.skippedBytes >= task.size) return 'already stored';
  return STATE_TEXT[task.state] || task.state;
}

export class UploadsPanel {
  constructor(ctx, uploads) {
    this.ctx = ctx;
    this.uploads = uploads;
    this.el = document.getElementById('uploads');
    this.rows = new Map();     // task.id -> {li, progress, state, detail, cancel}
    this.collapsed = false;
    this.build();
    uploads.addEventListener('change', (e) => this.update(e.detail));
  }

  build() {
    this.summary = h('span', { class: 'uploads-summary' }, 'Uploads');
    this.toggle = h('button', { type: 'button', class: 'btn btn-icon btn-ghost', 'aria-label': 'Collapse uploads',
      'aria-expanded': 'true', on: { click: () => this.setCollapsed(!this.collapsed) } }, h('span', { class: 'chev', 'aria-hidden': 'true' }, '▾'));
    this.clear = h('button', { type: 'button', class: 'btn btn-ghost btn-small', on: { click: () => this.clearFinished() } }, 'Clear finished');
    this.list = h('ul', { class: 'uploads-list' });
    replace(this.el, h('div', { class: 'uploads-head' }, icon('upload'), this.summary, this.clear, this.toggle), this.list);
  }

  setCollapsed(on) {
    this.collapsed = on;
    this.el.classList.toggle('is-collapsed', on);
    this.toggle.setAttribute('aria-expanded', String(!on));
    this.toggle.setAttribute('aria-label', on ? 'Expand uploads' : 'Collapse uploads');
  }

  clearFinished() {
    this.uploads.clearFinished();
    for (const [id, row] of this.rows) {
      if (!this.uploads.tasks.some((t) => t.id === id)) { row.li.remove(); this.rows.delete(id); }
    }
    this.updateSummary();
  }

  rowFor(task) {
    let row = this.rows.get(task.id);
    if (row) return row;
    const progress = h('progress', { 'data-test': 'upload-progress', max: Math.max(task.size, 1), value: 0,
      'aria-label': `Progress of ${task.path}` });
    const state = h('span', { class: 'upload-state', 'data-test': 'upload-state' });
    const detail = h('span', { class: 'upload-detail muted' });
    const cancel = h('button', { type: 'button', class: 'btn btn-icon btn-ghost', 'data-test': 'upload-cancel',
      title: 'Cancel', 'aria-label': `Cancel ${task.path}`, on: { click: () => task.cancel() } }, icon('close'));
    const li = h('li', { class: 'upload-item', 'data-test': 'upload-item', dataset: { name: task.path } },
      h('div', { class: 'upload-line' }, icon('file'), h('span', { class: 'upload-name', title: `${task.container}/${task.path}` }, task.path), cancel),
      progress,
      h('div', { class: 'upload-line upload-meta' }, state, detail));
    row = { li, progress, state, detail, cancel };
    this.rows.set(task.id, row);
    this.list.append(li);
    this.el.hidden = false;
    return row;
  }

  update(task) {
    const row = this.rowFor(task);
    const size = Math.max(task.size, 1);
    let value = 0;
    if (task.state === 'hashing') value = task.hashedBytes;
    else if (task.state === 'sending') value = task.skippedBytes + task.sentBytes;
    else if (task.state === 'done') value = size;
    else if (task.state === 'failed' || task.state === 'cancelled') value = Number(row.progress.value) || 0;
    row.progress.max = size;
    row.progress.value = Math.min(value, size);
    row.li.dataset.state = task.state;
    row.state.textContent = stateText(task);
    row.detail.textContent = detailText(task);
    row.cancel.hidden = !['queued', 'hashing', 'sending'].includes(task.state);
    this.updateSummary();
    if (task.state === 'done' && !row.reported) { row.reported = true; this.ctx.onUploaded(task); }
    if (task.state === 'failed' && !row.reported) { row.reported = true; toast(`Upload of “${task.path}” failed: ${task.error || 'unknown error'}`, 'error'); }
  }

  updateSummary() {
    const tasks = this.uploads.tasks;
    const active = tasks.filter((t) => ['queued', 'hashing', 'sending'].includes(t.state)).length;
    const done = tasks.filter((t) => t.state === 'done').length;
    this.summary.textContent = active ? `Uploading ${active} of ${tasks.length}` : `Uploads: ${done} of ${tasks.length} done`;
    this.clear.hidden = active === tasks.length;
    if (!tasks.length) this.el.hidden = true;
  }

  // ---------- sources of files ----------
  /** Files from a picker: <input multiple> (relative path = name) or webkitdirectory (webkitRelativePath). */
  async addFiles(fileList, container, prefix) {
    const entries = [...fileList].map((f) => ({ file: f, path: f.webkitRelativePath || f.name }));
    await this.start(entries, container, prefix);
  }

  /**
   * A drop: folders are walked with DataTransferItem.webkitGetAsEntry; where the browser gives no
   * entries (or for plain files), dataTransfer.files. The entries must be taken during the drop event.
   */
  async addDrop(dataTransfer, container, prefix) {
    const roots = [];
    for (const item of dataTransfer.items || []) {
      if (item.kind !== 'file') continue;
      const entry = item.webkitGetAsEntry?.();
      if (entry) roots.push(entry);
    }
    const files = [...(dataTransfer.files || [])];
    let entries;
    if (roots.length) {
      try {
        entries = [];
        const folders = [];
        for (const r of roots) await walk(r, '', entries, folders);
        return this.start(entries, container, prefix, folders);
      } catch (err) {
        toastError('Reading the dropped folder', err);
        return;
      }
    }
    entries = files.map((f) => ({ file: f, path: f.webkitRelativePath || f.name }));
    return this.start(entries, container, prefix);
  }

  /** Makes the folders (parents first), then queues one task per file. */
  async start(entries, container, prefix, extraFolders = []) {
    if (!entries.length && !extraFolders.length) return;
    const folders = new Set(extraFolders);
    for (const { path } of entries) {
      const parts = path.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    }
    const sorted = [...folders].filter(Boolean).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
    try {
      for (const f of sorted) await this.ctx.api.createFolder(container, prefix + f);
    } catch (err) {
      toastError('Making the folders', err);
      return;
    }
    if (sorted.length) this.ctx.onFoldersMade(container, prefix);
    for (const { file, path } of entries) this.uploads.add(container, prefix + path, file);
    if (entries.length) {
      this.setCollapsed(false);
      toast(entries.length === 1 ? `Uploading “${entries[0].path}”…` : `Uploading ${entries.length} files…`);
    }
  }
}

function detailText(task) {
  const size = format.bytes(task.size);
  switch (task.state) {
    case 'hashing': return `${format.bytes(task.hashedBytes)} of ${size} hashed`;
    case 'sending': return `${format.bytes(task.sentBytes)} sent` + (task.skippedBytes ? `, ${format.bytes(task.skippedBytes)} already stored` : '') + ` of ${size}`;
    case 'done': return task.skippedBytes >= task.size && task.size > 0
      ? `${size}, nothing sent`
      : task.skippedBytes ? `${size}, ${format.bytes(task.skippedBytes)} already stored` : size;
    case 'queued': return size;
    default: return '';
  }
}

/** Walks a dropped entry: files to `out` ({file, path}), folder paths to `folders`. */
async function walk(entry, base, out, folders) {
  const path = base ? `${base}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, path });
  } else if (entry.isDirectory) {
    folders.push(path);
    const reader = entry.createReader();
    // readEntries gives a batch at a time (100 in Chromium) until an empty one
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const e of batch) await walk(e, path, out, folders);
    }
  }
}
