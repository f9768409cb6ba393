// Shared widgets. Every widget returns an Element; none writes HTML strings.
//
//   import { table, badge, field, button, formErrors, barChart, toast, confirm } from '../lib/ui.js';
//
// Labels and captions: pass text already translated with t() (a string that is an i18n key with a
// string is translated too, for convenience).

import { h, svg, clear, uid, qsa } from './dom.js';
import { t, tOr, has, fmtNumber } from './i18n.js';
import { ApiError } from './api.js';

const tx = (s) => (typeof s === 'string' && has(s) ? t(s) : s);

/* ------------------------------------------------------------------ table */

/**
 * table(columns, rows, {caption, empty, className, rowClass, sortable}) -> <div class="table-wrap"><table>
 * columns: [{key, label, render(row, i) -> Node|string, num: true (right-aligned), className}]
 * A cell shows render(row) or row[key]; null/undefined show as "—".
 */
export function table(columns, rows, { caption, empty, className, rowClass } = {}) {
  const head = h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: [c.num && 'num', c.className] }, tx(c.label)))));
  const body = h('tbody');
  if (!rows || rows.length === 0) {
    body.appendChild(h('tr', h('td', { colspan: columns.length, class: 'empty' }, empty || t('common.empty'))));
  } else {
    rows.forEach((row, i) => {
      body.appendChild(h('tr', { class: rowClass ? rowClass(row, i) : null }, columns.map((c, ci) => {
        let v = c.render ? c.render(row, i) : row[c.key];
        if (v === null || v === undefined || v === '') v = '—';
        else if (typeof v === 'number' && !c.render) v = fmtNumber(v);
        const attrs = { class: [c.num && 'num', c.className] };
        return ci === 0 && c.rowHeader ? h('th', { ...attrs, scope: 'row' }, v) : h('td', attrs, v);
      })));
    });
  }
  const tbl = h('table', { class: ['data', className] }, caption ? h('caption', tx(caption)) : null, head, body);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption ? tx(caption) : t('common.table') }, tbl);
}

/* ------------------------------------------------------------------ badges */

// Tone of a value: good / warn / bad / info / muted. Colour plus a symbol plus the text, so a
// colour-blind reader (or a print-out) never depends on the colour.
const TONES = {
  good: ['passed', 'prioritized', 'allowed', 'reported', 'signed', 'done', 'active', 'published', 'ok', 'valid', 'none', 'low', 'info', 'member', 'in_force', 'scored', 'yes', 'true', 'passed_review', 'verified'],
  warn: ['passed_with_conditions', 'allowed_with_conditions', 'medium', 'under_review', 'review_required', 'pending', 'assigned', 'due_soon', 'paused', 'restricted', 'sealed', 'special_review', 'open'],
  bad: ['failed', 'prohibited', 'high', 'critical', 'overdue', 'refused', 'revoked', 'expired', 'excluded', 'conflict', 'rejected', 'tampered', 'no', 'false'],
  muted: ['withdrawn', 'closed', 'not_required', 'not_reviewed', 'superseded', 'recused', 'internal', 'unknown'],
};
const SYMBOL = { good: '✓', warn: '!', bad: '✕', info: '•', muted: '–' };

export function toneOf(kind, value) {
  const v = String(value);
  if (kind === 'severity' && v === 'info') return 'info';
  if (kind === 'phase' && ['published', 'decided'].includes(v)) return 'good';
  if (kind === 'phase' && !['not_required', 'refused', 'withdrawn', 'closed', 'special_review'].includes(v)) return 'info';
  for (const [tone, values] of Object.entries(TONES)) if (values.includes(v)) return tone;
  return 'info';
}

/**
 * badge(kind, value, {label}) -> <span class="badge tone-bad" data-kind="outcome" data-value="failed">
 * kind: 'phase', 'outcome', 'severity', 'status', 'level', 'procurement', 'gate', 'visibility',
 * 'method', 'category', 'trigger'... The text is t(`${kind}.${value}`) (common.json has them),
 * else the value itself.
 */
export function badge(kind, value, { label } = {}) {
  if (value === null || value === undefined || value === '') return h('span', { class: 'badge tone-muted' }, '—');
  const tone = toneOf(kind, value);
  const txt = label || tOr(`${kind}.${value}`, String(value).replace(/_/g, ' '));
  return h('span', { class: ['badge', `tone-${tone}`, `badge-${kind}`], dataset: { kind, value: String(value) } },
    h('span', { class: 'badge-sym', 'aria-hidden': 'true' }, SYMBOL[tone]), txt);
}

