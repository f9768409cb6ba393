// The operator's workspace (#/procurement): check the procurement gate for a product and version
// (R9: GET /api/v1/gate with operator = the user's organisation), declare a procurement (R1:
// POST /api/v1/declarations, which opens a case in scoping), the operator's own declarations with
// their case's phase (GET /api/v1/declarations), and the results it may see (GET /api/v1/decisions
// as this user: those circulated to its organisation or sector, and the public register).

import { h, replace, uid, formData } from '../lib/dom.js';
import { t, tOr, lang, fmtDate, fmtDateTime, fmtNumber } from '../lib/i18n.js';
import { table, badge, field, control, button, formErrors, clearErrors, errorBox, pageTitle, defList, toneOf } from '../lib/ui.js';
import { href } from '../lib/router.js';

const KINDS = ['product', 'cpe', 'purl'];

// What the user typed and the last answers survive a language switch (the app re-renders).
const state = {
  gate: { kind: 'product', ident: '', version: '' },
  gateAnswer: null,
  declare: { product: '', versions: '', purpose: '', contract_ref: '', national_security: false },
  declared: null,
  showPublic: false,
};

function verdictClass(tone) {
  return { good: 'alert-success', bad: 'alert-error', warn: 'alert-warn' }[tone] || 'alert-info';
}

const SYMBOL = { good: '✓', warn: '!', bad: '✕', info: '•', muted: '–' };

/** The big answer of the gate: the procurement verdict in large type on a box of its tone (colour,
 *  symbol and words), then the review status and the reason. */
function gateVerdict(a) {
  const tone = toneOf('procurement', a.procurement);
  // The server's reason is in English: in another language a sentence of ours comes first.
  const own = lang() !== 'en' ? t(`procurement.gate.why.${a.status}`, {
    case: a.case_ref || '', until: a.valid_until ? fmtDate(a.valid_until) : '', product: a.product || '', version: a.version || '',
  }) : null;
  return h('div', { class: ['alert', verdictClass(tone), 'gate-verdict'], id: 'gate-answer', dataset: { procurement: a.procurement, status: a.status } },
    h('h3', { class: 'gate-verdict-title', id: 'gate-procurement', dataset: { value: a.procurement } },
      h('span', { 'aria-hidden': 'true' }, `${SYMBOL[tone] || ''} `), tOr(`procurement.${a.procurement}`, a.procurement)),
    h('p', { class: 'row' }, h('span', t('procurement.gate.review_status')), badge('gate', a.status)),
    own ? h('p', { class: 'gate-why' }, own) : null,
    h('p', { class: own ? 'gate-reason small' : 'gate-reason', id: 'gate-reason', lang: 'en' }, a.reason || ''),
    defList([
      [t('procurement.gate.product'), a.product],
      [t('procurement.gate.version'), a.version],
      [t('procurement.gate.case'), a.case_ref],
      [t('procurement.gate.valid_until'), a.valid_until ? fmtDate(a.valid_until) : null],
      [t('procurement.gate.conditions'), a.conditions],
      [t('procurement.gate.result'), a.decision_id ? h('a', { href: href(`/results/${a.decision_id}`) }, t('procurement.gate.open_result')) : null],
    ]));
}

