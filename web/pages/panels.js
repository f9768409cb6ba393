// #/panels: the expert's workspace (R6, R10). The panels the expert sits on (the cases the expert
// may see that have a panel with the expert on it); #/panels?case=REF opens one: the third-party
// evaluation on record, the panel with who has scored, the scoring form (one row per dimension of
// the procedure: a level of its scale and a required written reason, sent as one sheet:
// POST /api/v1/cases/{case}/scores {"scores": {...}}), and recusal with a reason behind a confirm
// dialog (POST /api/v1/cases/{case}/panel/recusal).
//
// Scores are sealed (R6): until every member has scored every dimension the expert sees only their
// own; then every score, the medians and the recommendation.

import { h, clear } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, tOr, fmtDate, fmtDateTime, fmtNumber } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import {
  table, badge, field, control, formErrors, clearErrors, notice, pageTitle, defList, status, toast,
  dialog, errorText,
} from '../lib/ui.js';
import { allCases, mapLimit, procedure, evidenceTable } from './tasks.js';

/** Phases in which experts score and recuse (the procedure's score.submit, panel.recuse). */
const SCORING_PHASES = ['expert_review', 'special_review'];

function dimLabel(d) { return tOr(`dimension.${d}`, tOr(`category.${d}`, tOr(`panels.dim.${d}`, String(d).replace(/_/g, ' ')))); }
function levelLabel(l) { return tOr(`level.${l}`, l); }
function caseHref(ref) { return href(`/cases/${encodeURIComponent(ref)}`); }

function myRow(panel, user) {
  return (panel.members || []).find((m) => m.login === user.login) || null;
}

function panelComplete(panel) { return panel && panel.sealed === false; }

/* ------------------------------------------------------------------ the list */

async function loadMyPanels(user) {
  const cases = await allCases();
  const rows = await mapLimit(cases, 6, async (c) => {
    try {
      const panel = await api.get(`/cases/${encodeURIComponent(c.ref)}/panel`);
      const me = myRow(panel, user);
      return me ? { case: c, panel, me } : null;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403 || e.status === 409)) return null;
      throw e;
    }
  });
  const list = rows.filter(Boolean);
  const order = (r) => (r.me.status === 'member' && SCORING_PHASES.includes(r.case.phase) && r.panel.sealed ? 0 : 1);
  list.sort((a, b) => order(a) - order(b) || String(a.case.phase_due || '9999').localeCompare(String(b.case.phase_due || '9999')));
  return list;
}

function panelLink(ref, text) {
  return h('a', { href: href('/panels', { case: ref }), class: 'panel-link', dataset: { case: ref } }, text);
}

function stateBadge(panel) {
  if (panel.sealed) return badge('status', 'sealed');
  if (!panel.recommendation) return badge('status', 'scored');
  return badge('outcome', panel.recommendation, { label: t('panels.recommends', { outcome: tOr(`outcome.${panel.recommendation}`, panel.recommendation) }) });
}

async function renderList(main, ctx) {
  const { user } = ctx;
  main.appendChild(pageTitle(t('panels.heading')));
  main.appendChild(h('p', { class: 'muted' }, t('panels.intro')));
  const rows = await loadMyPanels(user);
  main.appendChild(h('div', { class: 'section', id: 'panels-table' }, table([
    { key: 'case', label: t('panels.col.case'), rowHeader: true,
      render: (r) => h('span', h('span', { class: 'nowrap' }, panelLink(r.case.ref, r.case.ref)), h('br'), h('span', { class: 'small' }, r.case.title || '')) },
    { key: 'phase', label: t('panels.col.phase'), render: (r) => h('span', badge('phase', r.case.phase), r.case.phase_due ? h('span', { class: 'small nowrap' }, ` ${t('panels.due', { date: fmtDate(r.case.phase_due) })}`) : null) },
    { key: 'seat', label: t('panels.col.seat'), render: (r) => badge('status', r.me.status) },
    { key: 'mine', label: t('panels.col.mine'), render: (r) => t('panels.progress_mine', { n: fmtNumber(r.me.dimensions_scored || 0), total: fmtNumber(r.panel.dimensions_total || 0) }) },
    { key: 'panel', label: t('panels.col.panel'), render: (r) => t('panels.progress_panel', { n: fmtNumber(r.panel.complete_scorers || 0), total: fmtNumber(r.panel.members_active || 0) }) },
    { key: 'state', label: t('panels.col.state'), render: (r) => stateBadge(r.panel) },
    { key: 'open', label: t('common.actions'), render: (r) => panelLink(r.case.ref, t('panels.open')) },
  ], rows, { caption: t('panels.table_caption'), empty: t('panels.none') })));
}

