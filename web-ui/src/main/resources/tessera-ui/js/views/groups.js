// Groups of the own account (X-Account-Group-<name>): named lists of accounts to share with as
// "AUTH_me:name". A group with no members does not exist on the server, so a new one is a row to
// fill in and save.
import { h, replace, icon, spinner } from '../dom.js';
import { promptName, confirmDialog } from './dialogs.js';
import { toast, toastError, reasonOf } from './toast.js';

const parseMembers = (text) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

export function groupsView(ctx) {
  const api = ctx.api;
  const list = h('ul', { class: 'groups', 'aria-label': 'Groups' });
  const body = h('div', { class: 'groups-view' },
    h('p', { class: 'lead' }, 'A group is a list of accounts. Share a file or folder with a group as ',
      h('code', {}, `${api.account}:<group>`), ', and everyone in it gets what you chose.'),
    list);
  let groups = {};
  const fresh = new Set();   // names added here and not saved yet

  const newBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'group-new',
    on: { click: () => promptName({ title: 'New group', label: 'Group name', okLabel: 'Add',
      action: (name) => {
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error('Letters, digits, “-” and “_” only (at most 64).');
        if (groups[name]) throw new Error(`There is a group “${name}” already.`);
        groups[name] = [];
        fresh.add(name);
        render();
        list.querySelector(`[data-test=group-row][data-name="${CSS.escape(name)}"] [data-test=group-members]`)?.focus();
      } }) } }, icon('plus'), h('span', { class: 'btn-label' }, 'New group'));

  async function load() {
    replace(list, h('li', { class: 'muted' }, spinner(), 'Loading groups…'));
    try {
      const info = await api.accountInfo();
      groups = { ...info.groups };
      for (const n of fresh) if (!groups[n]) groups[n] = [];
      render();
    } catch (err) {
      replace(list, h('li', { class: 'error-box' }, `Cannot read the groups: ${reasonOf(err)}`));
    }
  }

  function render() {
    const names = Object.keys(groups).sort();
    if (!names.length) {
      replace(list, h('li', { class: 'empty', 'data-test': 'empty' }, icon('groups', 'empty-icon'),
        h('p', { class: 'empty-title' }, 'No groups yet'),
        h('p', { class: 'muted' }, 'Make one to share with several people at once.')));
      return;
    }
    replace(list, names.map((name) => {
      const input = h('input', { class: 'input', 'data-test': 'group-members', id: `group-${name}`,
        'aria-label': `Members of ${name}`, placeholder: 'AUTH_alice, AUTH_bob', spellcheck: 'false',
        props: { value: groups[name].join(', ') },
        on: { keydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); save(name, input); } } } });
      return h('li', { class: 'group-row', 'data-test': 'group-row', dataset: { name } },
        h('div', { class: 'group-name' }, icon('groups'), h('span', {}, name),
          fresh.has(name) ? h('span', { class: 'badge' }, 'not saved') : h('span', { class: 'muted' }, `${groups[name].length} member${groups[name].length === 1 ? '' : 's'}`)),
        h('label', { class: 'visually-hidden', for: `group-${name}` }, `Members of ${name}`),
        input,
        h('div', { class: 'group-actions' },
          h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-test': 'group-save', on: { click: () => save(name, input) } }, 'Save'),
          h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', 'data-test': 'group-delete', on: { click: () => remove(name) } }, 'Delete')));
    }));
  }

  async function save(name, input) {
    const members = parseMembers(input.value);
    if (!members.length) { toast('A group needs at least one member; “Delete” removes it.', 'error'); input.focus(); return; }
    try {
      await api.setGroups({ [name]: members });
      fresh.delete(name);
      toast(`Saved the group “${name}” (${members.length} member${members.length === 1 ? '' : 's'}).`);
      await load();
    } catch (err) {
      toastError(`Saving the group “${name}”`, err);
    }
  }

  async function remove(name) {
    if (fresh.has(name)) { fresh.delete(name); delete groups[name]; render(); return; }
    const ok = await confirmDialog({ title: 'Delete group', okLabel: 'Delete', danger: true,
      message: `Delete the group “${name}”? What is shared with it is no longer shared with its members.`,
      action: () => api.setGroups({ [name]: [] }) });
    if (ok) { toast(`Deleted the group “${name}”.`); await load(); }
  }

  load();
  return { toolbar: [newBtn], crumbs: [h('span', { class: 'crumb is-current', 'data-test': 'breadcrumb' }, 'Groups')], body, dispose() {} };
}
