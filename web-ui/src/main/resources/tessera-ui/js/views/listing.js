// The listing: one page at a time from the server, more as the user scrolls (an IntersectionObserver
// on a sentinel below the rows asks for the next marker), never the whole listing. At most `cap`
// rows are kept (DOM and memory bounded); past that the user moves the window on with a button and
// the page says so. Sort by name is the server's order; by size or date it sorts what is loaded, and
// says so. The name filter is a server-side prefix (debounced). Selection: checkboxes, shift-click
// for a range, select-all of the loaded rows.
//
// A source describes what is listed:
//   page({marker, filter, signal}) -> {items, next}   one page (the Api's listing call)
//   row(item) -> {name, kind, label, iconName, size, date, allowed, href, onOpen, actions, draggable, dropTarget}
//   empty(filter) -> nodes for the empty state
//   filterLabel (placeholder of the filter input), selectable (default true)
import { h, replace, icon, spinner, debounce, append } from '../dom.js';
import { reasonOf } from './toast.js';
import * as format from '../format.js';

const MOVE_TYPE = 'application/x-tessera-move';
export const DEFAULT_CAP = 2000;
const count = (n) => n.toLocaleString('en-US');

export class Listing {
  constructor({ source, scrollRoot, cap = DEFAULT_CAP, onSelection = () => {}, onDropMove = null, onRowsChanged = () => {} }) {
    this.source = source;
    this.scrollRoot = scrollRoot;
    this.cap = cap;
    this.onSelection = onSelection;
    this.onDropMove = onDropMove;
    this.onRowsChanged = onRowsChanged;
    this.selectable = source.selectable !== false;
    this.items = [];            // the loaded window, in server order
    this.byName = new Map();    // name -> {item, spec}
    this.selected = new Set();
    this.next = null;
    this.windowStart = 0;       // how many items came before this window
    this.windowMarker = null;   // the marker this window started from
    this.sort = { key: 'name', dir: 1 };
    this.filter = '';
    this.loading = false;
    this.done = false;
    this.error = null;
    this.lastClicked = null;    // index in the displayed order, for shift-click ranges
    this.activeName = null;
    this.build();
  }