/* ------------------------------------------------------------------ one panel */

function evaluationSection(c) {
  const sec = h('section', { class: 'section', id: 'panel-evaluation', 'aria-labelledby': 'panel-evaluation-h' },
    h('h2', { id: 'panel-evaluation-h' }, t('panels.evaluation.heading')),
    h('p', { class: 'muted' }, t('panels.evaluation.intro')));
  const tasks = c.tasks || [];
  sec.appendChild(table([
    { key: 'institution', label: t('panels.evaluation.institution'), rowHeader: true },
    { key: 'method', label: t('panels.evaluation.method'), render: (x) => tOr(`method.${x.method}`, x.method) },
    { key: 'status', label: t('panels.evaluation.status'), render: (x) => badge('status', x.status) },
    { key: 'report', label: t('panels.evaluation.report'),
      render: (x) => (x.report ? h('details', h('summary', t('panels.evaluation.read_report', { by: x.reported_by || '', date: fmtDate(x.reported_at) })),
        h('pre', { class: 'report-text' }, x.report), x.standards ? h('p', { class: 'small' }, t('panels.evaluation.standards', { standards: x.standards })) : null) : '—') },
  ], tasks, { caption: t('panels.evaluation.tasks_caption'), empty: t('panels.evaluation.no_tasks') }));
  const findings = (c.findings || []).slice().sort((a, b) => sevRank(b.severity) - sevRank(a.severity));
  sec.appendChild(table([
    { key: 'category', label: t('panels.evaluation.category'), render: (f) => tOr(`category.${f.category}`, f.category) },
    { key: 'severity', label: t('panels.evaluation.severity'), render: (f) => badge('severity', f.severity) },
    { key: 'title', label: t('panels.evaluation.finding'), render: (f) => h('span', h('strong', f.title), f.detail ? [h('br'), h('span', { class: 'small' }, f.detail)] : null) },
  ], findings, { caption: t('panels.evaluation.findings_caption'), empty: t('panels.evaluation.no_findings') }));
  if ((c.evidence || []).length) sec.appendChild(evidenceTable(c.evidence, { caption: t('panels.evaluation.evidence_caption') }));
  return sec;
}

function sevRank(s) { return ['info', 'low', 'medium', 'high', 'critical'].indexOf(s); }

function membersTable(panel, user) {
  return table([
    { key: 'name', label: t('panels.members.name'), rowHeader: true,
      render: (m) => h('span', m.name || m.login, m.login === user.login ? h('span', { class: 'small muted' }, ` (${t('panels.members.you')})`) : null) },
    { key: 'status', label: t('panels.members.seat'), render: (m) => badge('status', m.status) },
    { key: 'dimensions_scored', label: t('panels.members.scored'),
      render: (m) => (m.status === 'member' ? t('panels.progress_mine', { n: fmtNumber(m.dimensions_scored || 0), total: fmtNumber(panel.dimensions_total || 0) }) : '—') },
    { key: 'reason', label: t('panels.members.reason') },
  ], panel.members || [], { caption: t('panels.members.caption') });
}

function ownScoresTable(scores) {
  return table([
    { key: 'dimension', label: t('panels.score.dimension'), rowHeader: true, render: (s) => dimLabel(s.dimension) },
    { key: 'level', label: t('panels.score.level'), render: (s) => badge('level', s.level) },
    { key: 'reason', label: t('panels.score.reason') },
    { key: 'submitted_at', label: t('panels.score.signed_at'), render: (s) => fmtDateTime(s.submitted_at) },
  ], scores, { caption: t('panels.score.own_caption'), empty: t('panels.score.own_none') });
}

