// #/provider: the provider's portal (R2, R3, R13). Apply for a review of one of its products
// (POST /api/v1/cases with the trigger provider_application), follow its cases with their phase
// and deadlines; #/provider?case=REF opens one case: the phases with their deadlines, the requests
// for materials (the provider marks them received: POST /cases/{case}/materials/received), the
// materials it uploads (the evidence upload of docs/API.md), and its security commitment
// (POST /cases/{case}/commitment).

import { h, clear } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, tOr, fmtDate, fmtDateTime, fmtNumber } from '../lib/i18n.js';
import { href, navigate } from '../lib/router.js';
import {
  table, badge, field, control, formErrors, clearErrors, notice, pageTitle, defList, status, toast,
  confirm, errorText,
} from '../lib/ui.js';
import { allCases, mapLimit, procedure, evidenceUploader, evidenceTable, hashCode } from './tasks.js';

/** The procedure's phases for the provider's actions (commitment.sign, evidence.add, materials.receive). */
const COMMITMENT_PHASES = ['acceptance', 'evaluation'];
const MATERIAL_PHASES = ['acceptance', 'evaluation', 'expert_review', 'special_review'];
const SECTORS = ['finance', 'telecom', 'energy', 'transport', 'water', 'government'];

function caseHref(ref) { return href(`/cases/${encodeURIComponent(ref)}`); }
function openRequests(c) { return (c.material_requests || []).filter((r) => !r.received_at); }

function dueCell(c) {
  if (c.closed || !c.phase_due) return '—';
  return h('span', { class: 'nowrap' }, fmtDate(c.phase_due),
    c.clock === 'paused' ? [' ', badge('status', 'paused')] : null,
    c.overdue ? [' ', badge('status', 'overdue')] : null);
}

/* ------------------------------------------------------------------ apply */