  // ---------- structure ----------
  build() {
    this.selectAll = h('input', { type: 'checkbox', class: 'check', 'aria-label': 'Select all loaded items',
      hidden: !this.selectable, on: { click: () => this.toggleAll() } });
    this.sortButtons = {};
    const sortBtn = (key, label, cls) => {
      const b = h('button', { type: 'button', class: ['sort', cls], 'data-test': `sort-${key}`,
        on: { click: () => this.setSort(key) } }, h('span', {}, label), h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }));
      this.sortButtons[key] = b;
      return b;
    };
    this.filterInput = h('input', { type: 'search', class: 'input filter', 'data-test': 'filter',
      placeholder: this.source.filterLabel || 'Filter by name…', 'aria-label': 'Filter: names starting with',
      spellcheck: 'false', autocomplete: 'off',
      on: { input: debounce(() => this.setFilter(this.filterInput.value), 300),
        keydown: (e) => { if (e.key === 'Escape' && this.filterInput.value) { e.stopPropagation(); this.filterInput.value = ''; this.setFilter(''); } } } });
    this.hint = h('p', { class: 'list-hint', role: 'note', hidden: true });
    this.head = h('div', { class: 'list-head' },
      h('div', { class: 'list-tools' },
        h('label', { class: 'filter-wrap' }, icon('search'), this.filterInput),
        this.hint),
      h('div', { class: 'list-columns', role: 'presentation' },
        h('span', { class: 'col-check' }, this.selectAll),
        sortBtn('name', 'Name', 'col-name'),
        sortBtn('size', 'Size', 'col-size'),
        sortBtn('date', 'Modified', 'col-date'),
        h('span', { class: 'col-actions' }, h('span', { class: 'visually-hidden' }, 'Actions'))));
    this.list = h('ul', { class: 'list', 'data-test': 'listing', 'aria-label': 'Items',
      on: { keydown: (e) => this.onKey(e) } });
    this.empty = h('div', { class: 'empty', 'data-test': 'empty', hidden: true });
    this.status = h('div', { class: 'list-status', 'aria-live': 'polite' });
    this.sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
    this.el = h('div', { class: 'listing' }, this.head, this.list, this.empty, this.sentinel, this.status);
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.loadMore();
    }, { root: this.scrollRoot, rootMargin: '600px 0px' });
    this.observer.observe(this.sentinel);
    this.updateSortButtons();
  }

  dispose() {
    this.abort?.abort();
    this.observer.disconnect();
  }

  // ---------- loading ----------
  /** Starts over from the first page (or from the current window's start when keepWindow). */
  async reload({ keepWindow = false } = {}) {
    const focused = this.focusedName();
    if (!keepWindow) { this.windowStart = 0; this.windowMarker = null; }
    this.items = [];
    this.byName.clear();
    this.next = this.windowMarker;
    this.done = false;
    this.error = null;
    this.list.replaceChildren();
    this.empty.hidden = true;
    await this.loadMore({ first: true });
    // keep only what is still there in the selection
    for (const name of [...this.selected]) if (!this.byName.has(name)) this.selected.delete(name);
    this.syncSelection();
    if (focused) this.focusRow(focused);
  }

  async loadMore({ first = false } = {}) {
    if (this.loading || this.done || (!first && this.next === null) || this.error) return;
    if (this.items.length >= this.cap) { this.renderStatus(); return; }
    this.loading = true;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.renderStatus();
    try {
      const { items, next } = await this.source.page({ marker: this.next ?? undefined, filter: this.filter, signal: abort.signal });
      if (abort.signal.aborted) return;
      const start = this.items.length;
      for (const item of items) {
        const spec = this.source.row(item);
        if (this.byName.has(spec.name)) continue;     // a page boundary seen twice
        this.items.push(item);
        this.byName.set(spec.name, { item, spec });
      }
      this.next = next ?? null;
      this.done = this.next === null;
      if (this.sort.key === 'name' && this.sort.dir === 1) this.appendRows(this.items.slice(start));
      else this.renderRows();
    } catch (err) {
      if (err?.name === 'AbortError' || abort.signal.aborted) return;
      this.error = err;
    } finally {
      if (this.abort === abort) {
        this.loading = false;
        this.renderStatus();
        this.renderEmpty();
        this.onRowsChanged();
        if (!this.error) this.fillViewport();
      }
    }
  }

  /** The observer fires on changes only: a short page that leaves the sentinel in sight asks again. */
  fillViewport() {
    if (this.done || this.loading || this.items.length >= this.cap) return;
    requestAnimationFrame(() => {
      const root = this.scrollRoot?.getBoundingClientRect() ?? { bottom: innerHeight };
      if (this.sentinel.getBoundingClientRect().top < root.bottom + 600) this.loadMore();
    });
  }

  /** Moves the window to the next `cap` items (the previous ones are let go). */
  nextWindow() {
    this.windowStart += this.items.length;
    this.windowMarker = this.next;
    this.reload({ keepWindow: true });
    this.scrollRoot?.scrollTo({ top: 0 });
  }

  setFilter(value) {
    if (value === this.filter) return;
    this.filter = value;
    this.reload();
  }

  // ---------- sorting ----------
  setSort(key) {
    if (this.sort.key === key) this.sort.dir = -this.sort.dir;
    else this.sort = { key, dir: key === 'name' ? 1 : -1 };   // newest / largest first
    this.updateSortButtons();
    this.renderRows();
    this.renderStatus();
  }

  updateSortButtons() {
    for (const [key, b] of Object.entries(this.sortButtons)) {
      const on = this.sort.key === key;
      b.classList.toggle('is-sorted', on);
      b.setAttribute('aria-pressed', String(on));
      b.title = key === 'name' ? 'Sort by name (the server’s order)' : `Sort by ${key} (among the loaded items)`;
      b.lastChild.textContent = on ? (this.sort.dir === 1 ? '▲' : '▼') : '';
    }
  }

  displayed() {
    const { key, dir } = this.sort;
    if (key === 'name' && dir === 1) return this.items;
    const specOf = (it) => this.byName.get(this.source.row(it).name)?.spec;
    const val = (it) => {
      const s = specOf(it);
      if (key === 'size') return s?.size ?? -1;
      if (key === 'date') return s?.date ? s.date.getTime() : -1;
      return s?.name ?? '';
    };
    return [...this.items].sort((a, b) => {
      const va = val(a); const vb = val(b);
      return (va < vb ? -1 : va > vb ? 1 : 0) * dir;
    });
  }

  // ---------- rows ----------
  renderRows() {
    const focused = this.focusedName();
    this.list.replaceChildren();
    this.appendRows(this.displayed());
    if (focused) this.focusRow(focused);
  }

  appendRows(items) {
    const frag = document.createDocumentFragment();
    for (const item of items) frag.append(this.rowElement(this.byName.get(this.source.row(item).name).spec));
    this.list.append(frag);
  }

  rowElement(spec) {
    const sel = this.selected.has(spec.name);
    const check = h('input', { type: 'checkbox', class: 'check', 'data-test': 'row-select',
      'aria-label': `Select ${spec.label}`, hidden: !this.selectable, props: { checked: sel },
      on: { click: (e) => this.onCheck(e, spec.name) } });
    const open = spec.href
      ? h('a', { class: 'row-open', 'data-test': 'row-open', href: spec.href, draggable: 'false' }, spec.label)
      : h('button', { type: 'button', class: 'row-open', 'data-test': 'row-open',
        on: { click: () => spec.onOpen?.() } }, spec.label);
    open.title = spec.title || spec.label;
    const actions = (spec.actions || []).filter((a) => !a.hidden).map((a) => h('button', {
      type: 'button', class: ['btn', 'btn-icon', 'btn-ghost', 'row-action', a.danger && 'is-danger'],
      'data-test': a.test, title: a.label, 'aria-label': `${a.label} ${spec.label}`, props: { disabled: !!a.disabled },
      on: { click: (e) => { e.stopPropagation(); a.onClick(); } } }, icon(a.iconName)));
    const li = h('li', {
      class: ['row', sel && 'is-selected', this.activeName === spec.name && 'is-active', spec.kind && `kind-${spec.kind}`],
      'data-test': 'row', dataset: { name: spec.name, kind: spec.kind, allowed: spec.allowed || null },
      draggable: spec.draggable ? 'true' : null,
    },
    h('span', { class: 'col-check' }, check),
    h('span', { class: 'col-name' }, icon(spec.iconName || 'file', 'row-icon'),
      h('span', { class: 'row-text' }, open,
        spec.badges?.length ? h('span', { class: 'badges' }, spec.badges.map((b) => h('span', { class: ['badge', b.cls] , title: b.title || null }, b.text))) : null,
        spec.sub ? h('span', { class: 'row-sub' }, spec.sub) : null)),
    h('span', { class: 'col-size', 'data-test': 'row-size' }, spec.size === null || spec.size === undefined ? (spec.sizeText ?? '—') : format.bytes(spec.size)),
    h('span', { class: 'col-date', 'data-test': 'row-date', title: spec.date ? format.date(spec.date) : null },
      spec.date ? format.relative(spec.date) : (spec.dateText ?? '—')),
    h('span', { class: 'col-actions row-actions' }, actions));
    if (spec.draggable) this.makeDraggable(li, spec);
    if (spec.dropTarget && this.onDropMove) this.makeDropTarget(li, spec.dropTarget);
    return li;
  }

  makeDraggable(li, spec) {
    li.addEventListener('dragstart', (e) => {
      const names = this.selected.has(spec.name) ? [...this.selected] : [spec.name];
      e.dataTransfer.setData(MOVE_TYPE, JSON.stringify(names));
      e.dataTransfer.effectAllowed = 'move';
      li.classList.add('is-dragging');
    });
    li.addEventListener('dragend', () => li.classList.remove('is-dragging'));
  }

  /** A folder row or a breadcrumb that takes dragged rows: they move into target. */
  makeDropTarget(el, target) {
    el.addEventListener('dragover', (e) => {
      if (!e.dataTransfer.types.includes(MOVE_TYPE)) return;
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = 'move';
      el.classList.add('is-drop-target');
    });
    el.addEventListener('dragleave', () => el.classList.remove('is-drop-target'));
    el.addEventListener('drop', (e) => {
      if (!e.dataTransfer.types.includes(MOVE_TYPE)) return;
      e.preventDefault();
      e.stopPropagation();
      el.classList.remove('is-drop-target');
      let names = [];
      try { names = JSON.parse(e.dataTransfer.getData(MOVE_TYPE)); } catch { return; }
      const items = names.map((n) => this.byName.get(n)?.item).filter(Boolean);
      if (items.length) this.onDropMove(items, target);
    });
  }

  static isMoveDrag(e) { return e.dataTransfer?.types.includes(MOVE_TYPE); }

  renderEmpty() {
    const none = this.items.length === 0 && this.done && !this.error && this.windowStart === 0;
    this.empty.hidden = !none;
    this.head.classList.toggle('is-empty', none && !this.filter);
    if (none) replace(this.empty, this.source.empty(this.filter));
  }

  renderStatus() {
    const parts = [];
    const n = this.items.length;
    if (this.loading) {
      parts.push(h('span', { class: 'loading' }, spinner(), n ? 'Loading more…' : 'Loading…'));
    } else if (this.error) {
      parts.push(h('div', { class: 'error-box', role: 'alert' },
        h('span', {}, `Could not load this list: ${reasonOf(this.error)}`),
        h('button', { type: 'button', class: 'btn', on: { click: () => { this.error = null; this.loadMore({ first: this.items.length === 0 }); } } }, 'Retry')));
    } else if (n >= this.cap && this.next !== null) {
      parts.push(h('div', { class: 'cap-bar' },
        h('span', {}, `Showing items ${count(this.windowStart + 1)}–${count(this.windowStart + n)}; at most ${count(this.cap)} are kept on the page at once. Narrow it with the filter, or`),
        h('button', { type: 'button', class: 'btn', on: { click: () => this.nextWindow() } }, `Show the next ${count(this.cap)}`),
        this.windowStart > 0 ? h('button', { type: 'button', class: 'btn btn-ghost', on: { click: () => this.reload() } }, 'Back to the start') : null));
    } else if (n > 0 && this.done) {
      const total = this.windowStart + n;
      parts.push(h('span', { class: 'muted' }, total === 1 ? '1 item' : `${count(total)} items`),
        this.windowStart > 0 ? h('button', { type: 'button', class: 'btn btn-ghost', on: { click: () => this.reload() } }, 'Back to the start') : null);
    }
    replace(this.status, parts);
    const clientSorted = !(this.sort.key === 'name' && this.sort.dir === 1);
    const hint = clientSorted && n > 0
      ? `Sorted by ${this.sort.key === 'date' ? 'date' : this.sort.key} among the ${count(n)} items loaded${this.done ? '' : ' so far'}; the server lists by name.`
      : '';
    this.hint.textContent = hint;
    this.hint.hidden = !hint;
  }

  // ---------- selection ----------
  onCheck(e, name) {
    const order = this.displayed().map((it) => this.source.row(it).name);
    const idx = order.indexOf(name);
    const on = e.target.checked;
    if (e.shiftKey && this.lastClicked !== null && this.lastClicked < order.length) {
      const [a, b] = idx < this.lastClicked ? [idx, this.lastClicked] : [this.lastClicked, idx];
      for (let i = a; i <= b; i++) on ? this.selected.add(order[i]) : this.selected.delete(order[i]);
    } else {
      on ? this.selected.add(name) : this.selected.delete(name);
    }
    this.lastClicked = idx;
    this.syncSelection();
  }

  toggleAll() {
    const all = this.items.length > 0 && this.selected.size === this.items.length;
    this.selected.clear();
    if (!all) for (const { spec } of this.byName.values()) this.selected.add(spec.name);
    this.syncSelection();
  }

  clearSelection() { this.selected.clear(); this.syncSelection(); }

  syncSelection() {
    for (const li of this.list.children) {
      const on = this.selected.has(li.dataset.name);
      li.classList.toggle('is-selected', on);
      const c = li.querySelector('[data-test=row-select]');
      if (c) c.checked = on;
    }
    this.selectAll.checked = this.items.length > 0 && this.selected.size === this.items.length;
    this.selectAll.indeterminate = this.selected.size > 0 && !this.selectAll.checked;
    this.onSelection(this.selectedItems());
  }

  selectedItems() { return [...this.selected].map((n) => this.byName.get(n)?.item).filter(Boolean); }

  /** The selection, or the row that has the focus when nothing is selected (the Delete key). */
  targetItems() {
    const sel = this.selectedItems();
    if (sel.length) return sel;
    const f = this.focusedName();
    const one = f && this.byName.get(f)?.item;
    return one ? [one] : [];
  }

  setActive(name) {
    this.activeName = name;
    for (const li of this.list.children) li.classList.toggle('is-active', li.dataset.name === name);
  }

  // ---------- keyboard ----------
  focusedName() {
    const li = document.activeElement?.closest?.('[data-test=row]');
    return li && this.list.contains(li) ? li.dataset.name : null;
  }

  focusRow(name) {
    for (const li of this.list.children) {
      if (li.dataset.name === name) { li.querySelector('[data-test=row-open]')?.focus(); return; }
    }
  }

  onKey(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const li = e.target.closest('[data-test=row]');
    if (!li) return;
    const to = e.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling;
    if (to) { e.preventDefault(); to.querySelector('[data-test=row-open]')?.focus(); }
  }
}

export { MOVE_TYPE, append };