function allScoresSection(panel, dims) {
  const scorers = (panel.members || []).filter((m) => m.status === 'member');
  const levelOf = (m, d) => {
    const s = (m.scores || []).find((x) => x.dimension === d);
    return s ? badge('level', s.level) : '—';
  };
  const cols = [{ key: 'name', label: t('panels.members.name'), rowHeader: true, render: (m) => m.name || m.login }]
    .concat(dims.map((d) => ({ key: d, label: dimLabel(d), render: (m) => levelOf(m, d) })));
  const medianRow = { name: t('panels.results.median'), login: '', scores: dims.map((d) => ({ dimension: d, level: panel.medians ? panel.medians[d] : null })).filter((s) => s.level) };
  const sec = h('section', { class: 'section', id: 'panel-results', 'aria-labelledby': 'panel-results-h' },
    h('h2', { id: 'panel-results-h' }, t('panels.results.heading')),
    h('p', { class: 'recommendation' }, h('strong', t('panels.results.recommendation')), ' ',
      panel.recommendation ? badge('outcome', panel.recommendation) : '—'),
    table(cols, scorers.concat([medianRow]), { caption: t('panels.results.caption'), className: 'scores-table', rowClass: (r) => (r === medianRow ? 'median-row' : null) }));
  const reasons = h('div', { class: 'score-reasons' }, h('h3', t('panels.results.reasons')));
  for (const m of scorers) {
    reasons.appendChild(h('details', h('summary', m.name || m.login),
      h('dl', { class: 'deflist' }, (m.scores || []).map((s) => [h('dt', `${dimLabel(s.dimension)} · ${levelLabel(s.level)}`), h('dd', s.reason || '')]))));
  }
  sec.appendChild(reasons);
  return sec;
}

