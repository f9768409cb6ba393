// #/cases: the cases the user may see (GET /api/v1/cases, filters, pages of next_offset), and
// the form that raises a case (POST /api/v1/cases) for a role that may raise one of the
// procedure's triggers (R2); for the `complaints` trigger the office groups complaints that
// have no case yet.
//
// Also exports the small helpers that dashboard.js and case.js share: labels of procedure
// values, the phase and clock badges of a case, the whole case list.

import { h, clear, uid } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, tOr, fmtDate, fmtNumber } from '../lib/i18n.js';
import { href, navigate } from '../lib/router.js';
import { table, badge, field, control, formErrors, clearErrors, pageTitle, errorBox, toast, status } from '../lib/ui.js';

const PAGE_SIZE = 50;

/* ------------------------------------------------------------------ shared helpers */

/** The words for a value of the procedure: tOr(`${kind}.${value}`), else the id made readable. */
export function label(kind, value) {
  if (value === null || value === undefined || value === '') return '—';
  return tOr(`${kind}.${value}`, String(value).replace(/_/g, ' '));
}

/** A link to a case: its reference. */
export function caseLink(c, text) {
  const ref = c.ref || c.case_ref || c.id || c.case_id;
  return h('a', { href: href(`/cases/${encodeURIComponent(ref)}`), class: 'case-link nowrap' }, text || String(ref));
}

/** The badge of a case's clock: running, paused (since a date), stopped; none: no deadline. */
export function clockBadge(c) {
  const clock = c.clock || 'none';
  if (clock === 'none') return h('span', { class: 'muted small clock-none', dataset: { kind: 'clock', value: 'none' } }, t('cases.clock.none'));
  const text = clock === 'running' ? t('cases.clock.running')
    : clock === 'paused' ? (c.paused_on ? t('cases.clock.paused_since', { date: fmtDate(c.paused_on) }) : t('cases.clock.paused'))
      : clock === 'stopped' ? t('cases.clock.stopped') : clock;
  const b = badge('clock', clock, { label: text });
  if (clock === 'stopped') b.classList.replace('tone-info', 'tone-muted');
  return b;
}

/** The deadline of the phase a case is in, with its overdue badge. */
export function dueCell(c) {
  if (!c.phase_due) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'due' },
    h('time', { datetime: c.phase_due }, fmtDate(c.phase_due)),
    c.overdue ? [' ', badge('status', 'overdue', { label: t('cases.overdue_badge') })] : null);
}

/** Every case the user may see that matches query, following next_offset (at most max). */
export async function fetchAllCases(query = {}, max = 5000) {
  const items = [];
  let offset = 0;
  for (;;) {
    const page = await api.get('/cases', { ...query, limit: 500, offset });
    items.push(...(page.items || []));
    if (page.next_offset === undefined || page.next_offset === null || items.length >= max) break;
    offset = page.next_offset;
  }
  return items;
}

/** The procedure in force, read once per page load. */
let procedurePromise = null;
export function procedure() {
  if (!procedurePromise) {
    procedurePromise = api.get('/procedure').catch((e) => { procedurePromise = null; throw e; });
  }
  return procedurePromise;
}

// Triggers that are raised only through a procurement declaration (the operator's page), not
// through POST /cases: the procedure file marks them `declaration`; GET /procedure may not say
// so, hence the ids of cn-2017 as a fallback.
const DECLARATION_TRIGGERS = ['procurement_declaration', 'national_security_procurement'];

/** The triggers of the procedure that user may raise here. */
export function raisableTriggers(proc, user) {
  if (!proc || !user) return [];
  return (proc.triggers || []).filter((tr) => (tr.roles || []).includes(user.role)
    && tr.declaration !== true && !(tr.declaration === undefined && DECLARATION_TRIGGERS.includes(tr.id)));
}

/* ------------------------------------------------------------------ the list */

