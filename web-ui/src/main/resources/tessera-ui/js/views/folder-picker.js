// The "choose a folder" dialog of move and copy: a text field holding "container/folder/" (type it,
// or browse below it: containers, then folders, one page of each) and OK.
import { h, replace, icon, spinner } from '../dom.js';
import { openDialog } from './dialogs.js';
import { reasonOf } from './toast.js';
import { leaf, parseDestination, destinationText } from './names.js';

const PAGE = 200;

/** Resolves {container, prefix} or null. check(dest) -> message|null refuses a destination. */
export function chooseFolder(ctx, { title, okLabel, container = null, prefix = '', check = () => null }) {
  const list = h('ul', { class: 'picker-list', 'aria-label': 'Folders' });
  const where = h('div', { class: 'picker-where' });
  let field = null;
  let token = 0;

  const browse = async (c, p) => {
    const mine = ++token;
    if (field) field.value = c ? destinationText(c, p) : '';
    const up = c === null ? null : p ? { c, p: p.replace(/[^/]*\/$/, '') } : { c: null, p: '' };
    replace(where,
      up ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', on: { click: () => browse(up.c, up.p) } }, '↑ Up') : null,
      h('span', { class: 'picker-path' }, c ? destinationText(c, p) : 'Containers'));
    replace(list, h('li', { class: 'muted' }, spinner(), 'Loading…'));
    try {
      const rows = [];
      if (c === null) {
        const { items } = await ctx.api.listContainers({ limit: PAGE });
        for (const it of items) if (it.name !== 'trash') rows.push({ label: it.name, c: it.name, p: '', iconName: 'container' });
      } else {
        const { items } = await ctx.api.listObjects(c, { prefix: p, delimiter: '/', limit: PAGE });
        for (const it of items) if (it.kind === 'folder') rows.push({ label: leaf(it.name), c, p: `${it.name}/`, iconName: 'folder' });
      }
      if (mine !== token) return;
      replace(list, rows.length
        ? rows.map((r) => h('li', {}, h('button', { type: 'button', class: 'picker-item', on: { click: () => browse(r.c, r.p) } },
          icon(r.iconName), h('span', {}, r.label))))
        : h('li', { class: 'muted' }, c === null ? 'No containers.' : 'No folders here.'));
    } catch (err) {
      if (mine === token) replace(list, h('li', { class: 'form-error' }, `Cannot list: ${reasonOf(err)}`));
    }
  };

  const promise = openDialog({
    title, okLabel, wide: true,
    input: { label: 'Destination (container/folder/)', value: container ? destinationText(container, prefix) : '' },
    body: [where, list],
    onOk: (value) => {
      const dest = parseDestination(value);
      const problem = check(dest);
      if (problem) throw new Error(problem);
      return dest;
    },
  });
  field = document.querySelector('#dialog [data-test=dialog-input]');
  browse(container, prefix);
  return promise;
}