function scoringForm({ c, dims, scale, mine, onDone }) {
  const byDim = Object.fromEntries((mine || []).map((s) => [s.dimension, s]));
  const rows = dims.map((d) => {
    const lvl = control({ name: `level-${d}`, required: true, value: byDim[d] ? byDim[d].level : '', dataset: { dimension: d },
      options: [['', t('panels.score.choose')], ...scale.map((l) => [l, levelLabel(l)])] });
    const reason = control({ name: `reason-${d}`, rows: 3, required: true, value: byDim[d] ? byDim[d].reason : '', dataset: { dimension: d } });
    const set = h('fieldset', { class: 'score-row', dataset: { dimension: d } },
      h('legend', dimLabel(d)),
      h('div', { class: 'grid-2' }, field(t('panels.score.level_of', { dim: dimLabel(d) }), lvl), field(t('panels.score.reason_of', { dim: dimLabel(d) }), reason)));
    return { d, lvl, reason, set };
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('panels.score.submit'));
  const form = h('form', { class: 'form scoring-form', novalidate: true },
    h('p', { class: 'muted' }, t('panels.score.intro')),
    rows.map((r) => r.set),
    h('div', { class: 'actions' }, submit));
  const showErr = (name, message) => formErrors(form, new ApiError({ code: 'required', field: name, message }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    for (const r of rows) {
      if (!r.lvl.value) { showErr(r.lvl.name, t('panels.score.need_level')); return; }
      if (!r.reason.value.trim()) { showErr(r.reason.name, t('panels.score.need_reason')); return; }
    }
    const scores = {};
    for (const r of rows) scores[r.d] = { level: r.lvl.value, reason: r.reason.value.trim() };
    submit.disabled = true;
    try {
      const panel = await api.post(`/cases/${encodeURIComponent(c.ref)}/scores`, { scores });
      if (onDone) await onDone(panel);
    } catch (err) {
      // a sheet's error names the dimension in its message ("$.control: ...") and level/reason in field
      const m = /^\$\.([A-Za-z0-9_-]+):/.exec((err && err.message) || '');
      if (err instanceof ApiError && m && (err.field === 'level' || err.field === 'reason') && form.querySelector(`[name="${err.field}-${m[1]}"]`)) {
        formErrors(form, new ApiError({ ...err, status: err.status, code: err.code, message: err.message, field: `${err.field}-${m[1]}` }));
      } else formErrors(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

async function renderPanel(main, params, ctx) {
  const { user } = ctx;
  const ref = params.case;
  main.appendChild(h('p', h('a', { href: href('/panels'), class: 'back-link' }, `← ${t('panels.back')}`)));
  const [c0, proc] = await Promise.all([api.get(`/cases/${encodeURIComponent(ref)}`), procedure()]);
  let c = c0;
  const dims = proc.dimensions && proc.dimensions.length ? proc.dimensions : (proc.categories || []);
  const scale = proc.scale || ['none', 'low', 'medium', 'high', 'critical'];
  const live = h('div', { id: 'panel-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const body = h('div', { class: 'panel-body' });
  main.append(pageTitle(t('panels.case_heading', { ref: c.ref })), live, body);

  let panel = c.panel;
  if (!panel) {
    try { panel = await api.get(`/cases/${encodeURIComponent(ref)}/panel`); } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      panel = null;
    }
  }

  const reload = async () => {
    c = await api.get(`/cases/${encodeURIComponent(c.ref)}`);
    panel = c.panel || await api.get(`/cases/${encodeURIComponent(c.ref)}/panel`);
    draw();
  };

  const recuse = async () => {
    const v = await dialog({
      title: t('panels.recuse.title', { ref: c.ref }),
      body: t('panels.recuse.body'),
      fields: [{ label: t('panels.recuse.reason'), name: 'reason', rows: 4, required: true, hint: t('panels.recuse.reason_hint') }],
      okLabel: t('panels.recuse.ok'),
      danger: true,
    });
    if (!v) return;
    try {
      await api.post(`/cases/${encodeURIComponent(c.ref)}/panel/recusal`, { reason: v.reason.trim() });
      toast(t('panels.recuse.done'), 'success');
      await reload();
      status(live, t('panels.recuse.done'), 'success');
      live.focus();
    } catch (err) {
      status(live, errorText(err), 'error');
    }
  };

  function draw() {
    clear(body);
    body.appendChild(h('section', { class: 'card section', 'aria-labelledby': 'panel-case-h' },
      h('h2', { id: 'panel-case-h' }, t('panels.case_about')),
      defList([
        [t('panels.col.case'), h('span', h('a', { href: caseHref(c.ref) }, c.ref), ` · ${c.title || ''}`)],
        [t('panels.product'), c.product ? `${c.product} · ${c.versions || ''}` : c.versions],
        [t('panels.trigger'), tOr(`trigger.${c.trigger}`, c.trigger)],
        [t('panels.col.phase'), h('span', badge('phase', c.phase), c.phase_due ? ` ${t('panels.due', { date: fmtDate(c.phase_due) })}` : '')],
      ])));
    if (!panel) {
      body.appendChild(notice(t('panels.no_panel'), 'info'));
      return;
    }
    const me = myRow(panel, user);
    const complete = panelComplete(panel);
    const inPhase = SCORING_PHASES.includes(c.phase);
    const isMember = !!me && me.status === 'member' && user.role === 'expert';
    const canScore = isMember && inPhase && !complete;

    // panel and who has scored
    const pSec = h('section', { class: 'section', id: 'panel-members', 'aria-labelledby': 'panel-members-h' },
      h('h2', { id: 'panel-members-h' }, t('panels.members.heading')),
      complete
        ? notice(t('panels.unsealed'), 'success')
        : notice(t('panels.sealed', { n: fmtNumber(panel.complete_scorers || 0), total: fmtNumber(panel.members_active || 0) }), 'info'),
      membersTable(panel, user));
    body.appendChild(pSec);

    if (me && me.status === 'recused') body.appendChild(notice(t('panels.you_recused', { date: fmtDateTime(me.at), reason: me.reason || '' }), 'warn'));
    if (me && me.status === 'excluded') body.appendChild(notice(t('panels.you_excluded', { reason: me.reason || '' }), 'warn'));

    // scores
    if (complete) body.appendChild(allScoresSection(panel, dims));
    else if (me && (me.scores || []).length) {
      body.appendChild(h('section', { class: 'section', id: 'panel-own', 'aria-labelledby': 'panel-own-h' },
        h('h2', { id: 'panel-own-h' }, t('panels.score.own_heading')), ownScoresTable(me.scores)));
    }
    if (canScore) {
      body.appendChild(h('section', { class: 'card section', id: 'panel-scoring', 'aria-labelledby': 'panel-scoring-h' },
        h('h2', { id: 'panel-scoring-h' }, (me.scores || []).length ? t('panels.score.heading_change') : t('panels.score.heading')),
        scoringForm({ c, dims, scale, mine: me.scores, onDone: async () => {
          toast(t('panels.score.done'), 'success');
          await reload();
          status(live, panelComplete(panel) ? t('panels.score.done_all') : t('panels.score.done'), 'success');
          live.focus();
        } })));
      body.appendChild(h('section', { class: 'section', id: 'panel-recusal', 'aria-labelledby': 'panel-recusal-h' },
        h('h2', { id: 'panel-recusal-h' }, t('panels.recuse.heading')),
        h('p', { class: 'muted' }, t('panels.recuse.intro')),
        h('button', { type: 'button', class: 'btn btn-danger', id: 'recuse-button', onclick: recuse }, t('panels.recuse.button'))));
    } else if (isMember && !inPhase && !complete) {
      body.appendChild(notice(t('panels.not_scoring_phase', { phase: tOr(`phase.${c.phase}`, c.phase) }), 'info'));
    }

    body.appendChild(evaluationSection(c));
  }

  draw();
}

/* ------------------------------------------------------------------ the page */

export default {
  path: '/panels',
  title: 'panels.title',
  roles: ['expert'],
  nav: 'panels.nav',
  async render(main, params, ctx) {
    if (params.case) return renderPanel(main, params, ctx);
    return renderList(main, ctx);
  },
};
