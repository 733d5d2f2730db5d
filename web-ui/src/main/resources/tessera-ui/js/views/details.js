// The details panel ([data-test=details]): what the server says of one file, folder or container
// (HEAD), and a preview of images (an <img> of a blob: URL) and text (textContent of a <pre>), and
// nothing else: no user content is ever rendered as a page of this origin.
import { h, replace, icon, spinner } from '../dom.js';
import { reasonOf } from './toast.js';
import { leaf } from './names.js';
import * as format from '../format.js';
import { describe } from '../sharing.js';

const IMAGE_PREVIEW_MAX = 16 * 1048576;
const TEXT_PREVIEW_MAX = 256 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-yaml|yaml|x-sh|toml)|image\/svg\+xml$)/;

export class Details {
  constructor(ctx) {
    this.ctx = ctx;
    this.el = document.getElementById('details');
    this.current = null;     // {account, container, name}
    this.token = 0;
    this.previewUrl = null;
  }

  get isOpen() { return !this.el.hidden; }

  close() {
    this.token++;
    this.current = null;
    this.revoke();
    this.el.hidden = true;
    replace(this.el);
    document.body.classList.remove('details-open');
    this.ctx.onDetailsClosed?.();
  }

  /** Closes the panel when it shows one of these names (they were deleted or moved). */
  closeIf(container, names) {
    if (this.current && this.current.container === container && names.includes(this.current.name)) this.close();
  }

  revoke() {
    if (this.previewUrl) { URL.revokeObjectURL(this.previewUrl); this.previewUrl = null; }
  }

  /** Shows one item: {account|null, container, item}. Actions: {download, share, versions} or null. */
  async show({ account = null, container, item, actions = {} }) {
    const mine = ++this.token;
    this.revoke();
    this.current = { account, container, name: item.name };
    const kind = item.kind;
    const title = kind === 'container' ? item.name : leaf(item.name);
    const closeBtn = h('button', { type: 'button', class: 'btn btn-icon btn-ghost', 'aria-label': 'Close details',
      title: 'Close (Esc)', on: { click: () => this.close() } }, icon('close'));
    this.preview = h('div', { class: 'preview', hidden: true });
    this.fields = h('dl', { class: 'fields' }, h('div', { class: 'muted' }, spinner(), 'Loading…'));
    const buttons = h('div', { class: 'details-actions' },
      actions.download && button('download', 'Download', actions.download),
      actions.share && button('share', 'Share', actions.share),
      actions.versions && button('versions', 'Versions', actions.versions));
    replace(this.el,
      h('div', { class: 'details-head' },
        icon(kind === 'folder' ? 'folder' : kind === 'container' ? 'container' : iconForType(item.contentType)),
        h('h2', { class: 'details-title', title }, title), closeBtn),
      this.preview, buttons, this.fields);
    this.el.hidden = false;
    document.body.classList.add('details-open');
    try {
      if (kind === 'container') await this.showContainer(mine, account, container);
      else if (kind === 'folder') await this.showFolder(mine, account, container, item);
      else await this.showFile(mine, account, container, item);
    } catch (err) {
      if (mine === this.token) replace(this.fields, h('p', { class: 'form-error' }, `Cannot read the details: ${reasonOf(err)}`));
    }
  }

  async showFile(mine, account, container, item) {
    const info = await this.ctx.api.head(container, item.name, { account: account || undefined });
    if (mine !== this.token) return;
    const own = !account;
    const md5Pending = info.etag && info.xHash && info.etag === info.xHash;
    const rows = [
      field('Size', 'detail-size', `${format.bytes(info.bytes)} (${info.bytes.toLocaleString('en-US')} bytes)`),
      field('Type', 'detail-type', info.contentType || '—'),
      field('Modified', 'detail-modified', info.lastModified ? format.date(info.lastModified) : '—'),
      field('MD5', 'detail-md5', md5Pending ? 'being computed (the ETag is the Merkle hash for now)' : (info.etag || '—'), 'mono'),
      field('Merkle hash', 'detail-hash', info.xHash || '—', 'mono'),
      field('Modified by', 'detail-modified-by', info.modifiedBy || '—'),
      field('Versions', 'detail-versions', own ? '…' : 'kept by the owner'),
      field('Sharing', 'detail-sharing', sharingNodes(info, own)),
    ];
    // as text, not a link: the link is served by this same host, and is for others to download
    if (info.publicUrl) rows.push(field('Public link', null, info.publicUrl, 'mono'));
    if (account) rows.push(field('Owner', null, account), field('You may', null, info.allowedTo === 'write' ? 'view and edit' : 'view'));
    replace(this.fields, rows);
    if (own) {
      this.ctx.api.versions(container, item.name).then((v) => {
        if (mine === this.token) this.setField('detail-versions', v.length === 1 ? '1 version' : `${v.length} versions`);
      }, (err) => { if (mine === this.token) this.setField('detail-versions', `unknown (${reasonOf(err)})`); });
    }
    this.loadPreview(mine, account, container, item.name, info);
  }

