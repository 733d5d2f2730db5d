// One dialog at a time, in the page's single <dialog data-test=dialog>. A dialog either asks for a
// value ([data-test=dialog-input]) or a confirmation; OK runs the action and the dialog stays open
// with the server's reason ([data-test=dialog-error]) when it is refused. Escape cancels (the
// browser's own <dialog> behaviour), and focus returns to where it was.
import { h, replace } from '../dom.js';
import { reasonOf } from './toast.js';

let current = null;   // {resolve} of the open dialog

/**
 * Opens the dialog.
 *   title, body (nodes), input ({label, value, placeholder, selectUntil}),
 *   okLabel, cancelLabel, danger (red OK), okHidden (a dialog with its own controls),
 *   onOk(value, ui) -> result (may be async; a throw shows its reason and keeps the dialog open).
 * Resolves with onOk's result, or null when cancelled.
 */
export function openDialog({ title, body = [], input = null, okLabel = 'OK', cancelLabel = 'Cancel', danger = false,
  okHidden = false, onOk = (v) => v, wide = false, onClose = null }) {
  const dlg = document.getElementById('dialog');
  if (current) closeDialog(null);
  const returnFocus = document.activeElement;

  const error = h('p', { class: 'form-error', 'data-test': 'dialog-error', role: 'alert', hidden: true });
  let field = null;
  if (input) {
    field = h('input', { id: 'dialog-input', 'data-test': 'dialog-input', class: 'input', spellcheck: 'false',
      autocomplete: 'off', placeholder: input.placeholder || null, props: { value: input.value ?? '' } });
  }
  const ok = h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], 'data-test': 'dialog-ok',
    hidden: okHidden }, okLabel);
  const cancel = h('button', { type: 'button', class: 'btn', 'data-test': 'dialog-cancel',
    on: { click: () => { if (!busy) closeDialog(null); } } }, cancelLabel);

  let busy = false;
  const ui = {
    error(msg) { error.textContent = msg; error.hidden = false; },
    clearError() { error.hidden = true; error.textContent = ''; },
    busy(on) { busy = on; ok.disabled = on; cancel.disabled = on; dlg.classList.toggle('is-busy', on); },
    close: (result) => closeDialog(result),
    get isOpen() { return current?.dlg === dlg && dlg.open; },
  };

  const form = h('form', { method: 'dialog', class: ['dialog-form', wide && 'dialog-wide'], on: { submit: async (e) => {
    e.preventDefault();
    if (busy) return;
    ui.clearError();
    ui.busy(true);
    try {
      const result = await onOk(field ? field.value : undefined, ui);
      ui.busy(false);
      if (result !== KEEP_OPEN) closeDialog(result === undefined ? true : result);
    } catch (err) {
      ui.busy(false);
      ui.error(reasonOf(err));
      (field || ok).focus();
    }
  } } },
  h('h2', { class: 'dialog-title', id: 'dialog-title' }, title),
  h('div', { class: 'dialog-body' },
    body,
    input && h('label', { for: 'dialog-input', class: 'field-label' }, input.label || ''),
    field),
  error,
  h('div', { class: 'dialog-actions' }, cancel, ok));

  replace(dlg, form);
  dlg.setAttribute('aria-labelledby', 'dialog-title');
  dlg.oncancel = (e) => { e.preventDefault(); if (!busy) closeDialog(null); };

  return new Promise((resolve) => {
    current = { dlg, resolve, returnFocus, onClose };
    dlg.showModal();
    if (field) {
      field.focus();
      if (input.selectUntil !== undefined) field.setSelectionRange(0, input.selectUntil);
      else field.select();
    } else {
      (okHidden ? cancel : ok).focus();
    }
  });
}

/** Returned by onOk to keep the dialog open (its own controls did the work). */
export const KEEP_OPEN = Symbol('keep-open');

export function closeDialog(result) {
  const dlg = document.getElementById('dialog');
  if (!current) return;
  const { resolve, returnFocus, onClose } = current;
  current = null;
  if (dlg.open) dlg.close();
  replace(dlg);
  onClose?.();
  resolve(result);
  if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
}

export function dialogOpen() {
  return current !== null || document.getElementById('reauth').open;
}

/** Asks for a confirmation; resolves true when confirmed and the action (if given) succeeded. */
export function confirmDialog({ title, message, okLabel = 'OK', danger = false, action = null }) {
  return openDialog({ title, body: [h('p', {}, message)], okLabel, danger,
    onOk: async () => { if (action) await action(); return true; } }).then((r) => r === true);
}

/** Asks for a name; onOk(name) does the work. Empty or slash-containing names are refused here. */
export function promptName({ title, label, value = '', okLabel = 'OK', allowSlash = false, action, selectUntil }) {
  return openDialog({ title, input: { label, value, selectUntil }, okLabel,
    onOk: async (v) => {
      const name = v.trim();
      if (!name) throw new Error('A name is needed.');
      if (!allowSlash && name.includes('/')) throw new Error('A name cannot contain “/”.');
      return (await action(name)) ?? name;
    } });
}
