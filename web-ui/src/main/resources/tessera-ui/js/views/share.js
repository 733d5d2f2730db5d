// The share dialog of a file or folder: who may view or edit it (accounts, an account's groups,
// everyone signed in), the sharing it inherits from a folder above, and its public link. Each change
// is sent at once (X-Object-Sharing, X-Object-Public) so a refusal shows the server's reason right
// where it was made ([data-test=dialog-error]); "Done" waits for what is still being sent.
import { h, replace, icon, spinner } from '../dom.js';
import { openDialog, KEEP_OPEN } from './dialogs.js';
import { reasonOf, toast } from './toast.js';
import { leaf } from './names.js';
import { describe } from '../sharing.js';

const EVERYONE = '*';
const PERM_LABEL = { read: 'can view', write: 'can edit' };

export async function openShare(ctx, { container, item, onChanged = () => {} }) {
  const api = ctx.api;
  const path = item.name;
  const folder = item.kind === 'folder';
  let dirMade = !folder || item.isDirObject !== false;
  let state = { read: [], write: [] };
  let publicUrl = null;
  let inherited = null;
  let chain = Promise.resolve();   // changes are sent one after another, in the order made
  let ui = null;

  const entries = h('ul', { class: 'share-entries', 'aria-label': 'People and groups' });
  const inheritedBox = h('div', { class: 'share-inherited-box', hidden: true });
  const who = h('input', { class: 'input', 'data-test': 'share-who', placeholder: 'AUTH_name or AUTH_name:group',
    'aria-label': 'Account or group to share with', spellcheck: 'false', autocomplete: 'off', list: 'share-groups',
    on: { keydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } } } });
  const groupsList = h('datalist', { id: 'share-groups' });
  const perm = h('select', { class: 'input select', 'data-test': 'share-perm', 'aria-label': 'Permission' },
    h('option', { value: 'read' }, PERM_LABEL.read), h('option', { value: 'write' }, PERM_LABEL.write));
  const addBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'share-add', on: { click: () => add() } },
    icon('plus'), h('span', { class: 'btn-label' }, 'Add'));
  const everyone = h('input', { type: 'checkbox', class: 'check', id: 'share-everyone', 'data-test': 'share-everyone',
    on: { change: () => setEveryone(everyone.checked) } });
  const publicToggle = h('input', { type: 'checkbox', class: 'check', id: 'public-toggle', 'data-test': 'public-toggle',
    disabled: folder, on: { change: () => setPublic(publicToggle.checked) } });
  const publicLink = h('input', { class: 'input public-link', 'data-test': 'public-link', readonly: true,
    'aria-label': 'Public link', placeholder: folder ? 'Public links are for files' : 'No public link' });
  const publicCopy = h('button', { type: 'button', class: 'btn', 'data-test': 'public-copy', disabled: true,
    on: { click: () => copyLink() } }, icon('copy'), h('span', { class: 'btn-label' }, 'Copy'));
  const loading = h('p', { class: 'muted' }, spinner(), 'Loading sharing…');

  const body = [
    loading,
    inheritedBox,
    h('div', { class: 'share-add-row' }, who, groupsList, perm, addBtn),
    entries,
    h('label', { class: 'check-row', for: 'share-everyone' }, everyone,
      h('span', {}, 'Everyone signed in to this Tessera can view')),
    h('h3', { class: 'dialog-sub' }, icon('link'), 'Public link'),
    h('label', { class: 'check-row', for: 'public-toggle' }, publicToggle,
      h('span', {}, folder ? 'Public links are made for single files' : 'Anyone with the link can download this file, without signing in')),
    h('div', { class: 'public-row' }, publicLink, publicCopy),
  ];

  const done = openDialog({
    title: `Share “${leaf(path)}”`, okLabel: 'Done', cancelLabel: 'Close', wide: true, body,
    onOk: async () => { await chain; return true; },
  });
  ui = dialogUi();

  // what the object has now
  try {
    const [info, acct] = await Promise.all([
      api.head(container, path).catch((err) => { if (err.status === 404 && folder) return null; throw err; }),
      api.accountInfo().catch(() => null),
    ]);
    if (info) {
      state = normalise(info.sharing);
      publicUrl = info.publicUrl || null;
      inherited = info.sharedBy && info.sharedBy !== path ? info.sharedBy : null;
      dirMade = true;
    } else {
      dirMade = false;   // a folder that is only a prefix: made a directory object on the first share
    }
    for (const g of Object.keys(acct?.groups || {})) groupsList.append(h('option', { value: `${api.account}:${g}` }));
    loading.remove();
    render();
  } catch (err) {
    replace(loading, `Cannot read the sharing: ${reasonOf(err)}`);
    loading.className = 'form-error';
  }

  function render() {
    replace(entries, ...listed().map(({ entry, level }) => h('li', { class: 'share-entry', 'data-test': 'share-entry', dataset: { who: entry } },
      icon(entry.includes(':') ? 'groups' : 'account'),
      h('span', { class: 'share-who-label' }, entry === EVERYONE ? 'Everyone signed in' : safeDescribe(entry)),
      h('span', { class: 'share-level' }, PERM_LABEL[level]),
      h('button', { type: 'button', class: 'btn btn-icon btn-ghost', 'data-test': 'share-remove', title: 'Remove',
        'aria-label': `Stop sharing with ${entry}`, on: { click: () => remove(entry) } }, icon('close')))));
    if (!listed().length) entries.append(h('li', { class: 'muted share-none' }, 'Not shared with anyone yet.'));
    everyone.checked = state.read.includes(EVERYONE) || state.write.includes(EVERYONE);
    everyone.disabled = state.write.includes(EVERYONE);
    publicToggle.checked = !!publicUrl;
    publicLink.value = publicUrl || '';
    publicCopy.disabled = !publicUrl;
    inheritedBox.hidden = !inherited;
    if (inherited) {
      replace(inheritedBox, h('p', { class: 'share-inherited', 'data-test': 'share-inherited' },
        icon('folder'), `Shared through folder “${inherited}”`),
      h('p', { class: 'muted' }, 'Who may see that folder may also see this. Change it in the folder’s share dialog.'));
    }
  }

  /** The entries shown as rows: write first, then read; '*' for reading is the checkbox instead. */
  function listed() {
    return [
      ...state.write.map((entry) => ({ entry, level: 'write' })),
      ...state.read.filter((e) => e !== EVERYONE && !state.write.includes(e)).map((entry) => ({ entry, level: 'read' })),
    ];
  }

  function add() {
    const entry = who.value.trim();
    if (!entry) { ui.error('Type an account (AUTH_name) or a group (AUTH_name:group).'); who.focus(); return; }
    const level = perm.value;
    const next = without(state, entry);
    next[level] = [...next[level], entry];
    send(next, () => { who.value = ''; toast(`Shared “${leaf(path)}” with ${entry} (${PERM_LABEL[level]}).`); });
  }

  function remove(entry) {
    send(without(state, entry), () => toast(`Stopped sharing “${leaf(path)}” with ${entry}.`));
  }

  function setEveryone(on) {
    const next = without(state, EVERYONE);
    if (on) next.read = [...next.read, EVERYONE];
    send(next, () => toast(on ? 'Everyone signed in can now view it.' : 'No longer shared with everyone.'));
  }

  function send(next, after) {
    ui.clearError();
    const before = state;
    state = next;
    render();
    chain = chain.then(async () => {
      try {
        await ensureDir();
        await api.setSharing(container, path, next);
        after?.();
        onChanged();
      } catch (err) {
        state = before;
        render();
        ui.error(`Not shared: ${reasonOf(err)}`);
      }
    });
  }

  function setPublic(on) {
    ui.clearError();
    chain = chain.then(async () => {
      try {
        publicUrl = await api.setPublic(container, path, on);
        render();
        if (on && publicUrl) publicLink.select();
        onChanged();
      } catch (err) {
        render();
        ui.error(`The public link was not ${on ? 'made' : 'removed'}: ${reasonOf(err)}`);
      }
    });
  }

  async function copyLink() {
    if (!publicUrl) return;
    try {
      await navigator.clipboard.writeText(publicUrl);
      toast('The public link is copied.');
    } catch {
      // clipboard refused (permissions, http): leave it selected for Ctrl+C
      publicLink.select();
      toast('Press Ctrl+C to copy the selected link.');
    }
  }

  async function ensureDir() {
    if (dirMade) return;
    await api.createFolder(container, path);
    dirMade = true;
  }

  const result = await done;
  return result;
}

function normalise(sharing) {
  return { read: [...(sharing?.read || [])], write: [...(sharing?.write || [])] };
}

function without(state, entry) {
  return { read: state.read.filter((e) => e !== entry), write: state.write.filter((e) => e !== entry) };
}

function safeDescribe(entry) {
  try { return describe(entry) || entry; } catch { return entry; }
}

/** Error line control of the open dialog (the dialog module's ui is internal; this finds its parts). */
function dialogUi() {
  const err = document.querySelector('#dialog [data-test=dialog-error]');
  return {
    error(msg) { err.textContent = msg; err.hidden = false; },
    clearError() { err.textContent = ''; err.hidden = true; },
  };
}

export { KEEP_OPEN };