function applyForm({ products, onDone }) {
  const product = control({ name: 'product', required: true,
    options: [['', t('provider.apply.choose_product')], ...products.map((p) => [String(p.id), p.name])] });
  const versions = control({ name: 'versions', maxlength: 200, placeholder: t('provider.apply.versions_placeholder') });
  const sector = control({ name: 'sector', options: [['', t('provider.apply.no_sector')], ...SECTORS.map((s) => [s, tOr(`sector.${s}`, s)])] });
  const title = control({ name: 'title', maxlength: 300 });
  const detail = control({ name: 'detail', rows: 4 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('provider.apply.submit'));
  const form = h('form', { class: 'form apply-form', novalidate: true },
    h('div', { class: 'grid' },
      field(t('provider.apply.product'), product),
      field(t('provider.apply.versions'), versions, null, { hint: t('provider.apply.versions_hint') }),
      field(t('provider.apply.sector'), sector, null, { hint: t('provider.apply.sector_hint') })),
    field(t('provider.apply.case_title'), title, null, { hint: t('provider.apply.case_title_hint') }),
    field(t('provider.apply.detail'), detail, null, { hint: t('provider.apply.detail_hint') }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!product.value) {
      formErrors(form, new ApiError({ code: 'required', field: 'product', message: t('common.required') }));
      return;
    }
    const body = { trigger: 'provider_application', product: product.value };
    if (versions.value.trim()) body.versions = versions.value.trim();
    if (sector.value) body.sector = sector.value;
    if (title.value.trim()) body.title = title.value.trim();
    if (detail.value.trim()) body.detail = detail.value.trim();
    submit.disabled = true;
    try {
      const c = await api.post('/cases', body);
      form.reset();
      toast(t('provider.apply.done', { ref: c.ref }), 'success');
      if (onDone) await onDone(c);
    } catch (err) {
      formErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/* ------------------------------------------------------------------ the portal */

async function renderPortal(main, ctx) {
  const { user } = ctx;
  main.appendChild(pageTitle(t('provider.heading')));
  main.appendChild(h('p', { class: 'muted' }, t('provider.intro', { org: user.org || user.name || user.login })));
  const [proc, products, cases] = await Promise.all([
    procedure(),
    user.org ? api.get('/products', { provider: user.org }) : Promise.resolve([]),
    allCases(),
  ]);
  // the open cases' details: commitment and requests for materials
  const details = await mapLimit(cases, 6, async (c) => {
    if (c.closed) return null;
    try { return await api.get(`/cases/${encodeURIComponent(c.ref)}`); } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
      throw e;
    }
  });
  const detailOf = new Map(details.filter(Boolean).map((d) => [d.id, d]));

  const needs = cases.filter((c) => {
    const d = detailOf.get(c.id);
    return d && ((openRequests(d).length && MATERIAL_PHASES.includes(d.phase)) || (!d.commitment && COMMITMENT_PHASES.includes(d.phase)));
  });
  if (needs.length) {
    const links = [];
    needs.forEach((c, i) => {
      if (i) links.push(', ');
      links.push(h('a', { href: href('/provider', { case: c.ref }) }, c.ref));
    });
    main.appendChild(h('div', { class: 'alert alert-warn', id: 'provider-attention' },
      t('provider.attention', { n: fmtNumber(needs.length) }), ' ', links));
  }

  const order = (c) => (c.closed ? 1 : 0);
  const rows = cases.slice().sort((a, b) => order(a) - order(b) || b.id - a.id);
  main.appendChild(h('section', { class: 'section', id: 'provider-cases', 'aria-labelledby': 'provider-cases-h' },
    h('h2', { id: 'provider-cases-h' }, t('provider.cases.heading')),
    table([
      { key: 'ref', label: t('provider.cases.case'), rowHeader: true,
        render: (c) => h('span', h('a', { href: href('/provider', { case: c.ref }), class: 'provider-case-link nowrap', dataset: { case: c.ref } }, c.ref), h('br'), h('span', { class: 'small' }, c.title || '')) },
      { key: 'trigger', label: t('provider.cases.trigger'), render: (c) => tOr(`trigger.${c.trigger}`, c.trigger) },
      { key: 'phase', label: t('provider.cases.phase'), render: (c) => badge('phase', c.phase) },
      { key: 'due', label: t('provider.cases.due'), render: dueCell },
      { key: 'commitment', label: t('provider.cases.commitment'), render: (c) => {
        const d = detailOf.get(c.id);
        if (!d) return '—';
        if (d.commitment) return badge('status', 'signed', { label: t('provider.commitment.signed_short') });
        return COMMITMENT_PHASES.includes(d.phase) ? badge('status', 'pending', { label: t('provider.commitment.to_sign') }) : '—';
      } },
      { key: 'requests', label: t('provider.cases.requests'), render: (c) => {
        const d = detailOf.get(c.id);
        const n = d ? openRequests(d).length : 0;
        return n ? badge('status', 'open', { label: t('provider.requests.open_count', { n: fmtNumber(n) }) }) : '—';
      } },
    ], rows, { caption: t('provider.cases.caption'), empty: t('provider.cases.none') })));

  const canApply = (proc.triggers || []).some((tr) => tr.id === 'provider_application' && (tr.roles || []).includes('provider'));
  if (canApply && user.role === 'provider') {
    main.appendChild(h('section', { class: 'card section', id: 'provider-apply', 'aria-labelledby': 'provider-apply-h' },
      h('h2', { id: 'provider-apply-h' }, t('provider.apply.heading')),
      h('p', { class: 'muted' }, t('provider.apply.intro')),
      products.length
        ? applyForm({ products, onDone: (c) => navigate('/provider', { case: c.ref }) })
        : notice(t('provider.apply.no_products'), 'info')));
  }
}

/* ------------------------------------------------------------------ one case */

function timeline(c) {
  const phases = c.phases || [];
  return h('ol', { class: 'timeline' }, phases.map((p) => {
    const current = !p.left_at && !c.closed;
    return h('li', { class: [p.left_at ? 'is-done' : null, current ? 'is-current' : null, current && c.overdue ? 'is-overdue' : null] },
      h('strong', tOr(`phase.${p.phase}`, p.phase)), ' ',
      h('span', { class: 'small' }, t('provider.timeline.entered', { date: fmtDateTime(p.entered_at) })),
      p.due ? h('span', { class: 'small' }, ` · ${t('provider.timeline.due', { date: fmtDate(p.due) })}`) : null,
      p.left_at ? h('span', { class: 'small' }, ` · ${t('provider.timeline.left', { date: fmtDateTime(p.left_at) })}`) : null,
      p.reason ? h('div', { class: 'small muted' }, p.reason) : null);
  }));
}

function commitmentForm({ c, user, onDone }) {
  const text = control({ name: 'text', rows: 10, required: true,
    value: t('provider.commitment.template', { org: user.org || '', product: c.product || c.title || '', versions: c.versions || '' }) });
  const authorised = h('input', { type: 'checkbox', name: 'authorised', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('provider.commitment.submit'));
  const form = h('form', { class: 'form commitment-form', novalidate: true },
    field(t('provider.commitment.text'), text, null, { hint: t('provider.commitment.text_hint') }),
    field(t('provider.commitment.authorised', { org: user.org || '' }), authorised),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!text.value.trim()) {
      formErrors(form, new ApiError({ code: 'required', field: 'text', message: t('common.required') }));
      return;
    }
    if (!authorised.checked) {
      formErrors(form, new ApiError({ code: 'required', field: 'authorised', message: t('provider.commitment.need_authorised') }));
      return;
    }
    submit.disabled = true;
    try {
      await api.post(`/cases/${encodeURIComponent(c.ref)}/commitment`, { text: text.value.trim() });
      toast(t('provider.commitment.done'), 'success');
      if (onDone) await onDone();
    } catch (err) {
      formErrors(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

async function renderCase(main, params, ctx) {
  const { user } = ctx;
  main.appendChild(h('p', h('a', { href: href('/provider'), class: 'back-link' }, `← ${t('provider.back')}`)));
  let c = await api.get(`/cases/${encodeURIComponent(params.case)}`);
  const live = h('div', { id: 'provider-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const body = h('div', { class: 'provider-body' });
  main.append(pageTitle(t('provider.case_heading', { ref: c.ref })), live, body);

  const reload = async () => {
    c = await api.get(`/cases/${encodeURIComponent(c.ref)}`);
    draw();
  };
  const isProvider = user.role === 'provider';

  const markReceived = async () => {
    const ok = await confirm(t('provider.requests.confirm_body'), { title: t('provider.requests.confirm_title'), okLabel: t('provider.requests.confirm_ok') });
    if (!ok) return;
    try {
      c = await api.post(`/cases/${encodeURIComponent(c.ref)}/materials/received`);
      draw();
      status(live, t('provider.requests.done'), 'success');
      live.focus();
      toast(t('provider.requests.done'), 'success');
    } catch (err) {
      status(live, errorText(err), 'error');
    }
  };

  function draw() {
    clear(body);
    body.appendChild(h('section', { class: 'card section', 'aria-labelledby': 'provider-about-h' },
      h('h2', { id: 'provider-about-h' }, t('provider.case.about')),
      defList([
        [t('provider.cases.case'), h('span', h('a', { href: caseHref(c.ref) }, c.ref), ` · ${c.title || ''}`)],
        [t('provider.case.product'), c.product ? `${c.product} · ${c.versions || ''}` : c.versions],
        [t('provider.cases.trigger'), tOr(`trigger.${c.trigger}`, c.trigger)],
        [t('provider.cases.phase'), badge('phase', c.phase)],
        [t('provider.cases.due'), dueCell(c)],
        [t('provider.case.clock'), c.clock && c.clock !== 'none' ? tOr(`status.${c.clock}`, c.clock) + (c.clock === 'paused' && c.paused_on ? ` · ${t('provider.case.paused_on', { date: fmtDate(c.paused_on) })}` : '') : null],
        [t('provider.case.opened'), fmtDateTime(c.opened_at)],
        [t('provider.case.decision'), c.decision ? badge('outcome', c.decision.outcome) : null],
      ]),
      h('h3', t('provider.timeline.heading')),
      timeline(c)));

    // requests for materials
    const reqs = c.material_requests || [];
    const open = openRequests(c);
    const rSec = h('section', { class: 'section', id: 'provider-requests', 'aria-labelledby': 'provider-requests-h' },
      h('h2', { id: 'provider-requests-h' }, t('provider.requests.heading')),
      table([
        { key: 'what', label: t('provider.requests.what'), rowHeader: true },
        { key: 'requested_at', label: t('provider.requests.requested'), render: (r) => fmtDateTime(r.requested_at) },
        { key: 'received_at', label: t('provider.requests.received'),
          render: (r) => (r.received_at ? fmtDateTime(r.received_at) : badge('status', 'open', { label: t('provider.requests.waiting') })) },
      ], reqs, { caption: t('provider.requests.caption'), empty: t('provider.requests.none') }));
    if (open.length && isProvider && MATERIAL_PHASES.includes(c.phase)) {
      rSec.appendChild(notice(t('provider.requests.clock_paused'), 'warn'));
      rSec.appendChild(h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-primary', id: 'mark-received', onclick: markReceived }, t('provider.requests.mark'))));
    }
    body.appendChild(rSec);

    // materials (evidence the provider sends)
    const mSec = h('section', { class: 'section', id: 'provider-materials', 'aria-labelledby': 'provider-materials-h' },
      h('h2', { id: 'provider-materials-h' }, t('provider.materials.heading')),
      evidenceTable(c.evidence || [], { caption: t('provider.materials.caption'), empty: t('provider.materials.none'), download: false }));
    if (isProvider && MATERIAL_PHASES.includes(c.phase)) {
      mSec.appendChild(evidenceUploader({
        caseRef: c.ref,
        heading: t('provider.materials.upload'),
        onDone: async (e) => {
          status(live, t('tasks.upload.stored', { name: e.filename, sha: e.sha256 }), 'success');
          c = await api.get(`/cases/${encodeURIComponent(c.ref)}`);
          const tbl = mSec.querySelector('.table-wrap');
          if (tbl) tbl.replaceWith(evidenceTable(c.evidence || [], { caption: t('provider.materials.caption'), empty: t('provider.materials.none'), download: false }));
        },
      }));
    }
    body.appendChild(mSec);

    // the security commitment
    const cSec = h('section', { class: 'section', id: 'provider-commitment', 'aria-labelledby': 'provider-commitment-h' },
      h('h2', { id: 'provider-commitment-h' }, t('provider.commitment.heading')));
    if (c.commitment) {
      cSec.appendChild(notice(t('provider.commitment.signed', { by: c.commitment.signed_by || '', date: fmtDateTime(c.commitment.signed_at) }), 'success'));
      cSec.appendChild(defList([
        [t('provider.commitment.signed_by'), c.commitment.signed_by],
        [t('provider.commitment.signed_at'), fmtDateTime(c.commitment.signed_at)],
        [t('provider.commitment.text_hash'), hashCode(c.commitment.text_hash)],
        [t('provider.commitment.key'), c.commitment.key_id ? h('code', c.commitment.key_id) : null],
      ]));
    } else if (isProvider && COMMITMENT_PHASES.includes(c.phase)) {
      cSec.appendChild(h('p', { class: 'muted' }, t('provider.commitment.intro')));
      cSec.appendChild(h('div', { class: 'card' }, commitmentForm({ c, user, onDone: async () => { await reload(); status(live, t('provider.commitment.done'), 'success'); live.focus(); } })));
    } else {
      cSec.appendChild(notice(t('provider.commitment.not_now'), 'info'));
    }
    body.appendChild(cSec);
  }

  draw();
}

/* ------------------------------------------------------------------ the page */

export default {
  path: '/provider',
  title: 'provider.title',
  roles: ['provider'],
  nav: 'provider.nav',
  async render(main, params, ctx) {
    if (params.case) return renderCase(main, params, ctx);
    return renderPortal(main, ctx);
  },
};
