// The public register of published results (#/ and #/register): no sign-in needed.
//
// Filters: outcome, sector, product (name, CPE or package URL) and provider go to the API
// (GET /api/v1/decisions?outcome=&sector=&product=&provider=, exact matches). The free-text
// search and the date range have no API filter: they are applied here, in the browser, to the
// page the API returned; while one of them is set the page is fetched at the API's largest size
// (500) so that the search looks at as many results as one request may hold.
// The filters live in the hash (#/register?outcome=failed&q=router) so a filtered register can be
// bookmarked and shared; changing them rewrites the hash without re-rendering the whole page.

import { h, replace, uid } from '../lib/dom.js';
import { t, tOr, fmtDate, fmtNumber } from '../lib/i18n.js';
import { table, badge, field, control, button, errorBox, pageTitle } from '../lib/ui.js';
import { href, location as hashLocation } from '../lib/router.js';

const PAGE = 50;           // the API's default page
const PAGE_CLIENT = 500;   // the API's largest page, used while a browser-side filter is set
const OUTCOMES = ['passed', 'passed_with_conditions', 'failed'];
// The CII sectors; the sector of a result is a free word of the deployment, so a value given in the
// hash that is not in this list is kept as an extra option.
const SECTORS = ['finance', 'telecom', 'energy', 'transport', 'water', 'government'];
const FILTER_KEYS = ['q', 'product', 'provider', 'outcome', 'sector', 'from', 'to', 'offset'];

function pick(params) {
  const f = {};
  for (const k of FILTER_KEYS) if (params[k] !== undefined && params[k] !== '') f[k] = String(params[k]);
  return f;
}

function clientSide(f) { return !!(f.q || f.from || f.to); }

/** The decided-at day (YYYY-MM-DD, UTC) of a decision. */
function day(d) { return String(d.decided_at || d.published_at || '').slice(0, 10); }

function matches(d, f) {
  if (f.q) {
    const hay = [d.product, d.provider, d.case_ref, d.versions, d.conditions]
      .filter(Boolean).join(' ').toLowerCase();
    const words = f.q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.every((w) => hay.includes(w))) return false;
  }
  if (f.from && day(d) < f.from) return false;
  if (f.to && day(d) > f.to) return false;
  return true;
}