/* ------------------------------------------------------------------ forms */

/**
 * field(label, input, error, {hint, className}) -> <div class="field"> with a <label for> tied to
 * the input (an id is given when it has none), a hint and an error (aria-describedby, aria-invalid).
 * input may be an element or a spec: {name, type, value, required, options: [[value, text]...],
 * rows (a textarea), ...attrs}.
 */
export function field(label, input, error, { hint, className } = {}) {
  const el = input instanceof Element ? input : control(input || {});
  if (!el.id) el.id = uid('f');
  const isCheck = el.type === 'checkbox' || el.type === 'radio';
  const describedby = [];
  let hintEl = null; let errEl = null;
  if (hint) { hintEl = h('div', { class: 'hint', id: uid('hint') }, tx(hint)); describedby.push(hintEl.id); }
  errEl = h('div', { class: 'field-error', id: uid('err'), role: 'alert', hidden: !error }, error || '');
  describedby.push(errEl.id);
  el.setAttribute('aria-describedby', describedby.join(' '));
  if (error) el.setAttribute('aria-invalid', 'true');
  const lab = h('label', { for: el.id }, tx(label), el.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  return h('div', { class: ['field', isCheck && 'field-check', error && 'has-error', className], dataset: { field: el.name || '' } },
    isCheck ? [el, lab] : [lab, el], hintEl, errEl);
}

/** control({name, type, value, options, rows, ...attrs}) -> <input>/<select>/<textarea>. */
export function control(spec) {
  const { options, rows, type = 'text', value, placeholder, ...attrs } = spec;
  if (options) {
    return h('select', { ...attrs, value: value ?? undefined },
      options.map((o) => (Array.isArray(o) ? h('option', { value: o[0] }, o[1]) : h('option', { value: o }, o))));
  }
  if (rows || type === 'textarea') return h('textarea', { ...attrs, rows: rows || 4, placeholder }, value ?? '');
  return h('input', { ...attrs, type, value: value ?? undefined, placeholder,
    ...(type === 'checkbox' ? { checked: !!value, value: undefined } : {}) });
}

/** button(label, onClick, {kind: 'primary'|'secondary'|'danger'|'link', type, disabled, ...attrs}) */
export function button(label, onClick, { kind = 'secondary', type = 'button', ...attrs } = {}) {
  return h('button', { ...attrs, type, class: ['btn', `btn-${kind}`, attrs.class], onclick: onClick || null }, tx(label));
}

/** Removes the errors formErrors() put on a form. */
export function clearErrors(form) {
  for (const el of qsa('.field-error', form)) { el.textContent = ''; el.hidden = true; }
  for (const el of qsa('[aria-invalid="true"]', form)) el.removeAttribute('aria-invalid');
  for (const el of qsa('.has-error', form)) el.classList.remove('has-error');
  for (const el of qsa('.form-error', form)) el.remove();
}

/** The words for an error, for people: the server's message, prefixed by what kind of refusal. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  const kind = tOr(`error.${err.code}`, '');
  if (err.code === 'network') return t('error.network');
  if (err.status === 429 && err.retryAfter !== null) return `${kind || err.message} ${t('error.retry_after', { seconds: fmtNumber(err.retryAfter) })}`.trim();
  return kind && err.message && kind !== err.message ? `${kind}: ${err.message}` : (err.message || kind || err.code);
}

/**
 * formErrors(form, err): shows an ApiError next to the control its `field` names (a control with
 * that name, or [data-field=name]); otherwise at the top of the form. Focuses the first error.
 */
export function formErrors(form, err) {
  clearErrors(form);
  const msg = errorText(err);
  const name = err && err.field ? String(err.field).split(/[.[]/)[0] : null;
  let ctl = null;
  if (name) {
    ctl = form.querySelector(`[name="${CSS.escape(err.field)}"]`) || form.querySelector(`[name="${CSS.escape(name)}"]`);
  }
  const wrap = ctl ? ctl.closest('.field') : (name ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null);
  const slot = wrap ? wrap.querySelector('.field-error') : null;
  if (slot) {
    slot.textContent = msg;
    slot.hidden = false;
    wrap.classList.add('has-error');
    if (ctl) { ctl.setAttribute('aria-invalid', 'true'); ctl.focus(); }
    return;
  }
  const box = h('div', { class: 'form-error alert alert-error', role: 'alert', tabindex: '-1' }, msg);
  form.insertBefore(box, form.firstChild);
  box.focus();
}

/** An error box for a page (a failed load): role=alert, the error's words. */
export function errorBox(err) {
  return h('div', { class: 'alert alert-error', role: 'alert' }, errorText(err));
}

/** A notice box: kind 'info' | 'success' | 'warn' | 'error'. */
export function notice(message, kind = 'info') {
  return h('div', { class: ['alert', `alert-${kind}`], role: kind === 'error' ? 'alert' : 'status' }, message);
}

/** A "loading…" placeholder (aria-busy). */
export function loading() {
  return h('p', { class: 'loading', role: 'status', 'aria-busy': 'true' }, t('common.loading'));
}

/** <h1> for a page (focus lands on it after navigation). */
export function pageTitle(text, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, text), ...extra);
}