function filterForm(proc, query, sectors) {
  const phases = (proc && proc.phases) || [];
  const triggers = (proc && proc.triggers) || [];
  const form = h('form', { class: 'filters', id: 'case-filters', role: 'search', 'aria-label': t('cases.filters') });
  form.append(
    field(t('cases.f.phase'), control({ name: 'phase', value: query.phase || '',
      options: [['', t('common.all')], ...phases.map((p) => [p.id, label('phase', p.id)])] })),
    field(t('cases.f.trigger'), control({ name: 'trigger', value: query.trigger || '',
      options: [['', t('common.all')], ...triggers.map((tr) => [tr.id, label('trigger', tr.id)])] })),
    field(t('cases.f.sector'), control({ name: 'sector', value: query.sector || '',
      options: [['', t('common.all')], ...sectors.map((s) => [s, label('sector', s)])] })),
    field(t('cases.f.product'), control({ name: 'product', value: query.product || '', type: 'search' })),
    field(t('cases.f.open'), control({ name: 'open', type: 'checkbox', value: query.open === 'true' })),
    field(t('cases.f.overdue'), control({ name: 'overdue', type: 'checkbox', value: query.overdue === 'true' })),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.apply')),
      h('a', { class: 'btn btn-secondary', href: href('/cases') }, t('common.reset'))),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = {};
    for (const name of ['phase', 'trigger', 'sector', 'product']) {
      const v = form.elements[name].value.trim();
      if (v) q[name] = v;
    }
    if (form.elements.open.checked) q.open = 'true';
    if (form.elements.overdue.checked) q.overdue = 'true';
    navigate('/cases', q);
  });
  return form;
}

function caseTable(items) {
  return table([
    { key: 'ref', label: t('cases.col.ref'), rowHeader: true, render: (c) => caseLink(c) },
    { key: 'title', label: t('cases.col.title') },
    { key: 'trigger', label: t('cases.col.trigger'), render: (c) => label('trigger', c.trigger) },
    { key: 'sector', label: t('cases.col.sector'), render: (c) => (c.sector ? label('sector', c.sector) : null) },
    { key: 'phase', label: t('cases.col.phase'), render: (c) => badge('phase', c.phase) },
    { key: 'phase_due', label: t('cases.col.due'), render: (c) => h('div', { class: 'due-clock' }, c.phase_due ? [dueCell(c), h('div', clockBadge(c))] : clockBadge(c)) },
    { key: 'opened_at', label: t('cases.col.opened'), render: (c) => h('time', { datetime: c.opened_at, class: 'nowrap' }, fmtDate(c.opened_at)) },
  ], items, { caption: t('cases.list_caption'), empty: t('cases.none'), className: 'cases-table',
    rowClass: (c) => (c.overdue ? 'is-overdue' : null) });
}

function pager(query, page) {
  const offset = Number(query.offset) || 0;
  const from = page.items.length ? offset + 1 : 0;
  const to = offset + page.items.length;
  const prev = offset > 0 ? { ...query, offset: Math.max(0, offset - PAGE_SIZE) } : null;
  const next = page.next_offset !== undefined && page.next_offset !== null ? { ...query, offset: page.next_offset } : null;
  if (prev && prev.offset === 0) delete prev.offset;
  return h('nav', { class: 'pager', 'aria-label': t('cases.pages') },
    h('span', { class: 'muted', 'aria-live': 'polite' }, t('cases.showing', { from: fmtNumber(from), to: fmtNumber(to) })),
    prev ? h('a', { class: 'btn btn-secondary btn-small', href: href('/cases', prev), rel: 'prev' }, t('common.previous')) : null,
    next ? h('a', { class: 'btn btn-secondary btn-small', href: href('/cases', next), rel: 'next', id: 'cases-next' }, t('common.next')) : null);
}

/* ------------------------------------------------------------------ raising a case */

