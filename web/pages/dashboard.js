// #/dashboard: the office's overview. Cases by phase and by sector, what is overdue
// (GET /api/v1/cases/overdue: past the phase deadline in working days, R13) and due this week
// (the phase deadlines the server computed on its working-day calendar, compared by date), the
// latest triggers (recently opened cases, R2) and complaints, the decisions of the month (R7):
// numbers, small SVG charts, and links to the cases. For the office, the decided cases the watch
// flagged for re-review and "Run watch now" (R14, watch.js).

import { h, clear } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, fmtDate, fmtDateTime, fmtNumber, locale } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import { table, badge, barChart, pageTitle } from '../lib/ui.js';
import { label, caseLink, clockBadge, dueCell, fetchAllCases, procedure } from './cases.js';
import { watchSection } from './watch.js';

const LATEST = 8;

/** 'YYYY-MM-DD' of a Date in the reader's time zone. */
function ymd(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The last day of "this week": the coming Sunday; on a Saturday or a Sunday, the next week's. */
export function weekEnd(today = new Date()) {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const dow = d.getDay(); // 0 Sunday .. 6 Saturday
  let add = (7 - dow) % 7;
  if (dow === 6 || dow === 0) add += 7;
  d.setDate(d.getDate() + add);
  return d;
}

function inThisMonth(ts, now = new Date()) {
  if (!ts) return false;
  const d = new Date(ts);
  return d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth();
}

function stat(value, text, link, id) {
  const inner = [h('span', { class: 'stat-value' }, fmtNumber(value)), h('span', { class: 'stat-label' }, text)];
  if (!link) return h('div', { class: 'stat', id }, inner);
  // '#/...' is a route; '#id' a section of this page (the hash belongs to the router: scroll)
  const inPage = !link.startsWith('#/');
  return h('div', { class: 'stat', id }, h('a', { href: link, class: 'stat-link', onclick: inPage ? (ev) => {
    ev.preventDefault();
    const el = document.getElementById(link.slice(1));
    if (el) { el.scrollIntoView(); const hd = el.querySelector('h2'); if (hd) { hd.setAttribute('tabindex', '-1'); hd.focus({ preventScroll: true }); } }
  } : null }, inner));
}

function countBy(items, key) {
  const m = new Map();
  for (const it of items) {
    const k = typeof key === 'function' ? key(it) : it[key];
    m.set(k, (m.get(k) || 0) + 1);
  }
  return m;
}

function phaseTone(phase) {
  if (['decided', 'published'].includes(phase)) return 'good';
  if (['refused', 'withdrawn', 'closed', 'not_required'].includes(phase)) return 'muted';
  if (phase === 'special_review') return 'warn';
  return 'info';
}

function outcomeTone(o) {
  return o === 'passed' ? 'good' : o === 'failed' ? 'bad' : 'warn';
}

/** A chart and, under it, the same numbers as links to the filtered case list. */
function chartWithLinks(title, rows, linkOf, id) {
  return h('div', { class: 'card', id },
    barChart(rows.map((r) => ({ label: r.label, value: r.value, tone: r.tone })), { title, valueLabel: t('dashboard.cases_count') }),
    h('p', { class: 'small link-row', role: 'group', 'aria-label': t('dashboard.open_list', { what: title }) },
      rows.filter((r) => r.value > 0).map((r, i) => [i ? ' · ' : null, h('a', { href: linkOf(r), class: 'nowrap' }, `${r.label}: ${fmtNumber(r.value)}`)])));
}

function heading(user) {
  const role = user && user.role;
  if (role === 'sector_dept') return t('dashboard.heading_sector', { sector: user.sector ? label('sector', user.sector) : '' });
  if (role === 'committee') return t('dashboard.heading_committee');
  return t('dashboard.heading');
}

export default {
  path: '/dashboard',
  title: 'dashboard.title',
  roles: ['office', 'committee', 'sector_dept'],
  nav: 'dashboard.nav',
  async render(main, params, ctx) {
    const now = new Date();
    const [proc, cases, overdue, complaints, decisions] = await Promise.all([
      procedure().catch(() => null),
      fetchAllCases(),
      api.get('/cases/overdue').catch(() => []),
      api.get('/complaints').catch(() => []),
      (async () => {
        // the newest first: stop paging once a page reaches back before this month
        const out = [];
        let offset = 0;
        for (let i = 0; i < 20; i += 1) {
          const page = await api.get('/decisions', { limit: 500, offset });
          out.push(...(page.items || []));
          const older = (page.items || []).some((d) => d.decided_at && new Date(d.decided_at) < new Date(now.getFullYear(), now.getMonth(), 1));
          if (older || page.next_offset === undefined || page.next_offset === null) break;
          offset = page.next_offset;
        }
        return out;
      })().catch(() => []),
    ]);

    const terminal = new Set(((proc && proc.phases) || []).filter((p) => p.terminal).map((p) => p.id));
    const open = cases.filter((c) => !c.closed && !terminal.has(c.phase));
    const today = ymd(now);
    const end = weekEnd(now);
    const endYmd = ymd(end);
    const dueSoon = open.filter((c) => c.phase_due && !c.overdue && c.phase_due >= today && c.phase_due <= endYmd)
      .sort((a, b) => a.phase_due.localeCompare(b.phase_due));
    const monthDecisions = decisions.filter((d) => inThisMonth(d.decided_at, now));
    const freeComplaints = complaints.filter((c) => !c.case_id);

    // cases by phase, in the procedure's order (phases without a case left out)
    const byPhase = countBy(cases, 'phase');
    const phaseOrder = ((proc && proc.phases) || []).map((p) => p.id);
    for (const p of byPhase.keys()) if (!phaseOrder.includes(p)) phaseOrder.push(p);
    const phaseRows = phaseOrder.filter((p) => byPhase.get(p)).map((p) => ({ id: p, label: label('phase', p), value: byPhase.get(p), tone: phaseTone(p) }));

    const bySector = countBy(open, (c) => c.sector || '');
    const sectorRows = Array.from(bySector.entries()).sort((a, b) => b[1] - a[1])
      .map(([s, n]) => ({ id: s, label: s ? label('sector', s) : t('dashboard.no_sector'), value: n, tone: 'info' }));

    const byOutcome = countBy(monthDecisions, 'outcome');
    const outcomeRows = ['passed', 'passed_with_conditions', 'failed']
      .map((o) => ({ id: o, label: label('outcome', o), value: byOutcome.get(o) || 0, tone: outcomeTone(o) }));

    const latestCases = [...cases].sort((a, b) => String(b.opened_at).localeCompare(String(a.opened_at)) || b.id - a.id).slice(0, LATEST);
    const latestComplaints = [...complaints].sort((a, b) => String(b.received_at).localeCompare(String(a.received_at)) || b.id - a.id).slice(0, LATEST);
    const monthName = new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'long' }).format(now);

    clear(main);
    main.append(
      pageTitle(heading(ctx.user), h('p', { class: 'muted mb-0' }, t('dashboard.as_of', { date: fmtDateTime(now) }))),
      h('section', { class: 'section', 'aria-labelledby': 'dash-numbers' },
        h('h2', { id: 'dash-numbers', class: 'visually-hidden' }, t('dashboard.numbers')),
        h('div', { class: 'stats', id: 'dash-stats' },
          stat(open.length, t('dashboard.stat.open'), href('/cases', { open: 'true' }), 'stat-open'),
          stat(overdue.length, t('dashboard.stat.overdue'), href('/cases', { overdue: 'true' }), 'stat-overdue'),
          stat(dueSoon.length, t('dashboard.stat.due_week', { date: fmtDate(endYmd) }), '#dash-due', 'stat-due'),
          stat(freeComplaints.length, t('dashboard.stat.free_complaints'), '#dash-complaints', 'stat-complaints'),
          stat(monthDecisions.length, t('dashboard.stat.decisions_month', { month: monthName }), '#dash-decisions', 'stat-decisions'),
        )),
      h('section', { class: 'section grid-2', 'aria-label': t('dashboard.charts') },
        chartWithLinks(t('dashboard.by_phase'), phaseRows, (r) => href('/cases', { phase: r.id }), 'chart-phase'),
        chartWithLinks(t('dashboard.by_sector'), sectorRows, (r) => href('/cases', r.id ? { sector: r.id, open: 'true' } : { open: 'true' }), 'chart-sector')),
      ...[watchSection(cases, ctx.user)].filter(Boolean),
      h('section', { class: 'section', id: 'dash-overdue', 'aria-labelledby': 'dash-overdue-h' },
        h('h2', { id: 'dash-overdue-h' }, t('dashboard.overdue'), ' ', badge('status', overdue.length ? 'overdue' : 'ok', { label: fmtNumber(overdue.length) })),
        table([
          { key: 'ref', label: t('cases.col.ref'), rowHeader: true, render: (c) => caseLink(c) },
          { key: 'title', label: t('cases.col.title') },
          { key: 'phase', label: t('cases.col.phase'), render: (c) => badge('phase', c.phase) },
          { key: 'phase_due', label: t('cases.col.due'), render: (c) => dueCell(c) },
          { key: 'working_days_overdue', label: t('dashboard.col.days_overdue'), num: true,
            render: (c) => (c.working_days_overdue === undefined ? null : fmtNumber(c.working_days_overdue)) },
          { key: 'clock', label: t('cases.col.clock'), render: (c) => clockBadge(c) },
        ], overdue, { caption: t('dashboard.overdue_caption'), empty: t('dashboard.none_overdue') })),
      h('section', { class: 'section', id: 'dash-due', 'aria-labelledby': 'dash-due-h' },
        h('h2', { id: 'dash-due-h' }, t('dashboard.due_week', { date: fmtDate(endYmd) })),
        h('p', { class: 'hint' }, t('dashboard.due_week_hint')),
        table([
          { key: 'ref', label: t('cases.col.ref'), rowHeader: true, render: (c) => caseLink(c) },
          { key: 'title', label: t('cases.col.title') },
          { key: 'phase', label: t('cases.col.phase'), render: (c) => badge('phase', c.phase) },
          { key: 'phase_due', label: t('cases.col.due'), render: (c) => dueCell(c) },
          { key: 'clock', label: t('cases.col.clock'), render: (c) => clockBadge(c) },
        ], dueSoon, { caption: t('dashboard.due_caption', { date: fmtDate(endYmd) }), empty: t('dashboard.none_due') })),
      h('div', { class: 'grid-2' },
        h('section', { class: 'section', id: 'dash-triggers', 'aria-labelledby': 'dash-triggers-h' },
          h('h2', { id: 'dash-triggers-h' }, t('dashboard.latest_triggers')),
          table([
            { key: 'ref', label: t('cases.col.ref'), rowHeader: true, render: (c) => caseLink(c) },
            { key: 'trigger', label: t('cases.col.trigger'), render: (c) => label('trigger', c.trigger) },
            { key: 'title', label: t('cases.col.title') },
            { key: 'opened_at', label: t('cases.col.opened'), render: (c) => h('span', { class: 'nowrap' }, fmtDate(c.opened_at)) },
          ], latestCases, { caption: t('dashboard.latest_triggers_caption'), empty: t('cases.none') })),
        h('section', { class: 'section', id: 'dash-complaints', 'aria-labelledby': 'dash-complaints-h' },
          h('h2', { id: 'dash-complaints-h' }, t('dashboard.complaints')),
          h('p', { class: 'small' },
            t('dashboard.complaints_summary', { total: fmtNumber(complaints.length), free: fmtNumber(freeComplaints.length) }),
            freeComplaints.length && ctx.user && ['office'].includes(ctx.user.role)
              ? [' ', h('a', { href: href('/cases', { raise: 'complaints' }), id: 'dash-group-complaints' }, t('dashboard.group_complaints'))] : null),
          table([
            { key: 'received_at', label: t('dashboard.col.received'), render: (c) => h('span', { class: 'nowrap' }, fmtDate(c.received_at)) },
            { key: 'product_name', label: t('dashboard.col.product'), render: (c) => `${c.product_name || ''}${c.version ? ` ${c.version}` : ''}` },
            { key: 'text', label: t('dashboard.col.complaint'), render: (c) => (c.text && c.text.length > 140 ? `${c.text.slice(0, 139)}…` : c.text) },
            { key: 'case_ref', label: t('dashboard.col.case'), render: (c) => (c.case_ref ? caseLink({ ref: c.case_ref }) : badge('status', 'pending', { label: t('dashboard.not_grouped') })) },
          ], latestComplaints, { caption: t('dashboard.complaints_caption'), empty: t('dashboard.none_complaints') }))),
      h('section', { class: 'section', id: 'dash-decisions', 'aria-labelledby': 'dash-decisions-h' },
        h('h2', { id: 'dash-decisions-h' }, t('dashboard.decisions_month', { month: monthName })),
        h('div', { class: 'card', id: 'chart-outcome' }, barChart(outcomeRows, { title: t('dashboard.by_outcome'), valueLabel: t('dashboard.decisions_count') }),
          h('p', { class: 'small link-row' }, h('a', { href: href('/register') }, t('dashboard.register_link')))),
        table([
            { key: 'case_ref', label: t('cases.col.ref'), rowHeader: true, render: (d) => caseLink({ ref: d.case_ref }) },
            { key: 'product', label: t('dashboard.col.product') },
            { key: 'outcome', label: t('dashboard.col.outcome'), render: (d) => badge('outcome', d.outcome) },
            { key: 'visibility', label: t('dashboard.col.visibility'), render: (d) => badge('visibility', d.visibility) },
            { key: 'decided_at', label: t('dashboard.col.decided'), render: (d) => h('span', { class: 'nowrap' }, fmtDate(d.decided_at)) },
            { key: 'published', label: t('dashboard.col.published'), render: (d) => (d.published ? badge('phase', 'published') : badge('status', 'pending', { label: t('dashboard.not_published') })) },
          ], monthDecisions, { caption: t('dashboard.decisions_caption'), empty: t('dashboard.none_decisions') })),
    );
  },
};