/** A <dl> of [term, value] pairs (null values skipped). */
export function defList(pairs, className) {
  const dl = h('dl', { class: ['deflist', className] });
  for (const [k, v] of pairs) {
    if (v === null || v === undefined || v === '') continue;
    dl.appendChild(h('dt', tx(k)));
    dl.appendChild(h('dd', v));
  }
  return dl;
}

/* ------------------------------------------------------------------ chart */

/**
 * barChart(data, {title, valueLabel, labelHeader, max}) -> <figure> with an inline SVG (role=img,
 * <title>) of horizontal bars and a table of the same numbers (visible to screen readers; shown
 * when the reader asks, or in print). data: [{label, value, tone?: 'good'|'warn'|'bad'|'info'}].
 */
export function barChart(data, { title = '', valueLabel, labelHeader, max } = {}) {
  const rows = data || [];
  const top = Math.max(1, max || 0, ...rows.map((d) => Number(d.value) || 0));
  const barH = 22; const gap = 8; const labelW = 150; const valueW = 48; const width = 480;
  const chartW = width - labelW - valueW;
  const height = Math.max(barH, rows.length * (barH + gap) - gap);
  const titleId = uid('chart');
  const s = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': titleId, preserveAspectRatio: 'xMinYMin meet' },
    svg('title', { id: titleId }, `${title}${title ? ': ' : ''}${rows.map((d) => `${d.label} ${fmtNumber(d.value)}`).join(', ')}`));
  rows.forEach((d, i) => {
    const y = i * (barH + gap);
    const w = Math.round(((Number(d.value) || 0) / top) * chartW);
    s.appendChild(svg('text', { x: labelW - 6, y: y + barH / 2, class: 'chart-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, truncate(String(d.label), 22)));
    s.appendChild(svg('rect', { x: labelW, y, width: Math.max(w, d.value ? 2 : 0), height: barH, rx: 3, class: ['chart-bar', `tone-${d.tone || 'info'}`].join(' ') }));
    s.appendChild(svg('text', { x: labelW + w + 6, y: y + barH / 2, class: 'chart-value', 'dominant-baseline': 'middle' }, fmtNumber(d.value)));
  });
  const fallback = h('details', { class: 'chart-data' },
    h('summary', t('common.chart_data')),
    table([{ key: 'label', label: labelHeader || t('common.item') }, { key: 'value', label: valueLabel || t('common.count'), num: true, render: (r) => fmtNumber(r.value) }],
      rows, { caption: title }));
  return h('figure', { class: 'chart-figure' }, title ? h('figcaption', title) : null, s, fallback);
}

function truncate(s, n) { return s.length > n ? `${s.slice(0, n - 1)}…` : s; }

/* ------------------------------------------------------------------ status, toast */

function liveRegion() {
  let r = document.getElementById('nr-live');
  if (!r) {
    r = h('div', { id: 'nr-live', class: 'toasts', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'false' });
    document.body.appendChild(r);
  }
  return r;
}

/** toast(message, kind = 'info'|'success'|'error', ms = 5000): a short message, read by screen readers. */
export function toast(message, kind = 'info', ms = 5000) {
  const r = liveRegion();
  const el = h('div', { class: ['toast', `toast-${kind}`] }, message,
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('common.close'), onclick: () => el.remove() }, '×'));
  r.appendChild(el);
  if (ms > 0) setTimeout(() => el.remove(), kind === 'error' ? ms * 2 : ms);
  return el;
}