export default {
  path: '/procurement',
  title: 'procurement.title',
  roles: ['operator'],
  nav: 'procurement.nav',

  async render(main, params, ctx) {
    const { api, user } = ctx;
    const org = (user && user.org) || '';

    main.appendChild(pageTitle(t('procurement.title')));
    main.appendChild(h('p', { class: 'muted' }, t('procurement.intro', { org })));

    // ------------------------------------------------------------ the gate
    const gateCtl = {
      kind: control({ name: 'kind', value: state.gate.kind,
        options: KINDS.map((k) => [k, t(`procurement.gate.kind.${k}`)]) }),
      ident: control({ name: 'ident', value: state.gate.ident, required: true, autocomplete: 'off', list: uid('gate-products') }),
      version: control({ name: 'version', value: state.gate.version, autocomplete: 'off' }),
    };
    const productsList = h('datalist', { id: gateCtl.ident.getAttribute('list') });
    const identField = field(t(`procurement.gate.ident.${state.gate.kind}`), gateCtl.ident, null,
      { hint: t(`procurement.gate.ident_hint.${state.gate.kind}`) });
    identField.dataset.field = 'ident';
    const versionField = field(t('procurement.gate.version'), gateCtl.version, null, { hint: t('procurement.gate.version_hint') });
    const gateOut = h('div', { id: 'gate-out', 'aria-live': 'polite' });
    const gateSubmit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'gate-check' }, t('procurement.gate.check'));
    const gateForm = h('form', { class: 'form', id: 'gate-form', novalidate: true },
      field(t('procurement.gate.kind_label'), gateCtl.kind),
      identField, productsList, versionField,
      h('div', { class: 'actions' }, gateSubmit));
    const relabel = () => {
      const k = gateCtl.kind.value;
      identField.querySelector('label').firstChild.textContent = t(`procurement.gate.ident.${k}`);
      const hint = identField.querySelector('.hint');
      if (hint) hint.textContent = t(`procurement.gate.ident_hint.${k}`);
      if (k === 'product') gateCtl.ident.setAttribute('list', productsList.id); else gateCtl.ident.removeAttribute('list');
    };
    gateCtl.kind.addEventListener('change', () => { state.gate.kind = gateCtl.kind.value; relabel(); });
    gateCtl.ident.addEventListener('input', () => { state.gate.ident = gateCtl.ident.value; });
    gateCtl.version.addEventListener('input', () => { state.gate.version = gateCtl.version.value; });
    relabel();

    const showGate = (a) => {
      const parts = [gateVerdict(a)];
      if (a.procurement === 'review_required' || a.procurement === 'prohibited') {
        parts.push(h('p', { class: 'actions' }, button(t('procurement.gate.declare_this'), () => {
          declCtl.product.value = a.product || gateCtl.ident.value;
          declCtl.versions.value = a.version || gateCtl.version.value || '';
          state.declare.product = declCtl.product.value;
          state.declare.versions = declCtl.versions.value;
          declCtl.product.focus();
        }, { id: 'gate-declare-this' })));
      }
      replace(gateOut, ...parts);
    };

    gateForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(gateForm);
      const kind = gateCtl.kind.value;
      const ident = gateCtl.ident.value.trim();
      const version = gateCtl.version.value.trim();
      if (!ident) {
        formErrors(gateForm, { field: 'ident', message: t('common.required') });
        return;
      }
      gateSubmit.disabled = true;
      replace(gateOut, h('p', { class: 'loading', role: 'status' }, t('procurement.gate.asking')));
      try {
        const a = await api.get('/gate', { [kind]: ident, version, operator: org || undefined });
        state.gateAnswer = a;
        showGate(a);
      } catch (err) {
        state.gateAnswer = null;
        replace(gateOut);
        // the API names its query parameter (product, cpe, purl, version): show it at our field
        if (err && KINDS.includes(err.field)) err.field = 'ident';
        formErrors(gateForm, err);
      } finally {
        gateSubmit.disabled = false;
      }
    });

    main.appendChild(h('section', { class: 'card', 'aria-labelledby': 'gate-h', id: 'gate-section' },
      h('h2', { id: 'gate-h' }, t('procurement.gate.title')),
      h('p', { class: 'muted small' }, t('procurement.gate.intro')),
      gateForm, gateOut));
    if (state.gateAnswer) showGate(state.gateAnswer);

    // ------------------------------------------------------------ declare
    const declCtl = {
      product: control({ name: 'product', value: state.declare.product, required: true, autocomplete: 'off', list: productsList.id }),
      versions: control({ name: 'versions', value: state.declare.versions, required: true, autocomplete: 'off' }),
      purpose: control({ name: 'purpose', value: state.declare.purpose, rows: 3 }),
      contract_ref: control({ name: 'contract_ref', value: state.declare.contract_ref, maxlength: 256, autocomplete: 'off' }),
      national_security: control({ name: 'national_security', type: 'checkbox', value: state.declare.national_security }),
    };
    for (const [k, c] of Object.entries(declCtl)) {
      c.addEventListener(c.type === 'checkbox' ? 'change' : 'input', () => { state.declare[k] = c.type === 'checkbox' ? c.checked : c.value; });
    }
    const declOut = h('div', { id: 'declare-out', 'aria-live': 'polite' });
    const declSubmit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'declare-submit' }, t('procurement.declare.submit'));
    const declForm = h('form', { class: 'form', id: 'declare-form', novalidate: true },
      field(t('procurement.declare.product'), declCtl.product, null, { hint: t('procurement.declare.product_hint') }),
      field(t('procurement.declare.versions'), declCtl.versions, null, { hint: t('procurement.declare.versions_hint') }),
      field(t('procurement.declare.purpose'), declCtl.purpose),
      field(t('procurement.declare.contract_ref'), declCtl.contract_ref),
      field(t('procurement.declare.national_security'), declCtl.national_security, null, { hint: t('procurement.declare.national_security_hint') }),
      h('div', { class: 'actions' }, declSubmit));

    const showDeclared = (c) => {
      const box = h('div', { class: 'alert alert-success', id: 'declare-result', tabindex: '-1' },
        h('p', { class: 'mb-0' }, t('procurement.declare.done')),
        defList([
          [t('procurement.declare.case'), h('a', { href: href(`/cases/${c.ref || c.case_id}`), id: 'declare-case' }, c.ref || String(c.case_id))],
          [t('procurement.declare.phase'), badge('phase', c.phase)],
          [t('procurement.declare.phase_due'), c.phase_due ? fmtDate(c.phase_due) : null],
          [t('procurement.declare.sector'), c.sector ? tOr(`sector.${c.sector}`, c.sector) : null],
        ]),
        h('p', { class: 'small mb-0' }, t(c.phase === 'scoping' ? 'procurement.declare.next_scoping' : 'procurement.declare.next_other')));
      replace(declOut, box);
      return box;
    };

    declForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(declForm);
      const body = formData(declForm);
      for (const k of ['product', 'versions', 'purpose', 'contract_ref']) {
        if (typeof body[k] === 'string') body[k] = body[k].trim();
        if (body[k] === '') delete body[k];
      }
      const missing = ['product', 'versions'].filter((k) => !body[k]);
      if (missing.length) {
        formErrors(declForm, { field: missing[0], message: t('common.required') });
        return;
      }
      declSubmit.disabled = true;
      try {
        const c = await api.post('/declarations', body);
        state.declared = c;
        state.declare = { product: '', versions: '', purpose: '', contract_ref: '', national_security: false };
        for (const ctl of Object.values(declCtl)) { if (ctl.type === 'checkbox') ctl.checked = false; else ctl.value = ''; }
        showDeclared(c).focus();
        loadDeclarations();
      } catch (err) {
        formErrors(declForm, err);
      } finally {
        declSubmit.disabled = false;
      }
    });

    main.appendChild(h('section', { class: 'card', 'aria-labelledby': 'declare-h', id: 'declare-section' },
      h('h2', { id: 'declare-h' }, t('procurement.declare.title')),
      h('p', { class: 'muted small' }, t('procurement.declare.intro')),
      declForm, declOut));
    if (state.declared) showDeclared(state.declared);

    // ------------------------------------------------------------ my declarations
    const declList = h('div', { id: 'declarations' });
    main.appendChild(h('section', { class: 'section', 'aria-labelledby': 'declarations-h' },
      h('h2', { id: 'declarations-h' }, t('procurement.declarations.title')), declList));

    async function loadDeclarations() {
      try {
        const list = await api.get('/declarations');
        const rows = (Array.isArray(list) ? list : []).slice().sort((a, b) => String(b.declared_at).localeCompare(String(a.declared_at)) || b.id - a.id);
        replace(declList, table([
          { key: 'case_ref', label: t('procurement.declarations.case'), rowHeader: true,
            render: (d) => h('a', { href: href(`/cases/${d.case_ref || d.case_id}`) }, d.case_ref || String(d.case_id)) },
          { key: 'product', label: t('procurement.declarations.product') },
          { key: 'versions', label: t('procurement.declarations.versions'), render: (d) => h('code', d.versions) },
          { key: 'case_phase', label: t('procurement.declarations.phase'), render: (d) => badge('phase', d.case_phase) },
          { key: 'national_security', label: t('procurement.declarations.national_security'),
            render: (d) => (d.national_security ? t('common.yes') : t('common.no')) },
          { key: 'contract_ref', label: t('procurement.declarations.contract') },
          { key: 'declared_at', label: t('procurement.declarations.declared'), render: (d) => h('span', { class: 'nowrap' }, fmtDateTime(d.declared_at)) },
        ], rows, { caption: t('procurement.declarations.caption', { org }), empty: t('procurement.declarations.empty'), className: 'declarations-table' }));
      } catch (err) {
        replace(declList, errorBox(err));
      }
    }

    // ------------------------------------------------------------ results it may see
    const resList = h('div', { id: 'circulated' });
    const showPublic = control({ name: 'show_public', type: 'checkbox', value: state.showPublic });
    main.appendChild(h('section', { class: 'section', 'aria-labelledby': 'circulated-h' },
      h('h2', { id: 'circulated-h' }, t('procurement.results.title')),
      h('p', { class: 'muted small' }, t('procurement.results.intro')),
      field(t('procurement.results.show_public'), showPublic),
      resList));
    let decisions = [];
    let more = null;
    const drawResults = () => {
      const rows = decisions.filter((d) => state.showPublic || d.visibility !== 'public');
      replace(resList, table([
        { key: 'product', label: t('procurement.results.product'), rowHeader: true,
          render: (d) => h('a', { href: href(`/results/${d.id}`) }, d.product || String(d.id)) },
        { key: 'provider', label: t('procurement.results.provider') },
        { key: 'versions', label: t('procurement.results.versions'), render: (d) => h('code', d.versions) },
        { key: 'outcome', label: t('procurement.results.outcome'), render: (d) => badge('outcome', d.outcome) },
        { key: 'visibility', label: t('procurement.results.visibility'), render: (d) => badge('visibility', d.visibility) },
        { key: 'status', label: t('procurement.results.status'), render: (d) => badge('status', d.status) },
        { key: 'valid_until', label: t('procurement.results.valid_until'), render: (d) => h('span', { class: 'nowrap' }, fmtDate(d.valid_until)) },
      ], rows, { caption: t('procurement.results.caption'),
        empty: state.showPublic ? t('procurement.results.empty_all') : t('procurement.results.empty'), className: 'circulated-table' }),
      more !== null ? h('p', { class: 'actions' }, button(t('procurement.results.more'), () => loadResults(more), { id: 'circulated-more' })) : null,
      h('p', { class: 'small muted' }, t('procurement.results.count', { n: fmtNumber(rows.length) })));
    };
    showPublic.addEventListener('change', () => { state.showPublic = showPublic.checked; drawResults(); });

    async function loadResults(offset = 0) {
      try {
        const page = await api.get('/decisions', { limit: 500, offset });
        const items = (page && page.items) || [];
        decisions = offset ? decisions.concat(items) : items;
        // circulated (restricted) results first, then by decision date, newest first
        decisions.sort((a, b) => (a.visibility === 'public') - (b.visibility === 'public')
          || String(b.decided_at).localeCompare(String(a.decided_at)));
        more = page && page.next_offset !== undefined && page.next_offset !== null ? page.next_offset : null;
        drawResults();
      } catch (err) {
        replace(resList, errorBox(err));
      }
    }

    // the product names for the gate's and the declaration's suggestions
    api.get('/products').then((list) => {
      replace(productsList, (Array.isArray(list) ? list : []).map((p) => h('option', { value: p.name }, p.provider || '')));
    }).catch(() => { /* suggestions only */ });

    await Promise.all([loadDeclarations(), loadResults()]);
  },
};