function complaintPicker(complaints, preselect) {
  const free = complaints.filter((c) => !c.case_id);
  const fs = h('fieldset', { class: 'complaint-picker', dataset: { field: 'complaints' } },
    h('legend', t('cases.raise.complaints')));
  if (!free.length) {
    fs.appendChild(h('p', { class: 'muted' }, t('cases.raise.no_free_complaints')));
    return fs;
  }
  fs.appendChild(h('p', { class: 'hint' }, t('cases.raise.complaints_hint')));
  const list = h('div', { class: 'check-list' });
  for (const c of free) {
    const id = uid('complaint');
    const box = h('input', { type: 'checkbox', id, name: 'complaint', value: String(c.id),
      checked: preselect.includes(String(c.id)), dataset: { product: c.product_name || '', version: c.version || '' } });
    list.appendChild(h('div', { class: 'field-check' }, box,
      h('label', { for: id },
        h('strong', `#${c.id} ${c.product_name || ''}${c.version ? ` ${c.version}` : ''}`), ' — ',
        c.text, ' ', h('span', { class: 'muted small' }, fmtDate(c.received_at)))));
  }
  fs.appendChild(list);
  fs.appendChild(h('div', { class: 'field-error', role: 'alert', hidden: true }));
  return fs;
}

async function raiseForm(ctx, proc, query) {
  const triggers = raisableTriggers(proc, ctx.user);
  if (!triggers.length) return null;
  const [products, complaints] = await Promise.all([
    api.get('/products').catch(() => []),
    triggers.some((tr) => tr.id === 'complaints') ? api.get('/complaints').catch(() => []) : Promise.resolve([]),
  ]);
  // a provider applies only for its own products (R2): offer those
  const offered = (Array.isArray(products) ? products : [])
    .filter((p) => ctx.user.role !== 'provider' || !ctx.user.org || p.provider === ctx.user.org);
  const preTrigger = triggers.some((tr) => tr.id === query.raise) ? query.raise : triggers[0].id;
  const preComplaints = String(query.complaints || '').split(',').filter(Boolean);
  const listId = uid('products');
  const form = h('form', { class: 'form', id: 'raise-form', novalidate: true });
  const trigger = control({ name: 'trigger', value: preTrigger, required: true,
    options: triggers.map((tr) => [tr.id, label('trigger', tr.id)]) });
  const product = control({ name: 'product', required: true, list: listId, autocomplete: 'off' });
  const picker = complaintPicker(complaints, preComplaints);
  const reReview = field(t('cases.raise.re_review_of'), control({ name: 're_review_of' }), null, { hint: t('cases.raise.re_review_hint') });
  const out = h('div', { 'aria-live': 'polite' });
  form.append(
    field(t('cases.raise.trigger'), trigger),
    picker,
    reReview,
    field(t('cases.raise.product'), product, null, { hint: t('cases.raise.product_hint') }),
    h('datalist', { id: listId }, offered.map((p) => h('option', { value: p.name }, p.provider || ''))),
    field(t('cases.raise.versions'), control({ name: 'versions' }), null, { hint: t('cases.raise.versions_hint') }),
    field(t('cases.raise.title'), control({ name: 'title' }), null, { hint: t('cases.raise.title_hint') }),
    field(t('cases.raise.sector'), control({ name: 'sector', list: `${listId}-sectors` }), null, { hint: t('cases.raise.sector_hint') }),
    h('datalist', { id: `${listId}-sectors` }, ['finance', 'telecom', 'energy', 'transport', 'water', 'government'].map((s) => h('option', { value: s }, label('sector', s)))),
    field(t('cases.raise.detail'), control({ name: 'detail', rows: 4 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'raise-submit' }, t('cases.raise.submit'))),
    out,
  );
  const sync = () => {
    const isComplaints = trigger.value === 'complaints';
    picker.hidden = !isComplaints;
    reReview.hidden = trigger.value !== 're_review';
  };
  trigger.addEventListener('change', sync);
  // picking a complaint fills the product (and version) when they are still empty
  picker.addEventListener('change', (ev) => {
    const box = ev.target;
    if (!box || box.name !== 'complaint' || !box.checked) return;
    if (!product.value.trim() && box.dataset.product) product.value = box.dataset.product;
    const versions = form.elements.versions;
    if (!versions.value.trim() && box.dataset.version) versions.value = box.dataset.version;
  });
  sync();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    status(out, '');
    const body = { trigger: trigger.value, product: product.value.trim() };
    for (const name of ['versions', 'title', 'sector', 'detail']) {
      const v = form.elements[name].value.trim();
      if (v) body[name] = v;
    }
    if (!body.product) { formErrors(form, new ApiError({ code: 'required', field: 'product', message: t('common.required') })); return; }
    if (body.trigger === 'complaints') {
      const ids = Array.from(form.querySelectorAll('input[name="complaint"]:checked')).map((b) => Number(b.value));
      if (!ids.length) {
        const slot = picker.querySelector('.field-error');
        if (slot) { slot.textContent = t('cases.raise.pick_complaints'); slot.hidden = false; }
        const first = picker.querySelector('input');
        if (first) first.focus();
        return;
      }
      body.complaints = ids;
    }
    if (body.trigger === 're_review') {
      const v = form.elements.re_review_of.value.trim();
      if (!v) { formErrors(form, new ApiError({ code: 'required', field: 're_review_of', message: t('common.required') })); return; }
      body.re_review_of = /^\d+$/.test(v) ? Number(v) : v;
    }
    const submit = form.querySelector('#raise-submit');
    submit.disabled = true;
    status(out, t('cases.raise.sending'));
    try {
      const c = await api.post('/cases', body);
      toast(t('cases.raise.done', { ref: c.ref }), 'success');
      navigate(`/cases/${encodeURIComponent(c.ref)}`);
    } catch (err) {
      status(out, '');
      formErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'card raise', id: 'raise', open: !!query.raise },
    h('summary', { id: 'raise-summary' }, h('strong', t('cases.raise.heading'))),
    h('p', { class: 'hint' }, t('cases.raise.intro')),
    form);
}