/** status(el, message, kind): writes a message into a region of the page with aria-live. */
export function status(el, message, kind = 'info') {
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.setAttribute('aria-live', kind === 'error' ? 'assertive' : 'polite');
  el.className = message ? `alert alert-${kind}` : '';
  el.textContent = message || '';
  return el;
}

/* ------------------------------------------------------------------ dialogs */

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * dialog({title, body, fields, okLabel, cancelLabel, danger}) -> Promise<null | values>
 * A modal that traps focus; Escape or Cancel resolves null; OK resolves the form's values
 * ({name: value}). fields: specs for field() ({label, name, type, rows, required, options, value, hint}).
 */
export function dialog({ title, body, fields = [], okLabel, cancelLabel, danger = false, validate } = {}) {
  return new Promise((resolve) => {
    const prev = document.activeElement;
    const titleId = uid('dlg');
    const form = h('form', { class: 'dialog-form', novalidate: true });
    const ctls = fields.map((f) => {
      const { label, hint, ...spec } = f;
      const c = control(spec);
      form.appendChild(field(label, c, null, { hint }));
      return c;
    });
    const ok = h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'] }, okLabel || t('common.ok'));
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, cancelLabel || t('common.cancel'));
    form.appendChild(h('div', { class: 'dialog-actions' }, cancel, ok));
    const box = h('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title || t('common.confirm')), body ? h('div', { class: 'dialog-body' }, body) : null, form);
    const backdrop = h('div', { class: 'dialog-backdrop' }, box);
    const others = Array.from(document.body.children).filter((el) => el !== backdrop && !el.inert && el.id !== 'nr-live');
    const close = (val) => {
      document.removeEventListener('keydown', onKey, true);
      others.forEach((el) => { el.inert = false; el.removeAttribute('aria-hidden'); });
      backdrop.remove();
      if (prev && prev.focus) prev.focus();
      resolve(val);
    };
    const onKey = (ev) => {
      if (ev.key === 'Escape') { ev.preventDefault(); close(null); return; }
      if (ev.key !== 'Tab') return;
      const items = qsa(FOCUSABLE, box);
      if (!items.length) return;
      const first = items[0]; const last = items[items.length - 1];
      if (ev.shiftKey && (document.activeElement === first || !box.contains(document.activeElement))) { ev.preventDefault(); last.focus(); }
      else if (!ev.shiftKey && (document.activeElement === last || !box.contains(document.activeElement))) { ev.preventDefault(); first.focus(); }
    };
    cancel.addEventListener('click', () => close(null));
    backdrop.addEventListener('mousedown', (ev) => { if (ev.target === backdrop) close(null); });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const values = {};
      for (const c of ctls) values[c.name] = c.type === 'checkbox' ? c.checked : c.value;
      for (const c of ctls) {
        if (c.required && !String(values[c.name] || '').trim()) {
          formErrors(form, new ApiError({ code: 'invalid', field: c.name, message: t('common.required') }));
          return;
        }
      }
      const problem = validate ? validate(values) : null;
      if (problem) { formErrors(form, new ApiError({ code: 'invalid', field: problem.field, message: problem.message })); return; }
      close(values);
    });
    document.addEventListener('keydown', onKey, true);
    others.forEach((el) => { el.inert = true; el.setAttribute('aria-hidden', 'true'); });
    document.body.appendChild(backdrop);
    (ctls[0] || cancel).focus();
  });
}

/** confirm(message, {title, okLabel, cancelLabel, danger}) -> Promise<boolean> */
export async function confirm(message, opts = {}) {
  const v = await dialog({ ...opts, body: message });
  return v !== null;
}

/** promptText(title, label, {required, rows, okLabel, hint, value}) -> Promise<string | null> (e.g. a reason). */
export async function promptText(title, label, { required = true, rows = 3, okLabel, hint, value, danger } = {}) {
  const v = await dialog({ title, okLabel, danger, fields: [{ label, name: 'text', rows, required, hint, value }] });
  return v === null ? null : v.text;
}

export { clear };
