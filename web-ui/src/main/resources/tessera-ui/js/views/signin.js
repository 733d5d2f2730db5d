// The sign-in form: the whole page when nobody is signed in, and the same form (moved, so its
// data-test hooks exist once) in a modal dialog over the current view when a token expires. The
// view underneath stays as it was; the Api retries the request that met the 401 once signed in.
import { h, replace } from '../dom.js';

export class SignIn {
  /** signIn(user, key) -> Promise (rejects with ApiError) */
  constructor({ signIn }) {
    this.signIn = signIn;
    this.pending = null;          // the promise of an overlay sign-in in progress
    this.form = this.build();
  }

  build() {
    this.user = h('input', { id: 'signin-user', name: 'user', 'data-test': 'signin-user', autocomplete: 'username',
      required: true, spellcheck: 'false', autocapitalize: 'off', placeholder: 'project:user' });
    this.key = h('input', { id: 'signin-key', name: 'key', type: 'password', 'data-test': 'signin-key',
      autocomplete: 'current-password', required: true });
    this.error = h('p', { class: 'form-error', 'data-test': 'signin-error', role: 'alert', hidden: true });
    this.submit = h('button', { type: 'submit', class: 'btn btn-primary btn-wide', 'data-test': 'signin-submit' }, 'Sign in');
    this.title = h('h1', { class: 'signin-title' }, 'Sign in to Tessera');
    this.lead = h('p', { class: 'signin-lead' }, 'Keep, find and share your files.');
    return h('form', { class: 'signin-form', on: { submit: (e) => this.onSubmit(e) } },
      h('div', { class: 'signin-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Tessera'),
      this.title, this.lead,
      h('label', { for: 'signin-user' }, 'User'), this.user,
      h('label', { for: 'signin-key' }, 'Key'), this.key,
      this.error, this.submit);
  }

  async onSubmit(e) {
    e.preventDefault();
    this.error.hidden = true;
    this.submit.disabled = true;
    try {
      const session = await this.signIn(this.user.value.trim(), this.key.value);
      this.key.value = '';
      this.onSignedIn?.(session);
    } catch (err) {
      this.error.textContent = err.status === 401 || err.status === 403
        ? 'Wrong user or key.'
        : `Cannot sign in: ${err.reason || err.message || 'the server cannot be reached'}`;
      this.error.hidden = false;
      this.key.select();
    } finally {
      this.submit.disabled = false;
    }
  }

  /** The full-page form; onSignedIn(session) is called after a sign-in. */
  showPage(onSignedIn) {
    const page = document.getElementById('signin-page');
    this.title.textContent = 'Sign in to Tessera';
    this.lead.textContent = 'Keep, find and share your files.';
    this.onSignedIn = (s) => { page.hidden = true; onSignedIn(s); };
    replace(page, h('div', { class: 'signin-card' }, this.form));
    page.hidden = false;
    this.user.focus();
  }

  /**
   * The overlay for an expired or revoked token: resolves after a new sign-in. Requests that meet a
   * 401 meanwhile wait for the same promise (the Api asks once per expiry).
   */
  overlay(currentUser) {
    if (this.pending) return this.pending;
    const dlg = document.getElementById('reauth');
    this.title.textContent = 'Your session has ended';
    this.lead.textContent = 'Sign in again to carry on where you were.';
    if (currentUser) this.user.value = currentUser;
    this.error.hidden = true;
    replace(dlg, this.form);
    this.pending = new Promise((resolve, reject) => {
      this.onSignedIn = (s) => { this.pending = null; dlg.close(); resolve(s); };
      // Escape would leave the page signed out under a dead token: the overlay stays until signed in,
      // but "Sign out" on it is offered by the cancel path below.
      dlg.oncancel = (e) => e.preventDefault();
      this.rejectPending = (err) => { this.pending = null; dlg.close(); reject(err); };
    });
    dlg.showModal();
    (currentUser ? this.key : this.user).focus();
    return this.pending;
  }
}