  async showFolder(mine, account, container, item) {
    let info = null;
    try { info = await this.ctx.api.head(container, item.name, { account: account || undefined }); } catch (err) {
      if (err.status !== 404) throw err;   // a folder that is only a prefix has no object of its own
    }
    if (mine !== this.token) return;
    replace(this.fields, [
      field('Type', 'detail-type', 'folder'),
      field('Modified', 'detail-modified', info?.lastModified ? format.date(info.lastModified) : '—'),
      field('Modified by', 'detail-modified-by', info?.modifiedBy || '—'),
      field('Sharing', 'detail-sharing', info ? sharingNodes(info, !account) : 'not shared'),
      field('Location', null, `${container}/${item.name}/`, 'mono'),
    ]);
  }

  async showContainer(mine, account, container) {
    const info = await this.ctx.api.containerInfo(container);
    if (mine !== this.token) return;
    replace(this.fields, [
      field('Objects', null, (info.count ?? 0).toLocaleString('en-US')),
      field('Size', 'detail-size', format.bytes(info.bytes ?? 0)),
      field('Versioning', 'detail-versions', info.versioning ? `on (${info.versioning})` : 'off'),
      field('Blocks', null, `${format.bytes(info.blockSize)} ${info.blockHash || ''}`.trim()),
    ]);
  }

  setField(test, text) {
    const dd = this.fields.querySelector(`[data-test=${test}]`);
    if (dd) dd.textContent = text;
  }

  async loadPreview(mine, account, container, path, info) {
    const type = (info.contentType || '').toLowerCase();
    const image = type.startsWith('image/') && info.bytes <= IMAGE_PREVIEW_MAX;
    const text = TEXT_TYPES.test(type) && info.bytes <= TEXT_PREVIEW_MAX;
    if (!image && !text) return;
    this.preview.hidden = false;
    replace(this.preview, h('div', { class: 'muted' }, spinner(), 'Preview…'));
    try {
      const blob = await this.ctx.api.download(container, path, { account: account || undefined });
      if (mine !== this.token) return;
      if (image) {
        // a blob: URL of the bytes as an image: an <img> never runs script, whatever the file holds
        this.previewUrl = URL.createObjectURL(new Blob([blob], { type: type === 'image/svg+xml' ? 'image/svg+xml' : type }));
        replace(this.preview, h('img', { src: this.previewUrl, alt: `Preview of ${leaf(path)}`, class: 'preview-img' }));
      } else {
        const content = await blob.text();
        if (mine !== this.token) return;
        replace(this.preview, h('pre', { class: 'preview-text' }, content));
      }
    } catch (err) {
      if (mine === this.token) replace(this.preview, h('p', { class: 'muted' }, `No preview: ${reasonOf(err)}`));
    }
  }
}

function button(iconName, label, onClick) {
  return h('button', { type: 'button', class: 'btn btn-small', on: { click: onClick } }, icon(iconName), h('span', { class: 'btn-label' }, label));
}

function field(label, test, value, cls) {
  return h('div', { class: 'field' }, h('dt', {}, label), h('dd', { 'data-test': test, class: cls }, value));
}

/** What the sharing of an item is: its own entries, or the folder it inherits them from. */
function sharingNodes(info, own) {
  const out = [];
  const s = info.sharing;
  const entries = [...(s?.write || []).map((e) => `${who(e)} can edit`), ...(s?.read || []).filter((e) => !(s?.write || []).includes(e)).map((e) => `${who(e)} can view`)];
  if (info.sharedBy && info.sharedBy !== info.name) out.push(h('span', { class: 'block' }, `Shared through folder “${info.sharedBy}”`));
  if (entries.length) out.push(...entries.map((t) => h('span', { class: 'block' }, t)));
  if (!out.length) out.push(own ? 'not shared' : 'shared with you');
  return out;
}

function who(entry) {
  if (entry === '*') return 'everyone signed in';
  try { return describe(entry) || entry; } catch { return entry; }
}

export function iconForType(type = '') {
  if (type?.startsWith('image/')) return 'image';
  if (type && TEXT_TYPES.test(type)) return 'text';
  return 'file';
}
