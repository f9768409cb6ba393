// #/signin — sign in with login and password. Clear errors: a wrong login or password (401,
// the same answer for both), too many failures (429: when to try again, from Retry-After).

import { h, clear } from '../lib/dom.js';
import { ApiError } from '../lib/api.js';
import { t, fmtNumber, fmtDateTime } from '../lib/i18n.js';
import * as session from '../lib/session.js';
import { field, pageTitle, clearErrors, errorText } from '../lib/ui.js';

function message(err) {
  if (err instanceof ApiError && err.status === 401) return t('signin.error.wrong');
  if (err instanceof ApiError && err.status === 429) {
    const s = err.retryAfter;
    if (s === null || s === undefined) return t('signin.error.throttled_later');
    const at = new Date(Date.now() + s * 1000);
    return t('signin.error.throttled', { seconds: fmtNumber(s), minutes: fmtNumber(Math.ceil(s / 60)), time: fmtDateTime(at.toISOString()) });
  }
  if (err instanceof ApiError && err.code === 'network') return t('error.network');
  return errorText(err);
}

export default {
  path: '/signin',
  title: 'signin.title',
  roles: ['public'],
  async render(main, params, ctx) {
    const next = params.next && params.next.startsWith('/') && !params.next.startsWith('/signin') ? params.next : null;
    if (ctx.user) {
      ctx.navigate(next || ctx.homeFor(ctx.user), null, { replace: true });
      return;
    }
    const status = h('div', { id: 'signin-status', class: 'signin-status', role: 'alert', 'aria-live': 'assertive' });
    const login = h('input', { id: 'signin-login', name: 'login', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
    const password = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const submit = h('button', { type: 'submit', id: 'signin-submit', class: 'btn btn-primary' }, t('signin.submit'));
    const form = h('form', { class: 'signin-form', novalidate: true, 'aria-describedby': 'signin-status' },
      status,
      field(t('signin.login'), login),
      field(t('signin.password'), password),
      submit);

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      status.className = 'signin-status';
      status.textContent = '';
      const l = login.value.trim();
      if (!l) { showError(t('signin.error.no_login'), login); return; }
      if (!password.value) { showError(t('signin.error.no_password'), password); return; }
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      submit.textContent = t('signin.submitting');
      try {
        const user = await session.signIn(l, password.value);
        ctx.navigate(next || ctx.homeFor(user), null, { replace: true });
      } catch (err) {
        password.value = '';
        showError(message(err), err instanceof ApiError && err.status === 429 ? login : password);
        if (err instanceof ApiError && err.status === 429 && err.retryAfter) {
          setTimeout(() => { if (submit.isConnected) submit.disabled = false; }, Math.min(err.retryAfter, 60) * 1000);
          submit.textContent = t('signin.submit');
          form.removeAttribute('aria-busy');
          return;
        }
      }
      if (submit.isConnected) {
        submit.disabled = false;
        submit.textContent = t('signin.submit');
        form.removeAttribute('aria-busy');
      }
    });

    function showError(text, focusEl) {
      status.className = 'signin-status alert alert-error';
      status.textContent = text;
      if (focusEl) { focusEl.setAttribute('aria-invalid', 'true'); focusEl.focus(); }
    }

    clear(main);
    main.appendChild(h('div', { class: 'signin' },
      pageTitle(t('signin.title')),
      h('p', { class: 'muted' }, t('signin.intro')),
      h('div', { class: 'card' }, form),
      h('p', { class: 'small' }, t('signin.public_intro'), ' ',
        h('a', { href: '#/register' }, t('signin.public_register')), ' · ',
        h('a', { href: '#/complain' }, t('signin.public_complain')))));
  },
};