/* ------------------------------------------------------------------ the page */

export default {
  path: '/cases',
  title: 'cases.title',
  roles: ['signed-in'],
  nav: 'cases.nav',
  async render(main, params, ctx) {
    const query = {};
    for (const k of ['phase', 'sector', 'trigger', 'product', 'overdue', 'open', 'offset', 'raise', 'complaints']) {
      if (params[k] !== undefined && params[k] !== '') query[k] = params[k];
    }
    const listQuery = { limit: PAGE_SIZE };
    for (const k of ['phase', 'sector', 'trigger', 'product', 'offset']) if (query[k]) listQuery[k] = query[k];
    if (query.overdue === 'true') listQuery.overdue = 'true';
    if (query.open === 'true') listQuery.open = 'true';

    const [proc, page] = await Promise.all([
      procedure().catch(() => null),
      api.get('/cases', listQuery),
    ]);
    // sectors to filter by: the common ones and those of the cases on screen
    const sectors = new Set(['finance', 'telecom', 'energy']);
    for (const c of page.items || []) if (c.sector) sectors.add(c.sector);
    if (query.sector) sectors.add(query.sector);

    let raise = null;
    try { raise = await raiseForm(ctx, proc, query); } catch (err) { raise = errorBox(err); }

    clear(main);
    main.append(
      pageTitle(t('cases.heading')),
      raise,
      h('section', { class: 'section', 'aria-labelledby': 'cases-list-h' },
        h('h2', { id: 'cases-list-h' }, t('cases.list_heading')),
        filterForm(proc, query, Array.from(sectors).sort()),
        caseTable(page.items || []),
        pager(query, page)),
    );
    if (query.raise) {
      const first = main.querySelector('#raise-form select, #raise-form input');
      if (first) setTimeout(() => first.focus(), 0);
    }
  },
};