export default {
  path: ['/', '/register'],
  title: 'register.title',
  roles: ['public'],
  nav: 'register.nav',

  async render(main, params, ctx) {
    const { api } = ctx;
    // the filters of the hash as it is now: apply() rewrites it without a navigation, so params
    // (taken at the last navigation) may be older after a language switch re-renders the page
    let f = pick(hashLocation().query);

    main.appendChild(pageTitle(t('register.title')));
    main.appendChild(h('p', { class: 'muted' }, t('register.intro')));

    // ---- the filter form (role=search)
    const ctl = {
      q: control({ name: 'q', type: 'search', value: f.q || '', autocomplete: 'off' }),
      product: control({ name: 'product', value: f.product || '', autocomplete: 'off', list: uid('products') }),
      provider: h('select', { name: 'provider' }, h('option', { value: '' }, t('common.any'))),
      outcome: control({ name: 'outcome', value: f.outcome || '',
        options: [['', t('common.any')], ...OUTCOMES.map((o) => [o, tOr(`outcome.${o}`, o)])] }),
      sector: control({ name: 'sector', value: f.sector || '',
        options: [['', t('common.any')], ...SECTORS.concat(f.sector && !SECTORS.includes(f.sector) ? [f.sector] : [])
          .map((s) => [s, tOr(`sector.${s}`, s)])] }),
      from: control({ name: 'from', type: 'date', value: f.from || '' }),
      to: control({ name: 'to', type: 'date', value: f.to || '' }),
    };
    const productList = h('datalist', { id: ctl.product.getAttribute('list') });
    const form = h('form', { class: 'register-filters', role: 'search', 'aria-label': t('register.filters'), novalidate: true },
      h('div', { class: 'filters' },
        field(t('register.search'), ctl.q, null, { hint: t('register.search_hint') }),
        field(t('register.product'), ctl.product, null, { hint: t('register.product_hint') }),
        productList),
      h('div', { class: 'filters' },
        field(t('register.provider'), ctl.provider),
        field(t('register.outcome'), ctl.outcome),
        field(t('register.sector'), ctl.sector),
        field(t('register.from'), ctl.from),
        field(t('register.to'), ctl.to)),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'register-search' }, t('common.search')),
        button(t('common.clear'), () => { for (const c of Object.values(ctl)) c.value = ''; apply(); }, { id: 'register-clear' })));
    main.appendChild(form);

    const live = h('p', { id: 'register-status', class: 'muted small', role: 'status', 'aria-live': 'polite' });
    const results = h('div', { id: 'register-results' });
    main.appendChild(live);
    main.appendChild(results);

    // The choices of the product and provider filters: the names on the register (one request of
    // the largest page; the register is small next to that, and a product may also be typed as a
    // CPE or package URL).
    api.get('/decisions', { limit: PAGE_CLIENT }).then((all) => {
      const items = (all && all.items) || [];
      const products = [...new Set(items.map((d) => d.product).filter(Boolean))].sort();
      const providers = [...new Set(items.map((d) => d.provider).filter(Boolean))].sort();
      if (f.provider && !providers.includes(f.provider)) providers.push(f.provider);
      replace(productList, products.map((p) => h('option', { value: p })));
      replace(ctl.provider, h('option', { value: '' }, t('common.any')), providers.map((p) => h('option', { value: p }, p)));
      ctl.provider.value = f.provider || '';
    }).catch(() => { /* the choices are a convenience: typing still works */ });
    if (f.provider) ctl.provider.appendChild(h('option', { value: f.provider, selected: true }, f.provider));

    form.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
    ctl.outcome.addEventListener('change', () => apply());
    ctl.sector.addEventListener('change', () => apply());
    ctl.provider.addEventListener('change', () => apply());

    function apply(offset) {
      const next = {};
      for (const [k, c] of Object.entries(ctl)) if (c.value.trim()) next[k] = c.value.trim();
      if (offset) next.offset = String(offset);
      f = next;
      // keep the hash in step without a re-render (replaceState fires no hashchange)
      const path = window.location.hash.startsWith('#/register') ? '/register' : '/';
      history.replaceState(null, '', href(path, f));
      return load();
    }

    let seq = 0;
    async function load() {
      const mine = ++seq;
      results.setAttribute('aria-busy', 'true');
      const limit = clientSide(f) ? PAGE_CLIENT : PAGE;
      const offset = Number(f.offset) || 0;
      let page;
      try {
        page = await api.get('/decisions', {
          product: f.product, provider: f.provider, outcome: f.outcome, sector: f.sector, limit, offset,
        });
      } catch (err) {
        if (mine !== seq) return;
        results.removeAttribute('aria-busy');
        replace(results, errorBox(err));
        live.textContent = '';
        return;
      }
      if (mine !== seq) return;
      results.removeAttribute('aria-busy');
      const fetched = (page && page.items) || [];
      const rows = fetched.filter((d) => matches(d, f));
      const any = Object.keys(f).some((k) => k !== 'offset');

      const cols = [
        { key: 'product', label: t('register.col.product'), rowHeader: true,
          render: (d) => h('a', { href: href(`/results/${d.id}`), class: 'result-link' }, d.product || t('register.no_product')) },
        { key: 'provider', label: t('register.col.provider') },
        { key: 'versions', label: t('register.col.versions'), render: (d) => h('code', d.versions) },
        { key: 'outcome', label: t('register.col.outcome'), render: (d) => badge('outcome', d.outcome) },
        { key: 'status', label: t('register.col.status'), render: (d) => badge('status', d.status) },
        { key: 'decided_at', label: t('register.col.decided'), render: (d) => h('span', { class: 'nowrap' }, fmtDate(d.decided_at)) },
        { key: 'valid_until', label: t('register.col.valid_until'), render: (d) => h('span', { class: 'nowrap' }, fmtDate(d.valid_until)) },
        { key: 'case_ref', label: t('register.col.case'), render: (d) => h('span', { class: 'nowrap' }, d.case_ref) },
      ];
      const empty = any ? t('register.empty_filtered') : t('register.empty');
      const parts = [table(cols, rows, { caption: t('register.caption'), empty, className: 'register-table' })];

      // pager over the API's pages
      const prev = offset > 0 ? Math.max(0, offset - limit) : null;
      const nextOff = page && page.next_offset !== undefined && page.next_offset !== null ? page.next_offset : null;
      if (prev !== null || nextOff !== null) {
        parts.push(h('nav', { class: 'pager', 'aria-label': t('register.pages') },
          h('span', { class: 'muted small' }, t('common.page_of', { from: fmtNumber(offset + 1), to: fmtNumber(offset + fetched.length) })),
          prev !== null ? button(t('common.previous'), () => apply(prev), { id: 'register-prev' }) : null,
          nextOff !== null ? button(t('common.next'), () => apply(nextOff), { id: 'register-next' }) : null));
      }
      replace(results, ...parts);
      const msg = clientSide(f) && rows.length !== fetched.length
        ? t('register.count_filtered', { n: fmtNumber(rows.length), of: fmtNumber(fetched.length) })
        : t(rows.length === 1 ? 'register.count_one' : 'register.count', { n: fmtNumber(rows.length) });
      live.textContent = msg;
    }

    await load();
  },
};
