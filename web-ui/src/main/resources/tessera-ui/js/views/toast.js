// The message line ([data-test=toast]): the last thing that happened. Information fades after a few
// seconds; errors stay until closed or replaced, since they carry the server's reason.
import { replace, h, icon } from '../dom.js';

const INFO_MS = 6000;
let timer = null;

export function toast(message, level = 'info') {
  const el = document.getElementById('toast');
  clearTimeout(timer);
  el.dataset.level = level;
  el.setAttribute('role', level === 'error' ? 'alert' : 'status');
  replace(el,
    h('span', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'btn btn-icon btn-ghost toast-close', 'aria-label': 'Dismiss',
      on: { click: () => { el.hidden = true; } } }, icon('close')));
  el.hidden = false;
  if (level !== 'error') timer = setTimeout(() => { el.hidden = true; }, INFO_MS);
}

/** The text of an error for a person: the server's reason when it gave one. */
export function reasonOf(err) {
  if (!err) return 'unknown error';
  if (err.name === 'AbortError') return 'cancelled';
  if (err.status === 0) return `the server cannot be reached${err.reason ? ` (${err.reason})` : ''}`;
  const reason = (err.reason || err.message || '').trim();
  if (err.status && reason) return `${reason} (HTTP ${err.status})`;
  if (err.status) return `HTTP ${err.status}`;
  return reason || String(err);
}

/** Shows `what failed: reason` as an error message. */
export function toastError(what, err) {
  toast(`${what} failed: ${reasonOf(err)}`, 'error');
}
