// The versions dialog of a file: every version the server keeps (oldest first from the server,
// shown newest first), each to download or to restore. A restore makes the file exactly that
// version again (a new version, so nothing is lost).
import { h, replace, icon, spinner } from '../dom.js';
import { openDialog } from './dialogs.js';
import { reasonOf, toast } from './toast.js';
import { leaf } from './names.js';
import * as format from '../format.js';

export async function openVersions(ctx, actions, { container, item, onChanged = () => {} }) {
  const path = item.name;
  const list = h('ul', { class: 'versions', 'aria-label': 'Versions' }, h('li', { class: 'muted' }, spinner(), 'Loading versions…'));
  const note = h('p', { class: 'muted' }, 'The newest is the file as it is now. Restoring an older one makes it the newest again; the others stay.');
  const done = openDialog({ title: `Versions of “${leaf(path)}”`, body: [note, list], okHidden: true, cancelLabel: 'Close', wide: true });
  const errorLine = document.querySelector('#dialog [data-test=dialog-error]');

  const load = async () => {
    try {
      const versions = await ctx.api.versions(container, path);
      const rows = [...versions].reverse();
      replace(list, rows.length ? rows.map((v, i) => h('li', { class: 'version-row', 'data-test': 'version-row', dataset: { version: v.id } },
        icon('versions'),
        h('span', { class: 'version-when', title: v.id }, format.date(v.timestamp)),
        i === 0 ? h('span', { class: 'badge badge-accent' }, 'current') : h('span', { class: 'version-rel muted' }, format.relative(v.timestamp)),
        h('span', { class: 'version-actions' },
          h('button', { type: 'button', class: 'btn btn-small', 'data-test': 'version-download',
            on: { click: () => actions.download({ container, path, version: v.id, name: versionedName(path, v) }) } },
          icon('download'), h('span', { class: 'btn-label' }, 'Download')),
          h('button', { type: 'button', class: 'btn btn-small', 'data-test': 'version-restore', disabled: i === 0,
            title: i === 0 ? 'This is the current version' : null,
            on: { click: (e) => restore(v, e.currentTarget) } }, icon('restore'), h('span', { class: 'btn-label' }, 'Restore')))))
        : h('li', { class: 'muted' }, 'No versions.'));
    } catch (err) {
      replace(list, h('li', { class: 'form-error' }, `Cannot list the versions: ${reasonOf(err)}`));
    }
  };

  const restore = async (v, btn) => {
    errorLine.hidden = true;
    btn.disabled = true;
    try {
      await ctx.api.restoreVersion(container, path, v.id);
      toast(`Restored the version of ${format.date(v.timestamp)}.`);
      onChanged();
      await load();
    } catch (err) {
      btn.disabled = false;
      errorLine.textContent = `Not restored: ${reasonOf(err)}`;
      errorLine.hidden = false;
    }
  };

  load();
  return done;
}

/** 'report.pdf' of 2024-05-01 -> 'report (2024-05-01 10.22.03).pdf', so saved versions do not collide. */
function versionedName(path, v) {
  const base = leaf(path);
  const stamp = v.timestamp instanceof Date && !Number.isNaN(v.timestamp.getTime())
    ? v.timestamp.toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '.') : v.id;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `${base.slice(0, dot)} (${stamp})${base.slice(dot)}` : `${base} (${stamp})`;
}
