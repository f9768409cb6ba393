// The complaint form (#/complain): anyone, signed in or not, reports a concern about a product or
// service (social supervision, R2/R3): POST /api/v1/complaints {product, version, text, contact}.
// The server keeps at most 5 complaints per address per hour and answers 429 with Retry-After past
// it; that answer is told as a sentence with the time to wait.

import { h, replace, formData } from '../lib/dom.js';
import { t, lang, fmtNumber } from '../lib/i18n.js';
import { field, control, formErrors, clearErrors, errorText, pageTitle, notice, button } from '../lib/ui.js';
import { href } from '../lib/router.js';
import { ApiError } from '../lib/api.js';

// What was typed survives a language switch (the app re-renders the page).
const draft = { product: '', version: '', text: '', contact: '' };

/** "in 42 minutes" / "42分钟后" for a Retry-After in seconds. */
export function waitPhrase(seconds) {
  const s = Math.max(1, Math.round(Number(seconds) || 0));
  const locale = lang() === 'zh' ? 'zh-CN' : 'en';
  let value; let unit;
  if (s < 90) { value = s; unit = 'second'; } else if (s < 90 * 60) { value = Math.ceil(s / 60); unit = 'minute'; } else { value = Math.ceil(s / 3600); unit = 'hour'; }
  try {
    return new Intl.RelativeTimeFormat(locale, { numeric: 'always' }).format(value, unit);
  } catch {
    return t('complaint.wait_seconds', { n: fmtNumber(s) });
  }
}

/** The sentence of key with its {id} replaced by an element (the word order is the language's). */
function withId(sentence, el) {
  const [before, after = ''] = sentence.split('\u0000');
  return [before, el, after];
}

/** Shows an error under the field it names (the server's, or ours). */
function fieldError(form, name, message) {
  const wrap = form.querySelector(`.field[data-field="${name}"]`);
  if (!wrap) return false;
  const slot = wrap.querySelector('.field-error');
  const ctl = wrap.querySelector('[name]');
  slot.textContent = message;
  slot.hidden = false;
  wrap.classList.add('has-error');
  if (ctl) ctl.setAttribute('aria-invalid', 'true');
  return true;
}

export default {
  path: '/complain',
  title: 'complaint.title',
  roles: ['public'],
  nav: 'complaint.nav',

  async render(main, params, ctx) {
    if (params.product && !draft.product) draft.product = String(params.product);
    if (params.version && !draft.version) draft.version = String(params.version);

    main.appendChild(pageTitle(t('complaint.title')));
    main.appendChild(h('p', t('complaint.intro')));
    const area = h('div', { id: 'complaint-area' });
    main.appendChild(area);

    const showForm = () => {
      const ctl = {
        product: control({ name: 'product', value: draft.product, required: true, maxlength: 256, autocomplete: 'off' }),
        version: control({ name: 'version', value: draft.version, autocomplete: 'off' }),
        text: control({ name: 'text', value: draft.text, required: true, rows: 7 }),
        contact: control({ name: 'contact', value: draft.contact, maxlength: 256, autocomplete: 'email' }),
      };
      for (const [k, c] of Object.entries(ctl)) c.addEventListener('input', () => { draft[k] = c.value; });
      const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'complaint-submit' }, t('complaint.submit'));
      const live = h('div', { id: 'complaint-status', role: 'status', 'aria-live': 'polite' });
      const form = h('form', { class: 'form', id: 'complaint-form', novalidate: true },
        field(t('complaint.product'), ctl.product, null, { hint: t('complaint.product_hint') }),
        field(t('complaint.version'), ctl.version, null, { hint: t('complaint.version_hint') }),
        field(t('complaint.text'), ctl.text, null, { hint: t('complaint.text_hint') }),
        field(t('complaint.contact'), ctl.contact, null, { hint: t('complaint.contact_hint') }),
        h('p', { class: 'small muted' }, t('complaint.limit_note')),
        h('div', { class: 'actions' }, submit),
        live);

      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(form);
        live.textContent = '';
        live.className = '';
        const body = formData(form);
        for (const k of Object.keys(body)) body[k] = String(body[k]).trim();
        for (const k of Object.keys(body)) if (body[k] === '') delete body[k];
        // the required fields, checked here first so every missing one is told at once
        const missing = ['product', 'text'].filter((k) => !body[k]);
        if (missing.length) {
          for (const k of missing) fieldError(form, k, t('common.required'));
          ctl[missing[0]].focus();
          return;
        }
        submit.disabled = true;
        live.textContent = t('complaint.sending');
        try {
          const answer = await ctx.api.post('/complaints', body);
          for (const k of Object.keys(draft)) draft[k] = '';
          showDone(answer);
        } catch (err) {
          submit.disabled = false;
          live.textContent = '';
          if (err instanceof ApiError && err.status === 429) {
            const wait = err.retryAfter !== null && err.retryAfter !== undefined ? waitPhrase(err.retryAfter) : null;
            const box = notice(wait ? t('complaint.too_many', { when: wait }) : t('complaint.too_many_no_time'), 'error');
            box.id = 'complaint-too-many';
            box.tabIndex = -1;
            form.insertBefore(box, form.firstChild);
            box.focus();
          } else if (err instanceof ApiError && err.field && fieldError(form, err.field, errorText(err))) {
            const c = ctl[err.field];
            if (c) c.focus();
          } else {
            formErrors(form, err);
          }
        }
      });
      replace(area, form);
    };

    const showDone = (answer) => {
      const heading = h('h2', { tabindex: '-1', id: 'complaint-done-h' }, t('complaint.done_title'));
      replace(area, h('section', { class: 'card', id: 'complaint-done', 'aria-labelledby': 'complaint-done-h' },
        heading,
        h('div', { class: 'alert alert-success', role: 'status' }, withId(t('complaint.done', { id: '\u0000' }),
          h('strong', { id: 'complaint-id' }, answer && answer.id !== undefined ? String(answer.id) : '—'))),
        h('p', t('complaint.done_next')),
        h('div', { class: 'actions' },
          button(t('complaint.another'), () => { showForm(); const p = area.querySelector('[name="product"]'); if (p) p.focus(); }, { id: 'complaint-another' }),
          h('a', { class: 'btn btn-secondary', href: href('/register') }, t('complaint.to_register')))));
      heading.focus();
    };

    showForm();
  },
};
