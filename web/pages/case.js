// #/cases/:id, the case page: everything GET /api/v1/cases/{case} lets the user see (R11), and
// the work the user may do on it now.
//
//   timeline of phases with deadlines and the clock (R13), materials and extensions
//   trigger and who raised it, grouped complaints (R2); scoping (R1); commitment (R3)
//   evaluation tasks and their signed reports (R3, R10); evidence: parts upload, download (R11)
//   findings by the five categories and by severity (R4); the panel, sealed scores (R6)
//   decision, its form, publication (R7); the audit history of the case (R11)
//   SBOM and capture analyses (sca.js, traffic.js); the watch flag of a decided case (watch.js)
//
// Buttons come from the case's `options` (GET .../options: `allowed` for the role, `unmet`
// conditions): a transition the role may make is a button, disabled with its unmet conditions
// listed; work inside a phase (materials, extensions, tasks, panel, evidence) shows only for the
// roles and phases of the procedure's actions.

import { h, clear, uid } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, tOr, has, lang, fmtDate, fmtDateTime, fmtNumber, fmtBytes } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import {
  table, badge, field, control, formErrors, clearErrors, errorText, pageTitle, defList, toast, status,
  dialog, notice,
} from '../lib/ui.js';
import { label, caseLink, clockBadge, procedure } from './cases.js';
import { scaSection, loadSboms } from './sca.js';
import { trafficSection, loadTraffic } from './traffic.js';
import { watchBanner } from './watch.js';

const enc = encodeURIComponent;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const DEFAULT_CATEGORIES = ['control', 'supply_chain', 'user_data', 'dependence', 'other'];
const AUDIT_ROLES = ['office', 'committee', 'sector_dept'];
const DANGER = new Set(['refuse', 'withdraw', 'revoke', 'scope_out', 'supersede']);

// The procedure's actions (work inside a phase). GET /procedure does not list them (yet), so
// these are the roles of cn-2017; phases: `deadline` = every non-terminal phase with a deadline,
// `work` = the same without scoping (docs/PROCEDURE.md, "Actions").
const ACTIONS = {
  'materials.request': { roles: ['office', 'sector_dept', 'institution'], phases: 'work' },
  'materials.receive': { roles: ['office', 'sector_dept', 'provider'], phases: 'work' },
  'deadline.extend': { roles: ['office', 'sector_dept'], phases: 'deadline' },
  'evidence.add': { roles: ['office', 'institution', 'provider'], phases: 'work' },
  'task.assign': { roles: ['office', 'sector_dept'], phases: ['evaluation'] },
  'panel.form': { roles: ['office', 'sector_dept'], phases: ['evaluation', 'expert_review'] },
};

/** Whether role may do action in phase under the procedure (its `actions` when it lists them). */
export function actionAllowed(proc, action, role, phase) {
  const phases = (proc && proc.phases) || [];
  const ph = phases.find((p) => p.id === phase);
  if (ph && ph.terminal) return false;
  const listed = proc && Array.isArray(proc.actions) ? proc.actions.find((a) => a.id === action) : null;
  if (listed) return (listed.roles || []).includes(role) && (!listed.phases || listed.phases.includes(phase));
  const a = ACTIONS[action];
  if (!a || !a.roles.includes(role)) return false;
  if (Array.isArray(a.phases)) return a.phases.includes(phase);
  if (!ph) return false;
  if (!(ph.deadline_days > 0)) return false;
  return a.phases === 'deadline' || phase !== 'scoping';
}

function section(id, title, ...children) {
  return h('section', { class: 'section card case-section', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, tabindex: '-1' }, title), ...children);
}

function when(ts) { return ts ? h('time', { datetime: ts }, fmtDateTime(ts)) : null; }
function day(d) { return d ? h('time', { datetime: d }, fmtDate(d)) : null; }

/** A long hash or key id, in a monospace face that breaks anywhere (a phone). */
function hashText(s) {
  if (!s) return null;
  return h('code', { class: 'hash', title: s }, s);
}

/* ------------------------------------------------------------------ head and actions */

function head(c) {
  return h('div', { id: 'case-head' },
    pageTitle(h('span', h('span', { class: 'case-ref' }, c.ref), ' · ', c.title)),
    h('p', { class: 'row', id: 'case-badges' },
      badge('phase', c.phase), clockBadge(c),
      c.overdue ? badge('status', 'overdue', { label: t('case.overdue') }) : null,
      c.watch_reason ? badge('status', 'pending', { label: t('case.watched') }) : null),
    defList([
      [t('case.product'), c.product || String(c.product_id)],
      [t('case.versions'), c.versions],
      [t('case.sector'), c.sector ? label('sector', c.sector) : null],
      [t('case.phase_due'), c.phase_due ? day(c.phase_due) : null],
      [t('case.opened'), when(c.opened_at)],
      [t('case.procedure'), c.procedure],
      [t('case.closed_reason'), c.closed_reason],
      [t('case.watch_reason'), c.watch_reason],
      [t('case.re_review_of'), c.re_review_of ? caseLink({ id: c.re_review_of }) : null],
    ]));
}

function tocNav(items) {
  return h('nav', { class: 'case-toc small', 'aria-label': t('case.toc') },
    h('p', { class: 'mb-0' }, items.map(([id, text], i) => [i ? ' · ' : null, h('a', { href: `#${id}`, class: 'nowrap', onclick: (ev) => {
      // in-page: the hash belongs to the router
      ev.preventDefault();
      const el = document.getElementById(id);
      if (el) { el.scrollIntoView(); const hd = el.querySelector('h2'); if (hd) hd.focus({ preventScroll: true }); }
    } }, text)])));
}

/** Why a condition is unmet, in the reader's language: the server says it in English; for the
 *  conditions of the workflow the same facts are read off the case. */
function unmetWhy(u, c) {
  if (lang() === 'en' || !u.condition) return u.why;
  const tasks = c.tasks || [];
  const p = c.panel;
  const vars = {
    reported: fmtNumber(tasks.filter((x) => x.status === 'reported').length), tasks: fmtNumber(tasks.length),
    active: fmtNumber(p ? p.members_active : 0), size: fmtNumber(p ? p.panel_size : 0), done: fmtNumber(p ? p.complete_scorers : 0),
    pending: fmtNumber((c.material_requests || []).filter((m) => !m.received_at).length),
  };
  if (['panel_complete', 'all_scored'].includes(u.condition) && !p) return t('case.why.no_panel');
  return has(`case.why.${u.condition}`) ? t(`case.why.${u.condition}`, vars) : u.why;
}

function actions(c, page) {
  const opts = (c.options || []).filter((o) => o.allowed);
  const out = h('div', { id: 'case-actions-status' });
  if (!opts.length) return null;
  const items = opts.map((o) => {
    const unmet = o.unmet || [];
    const listId = uid('unmet');
    const name = tOr(`transition.${o.transition}`, o.title || o.transition);
    const btn = h('button', {
      type: 'button', class: ['btn', DANGER.has(o.transition) ? 'btn-danger' : 'btn-primary'],
      disabled: unmet.length > 0, 'aria-describedby': unmet.length ? listId : null,
      dataset: { transition: o.transition }, id: `tr-${o.transition}`,
    }, name);
    btn.addEventListener('click', () => page.transition(o, name, out));
    return h('li', { class: 'transition' },
      btn, ' ', h('span', { class: 'muted small' }, t('case.tr.to', { phase: label('phase', o.to) })),
      unmet.length ? h('div', { class: 'unmet small', id: listId },
        h('span', t('case.tr.unmet')),
        h('ul', unmet.map((u) => h('li', h('strong', tOr(`case.cond.${u.condition}`, u.condition)), ': ', unmetWhy(u, c))))) : null);
  });
  return section('case-actions', t('case.actions'),
    h('p', { class: 'hint' }, t('case.actions_hint')),
    h('ul', { class: 'transitions' }, items), out);
}

/* ------------------------------------------------------------------ timeline, clock */

function timeline(c, proc, page) {
  const phases = c.phases || [];
  const list = h('ol', { class: 'timeline', id: 'case-timeline-list' }, phases.map((p, i) => {
    const current = !p.left_at && i === phases.length - 1;
    const late = p.due && (p.left_at ? p.left_at.slice(0, 10) > p.due : c.overdue && current);
    return h('li', { class: [current ? 'current' : 'done', late && 'overdue'], 'aria-current': current ? 'step' : null },
      h('strong', label('phase', p.phase)), ' ',
      current ? badge('status', c.overdue ? 'overdue' : 'open', { label: t('case.tl.current') }) : null,
      h('div', { class: 'small' },
        t('case.tl.entered', { at: fmtDateTime(p.entered_at) }),
        p.transition ? [' · ', t('case.tl.by', { transition: tOr(`transition.${p.transition}`, tOr(`trigger.${p.transition}`, p.transition.replace(/_/g, ' '))) })] : null),
      p.due ? h('div', { class: 'small' }, t('case.tl.due', { date: fmtDate(p.due) }),
        late ? [' ', badge('status', 'overdue', { label: t('case.tl.late') })] : null) : null,
      p.left_at ? h('div', { class: 'small muted' }, t('case.tl.left', { at: fmtDateTime(p.left_at) })) : null,
      p.reason ? h('div', { class: 'small' }, t('case.tl.reason'), ' ', h('q', p.reason)) : null);
  }));

  const clockLine = h('p', { id: 'case-clock' }, t('case.clock'), ' ', clockBadge(c),
    c.phase_due ? [' ', t('case.clock_due', { date: fmtDate(c.phase_due) })] : null,
    c.clock === 'paused' ? [' ', h('span', { class: 'muted' }, t('case.clock_paused_hint'))] : null);

  const mats = c.material_requests || [];
  const exts = c.extensions || [];
  const parts = [clockLine, list];
  if (mats.length) {
    parts.push(table([
      { key: 'what', label: t('case.mat.what') },
      { key: 'phase', label: t('case.mat.phase'), render: (m) => label('phase', m.phase) },
      { key: 'requested_at', label: t('case.mat.requested'), render: (m) => h('span', { class: 'nowrap', title: fmtDateTime(m.requested_at) }, fmtDate(m.requested_at)) },
      { key: 'received_at', label: t('case.mat.received'), render: (m) => (m.received_at ? h('span', { class: 'nowrap', title: fmtDateTime(m.received_at) }, fmtDate(m.received_at)) : badge('status', 'pending', { label: t('case.mat.waiting') })) },
      { key: 'paused_days', label: t('case.mat.paused_days'), num: true, render: (m) => (m.paused_days === null || m.paused_days === undefined ? null : fmtNumber(m.paused_days)) },
    ], mats, { caption: t('case.materials') }));
  }
  if (exts.length) {
    parts.push(table([
      { key: 'phase', label: t('case.mat.phase'), render: (e) => label('phase', e.phase) },
      { key: 'days', label: t('case.ext.days'), num: true },
      { key: 'reason', label: t('common.reason') },
      { key: 'old_due', label: t('case.ext.old_due'), render: (e) => h('span', { class: 'nowrap' }, fmtDate(e.old_due)) },
      { key: 'new_due', label: t('case.ext.new_due'), render: (e) => h('span', { class: 'nowrap' }, fmtDate(e.new_due)) },
      { key: 'at', label: t('common.date'), render: (e) => h('span', { class: 'nowrap', title: fmtDateTime(e.at) }, fmtDate(e.at)) },
    ], exts, { caption: t('case.extensions') }));
  }
  const role = page.user && page.user.role;
  const work = [];
  if (actionAllowed(proc, 'materials.request', role, c.phase)) work.push(materialsForm(c, page));
  const pending = mats.some((m) => !m.received_at);
  if (pending && actionAllowed(proc, 'materials.receive', role, c.phase)) work.push(receivedForm(c, page));
  if (c.phase_due && actionAllowed(proc, 'deadline.extend', role, c.phase)) work.push(extensionForm(c, page));
  if (work.length) parts.push(h('div', { class: 'grid-2 case-work' }, work));
  return section('case-timeline', t('case.timeline'), ...parts);
}

/** A small form that posts to the API, shows its errors, and reloads the case when done. */
function miniForm(id, title, fields, submitLabel, send, page, { hint } = {}) {
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', id, novalidate: true },
    hint ? h('p', { class: 'hint' }, hint) : null, ...fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel)), out);
  // collapsed until wanted: the page stays short for those who only read
  const box = h('details', { class: 'work-form', id: `${id}-box` }, h('summary', h('strong', title)), form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    for (const el of Array.from(form.elements)) {
      if (el.required && !String(el.value || '').trim()) {
        formErrors(form, new ApiError({ code: 'required', field: el.name, message: t('common.required') }));
        return;
      }
    }
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    status(out, t('case.sending'));
    try {
      const fresh = await send(form);
      toast(t('case.saved', { what: title }), 'success');
      const sec = form.closest('section');
      await page.reload(fresh, sec ? `#${sec.id}` : null);
    } catch (err) {
      status(out, '');
      formErrors(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  return box;
}

function materialsForm(c, page) {
  return miniForm('materials-form', t('case.mat.request'),
    [field(t('case.mat.what_label'), control({ name: 'what', rows: 3, required: true }))],
    t('case.mat.request_submit'),
    (form) => api.post(`/cases/${enc(c.ref)}/materials`, { what: form.elements.what.value.trim() }), page,
    { hint: t('case.mat.request_hint') });
}

function receivedForm(c, page) {
  return miniForm('received-form', t('case.mat.receive'), [], t('case.mat.receive_submit'),
    () => api.post(`/cases/${enc(c.ref)}/materials/received`, {}), page, { hint: t('case.mat.receive_hint') });
}

function extensionForm(c, page) {
  return miniForm('extension-form', t('case.ext.title'), [
    field(t('case.ext.days_label'), control({ name: 'days', type: 'number', min: 1, max: 365, required: true, inputmode: 'numeric' })),
    field(t('case.ext.reason_label'), control({ name: 'reason', rows: 3, required: true })),
  ], t('case.ext.submit'),
  (form) => api.post(`/cases/${enc(c.ref)}/extensions`, { days: Number(form.elements.days.value), reason: form.elements.reason.value.trim() }),
  page, { hint: t('case.ext.hint', { date: fmtDate(c.phase_due) }) });
}

/* ------------------------------------------------------------------ trigger, scoping, commitment */

function trigger(c, page) {
  const opener = (page.audit || []).find((e) => e.action === 'case.open');
  const complaints = c.complaints || [];
  return section('case-trigger', t('case.trigger'),
    defList([
      [t('case.trigger_kind'), label('trigger', c.trigger)],
      [t('case.raised_by'), [page.raiserOrg ? page.raiserOrg.name : null, opener ? ` (${opener.actor})` : null].filter(Boolean).join('') || null],
      [t('case.opened'), when(c.opened_at)],
      [t('case.trigger_detail'), c.trigger_detail],
    ]),
    complaints.length ? [
      h('h3', t('case.complaints', { n: fmtNumber(complaints.length) })),
      table([
        { key: 'id', label: '#', num: true },
        { key: 'received_at', label: t('case.cpl.received'), render: (x) => fmtDate(x.received_at) },
        { key: 'text', label: t('case.cpl.text'), render: (x) => [x.product_name ? h('strong', `${x.product_name}${x.version ? ` ${x.version}` : ''}: `) : null, x.text] },
      ], complaints, { caption: t('case.complaints', { n: fmtNumber(complaints.length) }) }),
    ] : null);
}

function scoping(c, proc) {
  const hasScoping = ((proc && proc.phases) || []).some((p) => p.id === 'scoping');
  const went = (c.phases || []).some((p) => p.phase === 'scoping');
  if (!c.scoping_result && !went && !(hasScoping && c.phase === 'scoping')) return null;
  return section('case-scoping', t('case.scoping'),
    c.scoping_result
      ? defList([
        [t('case.scoping_result'), badge('status', c.scoping_result === 'required' ? 'pending' : 'closed',
          { label: tOr(`case.scoping.${c.scoping_result}`, c.scoping_result) })],
        [t('case.scoping_reason'), c.scoping_reason],
      ])
      : h('p', { class: 'muted' }, t('case.scoping_waiting')));
}

function commitment(c) {
  const cm = c.commitment;
  return section('case-commitment', t('case.commitment'),
    cm ? defList([
      [t('case.cm.signed_by'), cm.signed_by],
      [t('case.cm.signed_at'), when(cm.signed_at)],
      [t('case.cm.hash'), hashText(cm.text_hash)],
      [t('case.cm.key'), hashText(cm.key_id)],
    ]) : h('p', { class: 'muted' }, t('case.cm.none')));
}

/* ------------------------------------------------------------------ tasks */

function tasks(c, proc, page) {
  const list = c.tasks || [];
  const cards = list.map((x) => h('article', { class: 'card task-card', id: `task-${x.id}`, dataset: { status: x.status } },
    h('h3', `#${x.id} ${x.institution}`),
    h('p', { class: 'row' }, badge('method', x.method, { label: label('method', x.method) }), badge('status', x.status)),
    defList([
      [t('case.task.due'), day(x.due)],
      [t('case.task.standards'), x.standards],
      [t('case.task.assigned'), x.assigned_by ? `${x.assigned_by} · ${fmtDate(x.assigned_at)}` : null],
    ]),
    x.report ? h('details', { class: 'task-report' },
      h('summary', t('case.task.report_by', { who: x.reported_by || '', at: fmtDateTime(x.reported_at) })),
      h('p', x.report),
      defList([[t('case.task.report_hash'), hashText(x.report_hash)], [t('case.task.signature'), hashText(x.report_signature)],
        [t('case.task.key'), hashText(x.report_key_id)]]))
      : h('p', { class: 'muted' }, t('case.task.no_report'))));
  const parts = [list.length ? h('div', { class: 'grid' }, cards) : h('p', { class: 'muted' }, t('case.task.none'))];
  if (actionAllowed(proc, 'task.assign', page.user && page.user.role, c.phase)) parts.push(taskForm(c, proc, page));
  return section('case-tasks', t('case.tasks'), ...parts);
}

function taskForm(c, proc, page) {
  const insts = (page.institutions || []).filter((i) => i.in_force !== false);
  const methods = (proc && proc.methods) || ['lab_testing', 'on_site_inspection', 'online_monitoring', 'background_investigation'];
  const inst = control({ name: 'institution', required: true, options: [['', t('case.task.pick_institution')], ...insts.map((i) => [String(i.org_id), i.org])] });
  const method = control({ name: 'method', required: true, options: [['', t('case.task.pick_method')], ...methods.map((m) => [m, label('method', m)])] });
  // an institution may be assigned only the methods it is designated for (R5)
  inst.addEventListener('change', () => {
    const i = insts.find((x) => String(x.org_id) === inst.value);
    const allowed = i && i.methods ? i.methods.split(',').map((s) => s.trim()) : methods;
    for (const o of Array.from(method.options)) if (o.value) o.disabled = !allowed.includes(o.value);
    if (method.value && !allowed.includes(method.value)) method.value = '';
  });
  return miniForm('task-form', t('case.task.assign'), [
    field(t('case.task.institution'), inst),
    field(t('case.task.method'), method),
    field(t('case.task.due_days'), control({ name: 'due_days', type: 'number', min: 0, max: 3650, inputmode: 'numeric' }), null, { hint: t('case.task.due_days_hint') }),
    field(t('case.task.standards'), control({ name: 'standards' }), null, { hint: t('case.task.standards_hint') }),
  ], t('case.task.assign_submit'), async (form) => {
    const body = { institution: Number(form.elements.institution.value), method: form.elements.method.value };
    const dd = form.elements.due_days.value;
    if (dd !== '') body.due_days = Number(dd);
    const st = form.elements.standards.value.trim();
    if (st) body.standards = st;
    await api.post(`/cases/${enc(c.ref)}/tasks`, body);
    return null;
  }, page, { hint: t('case.task.assign_hint') });
}

/* ------------------------------------------------------------------ evidence */

function evidenceTable(list) {
  return table([
    { key: 'filename', label: t('case.ev.file'), render: (e) => h('a', { href: `/api/v1/evidence/${enc(e.id)}`, download: e.filename || '', class: 'evidence-link' }, e.filename || `#${e.id}`) },
    { key: 'size', label: t('case.ev.size'), num: true, render: (e) => h('span', { class: 'nowrap' }, fmtBytes(e.size)) },
    { key: 'media_type', label: t('case.ev.type'), render: (e) => h('code', e.media_type) },
    { key: 'sha256', label: 'SHA-256', render: (e) => hashText(e.sha256) },
    { key: 'task_id', label: t('case.ev.task'), render: (e) => (e.task_id ? `#${e.task_id}` : null) },
    { key: 'confidential', label: t('case.ev.confidential'), render: (e) => (e.confidential ? t('case.ev.confidential_yes') : t('case.ev.public')) },
    { key: 'description', label: t('case.ev.description') },
    { key: 'added_by', label: t('case.ev.added'), render: (e) => [e.added_by, ' · ', fmtDateTime(e.added_at)] },
  ], list, { caption: t('case.ev.caption'), empty: t('case.ev.none'), className: 'evidence-table' });
}

function evidence(c, proc, page) {
  const holder = h('div', { id: 'evidence-list' }, evidenceTable(c.evidence || []));
  // after an upload (here or by an analysis form): the list, the pickers of the analyses, the history
  page.refreshEvidence = async () => {
    const list = await api.get(`/cases/${enc(c.ref)}/evidence`);
    page.c.evidence = list;
    clear(holder).append(evidenceTable(list));
    for (const fn of page.evidenceListeners || []) fn(list);
    await page.refreshAudit();
    return list;
  };
  const parts = [h('p', { class: 'hint' }, t('case.ev.read_logged')), holder];
  if (actionAllowed(proc, 'evidence.add', page.user && page.user.role, c.phase)) parts.push(uploadForm(c, page, holder));
  return section('case-evidence', t('case.evidence'), ...parts);
}

function uploadForm(c, page, holder) {
  const fileInput = h('input', { type: 'file', name: 'file', id: uid('file'), required: true });
  const chosen = h('p', { class: 'small', 'aria-live': 'polite', id: 'upload-chosen' });
  let picked = null;
  const pick = (file) => {
    picked = file || null;
    chosen.textContent = picked ? t('case.ev.chosen', { name: picked.name, size: fmtBytes(picked.size) }) : '';
  };
  fileInput.addEventListener('change', () => pick(fileInput.files && fileInput.files[0]));
  const zone = h('div', { class: 'dropzone', id: 'dropzone' },
    h('p', t('case.ev.drop')),
    field(t('case.ev.pick'), fileInput),
    chosen);
  for (const ev of ['dragenter', 'dragover']) {
    zone.addEventListener(ev, (e) => { e.preventDefault(); zone.classList.add('dragover'); });
  }
  for (const ev of ['dragleave', 'drop']) zone.addEventListener(ev, () => zone.classList.remove('dragover'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) pick(f);
  });
  const taskOpts = (c.tasks || []).map((x) => [String(x.id), `#${x.id} ${x.institution} — ${label('method', x.method)}`]);
  const progress = h('progress', { id: 'upload-progress', max: 1, value: 0, 'aria-label': t('case.ev.progress') });
  const progWrap = h('div', { class: 'upload-progress', hidden: true }, progress, h('span', { class: 'small', id: 'upload-progress-text' }));
  const out = h('div', { id: 'upload-status', 'aria-live': 'polite' });
  const result = h('div', { id: 'upload-result' });
  const form = h('form', { class: 'form', id: 'upload-form', novalidate: true },
    h('h3', t('case.ev.add')),
    zone,
    taskOpts.length ? field(t('case.ev.task'), control({ name: 'task_id', options: [['', t('case.ev.no_task')], ...taskOpts] })) : null,
    field(t('case.ev.description'), control({ name: 'description' })),
    field(t('case.ev.public_label'), control({ name: 'public', type: 'checkbox', value: false }), null, { hint: t('case.ev.public_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'upload-submit' }, t('case.ev.upload'))),
    progWrap, out, result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    clear(result);
    if (!picked) { formErrors(form, new ApiError({ code: 'required', field: 'file', message: t('case.ev.no_file') })); return; }
    const btn = form.querySelector('#upload-submit');
    btn.disabled = true;
    progWrap.hidden = false;
    progress.max = Math.max(1, picked.size);
    progress.value = 0;
    const text = form.querySelector('#upload-progress-text');
    let lastSaid = -1;
    status(out, t('case.ev.uploading', { name: picked.name }));
    try {
      const evd = await api.upload(c.ref, picked, {
        task_id: form.elements.task_id ? form.elements.task_id.value || undefined : undefined,
        description: form.elements.description.value.trim() || undefined,
        public: form.elements.public.checked,
        onProgress: (sent, total) => {
          progress.value = sent;
          const pct = total ? Math.floor((sent / total) * 100) : 100;
          text.textContent = ` ${t('case.ev.sent', { sent: fmtBytes(sent), total: fmtBytes(total), pct: fmtNumber(pct) })}`;
          // announce every quarter, not every part
          const q = Math.floor(pct / 25);
          if (q !== lastSaid) { lastSaid = q; status(out, t('case.ev.uploading_pct', { name: picked.name, pct: fmtNumber(pct) })); }
        },
      });
      status(out, t('case.ev.done', { name: evd.filename || picked.name }), 'success');
      result.append(defList([
        [t('case.ev.file'), evd.filename || picked.name],
        [t('case.ev.size'), fmtBytes(evd.size)],
        ['SHA-256', h('code', { class: 'hash', id: 'upload-sha256' }, evd.sha256)],
      ]));
      toast(t('case.ev.done', { name: evd.filename || picked.name }), 'success');
      try {
        await page.refreshEvidence();
      } catch { /* the list is refreshed at the next visit */ }
      form.reset();
      pick(null);
    } catch (err) {
      status(out, '');
      formErrors(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

/* ------------------------------------------------------------------ findings */

function findings(c, proc) {
  const list = c.findings || [];
  const cats = [...((proc && proc.categories) || DEFAULT_CATEGORIES)];
  for (const f of list) if (!cats.includes(f.category)) cats.push(f.category);
  const sevRank = (s) => { const i = SEVERITIES.indexOf(s); return i < 0 ? SEVERITIES.length : i; };
  const count = (cat, sev) => list.filter((f) => f.category === cat && (!sev || f.severity === sev)).length;
  const matrix = table([
    { key: 'cat', label: t('case.fd.category'), rowHeader: true, render: (r) => label('category', r.cat) },
    ...SEVERITIES.map((s) => ({ key: s, label: label('severity', s), num: true, render: (r) => fmtNumber(count(r.cat, s)) })),
    { key: 'total', label: t('common.total'), num: true, render: (r) => fmtNumber(count(r.cat)) },
  ], cats.map((cat) => ({ cat })), { caption: t('case.fd.matrix'), className: 'findings-matrix' });
  const groups = cats.filter((cat) => count(cat)).map((cat) => h('div', { class: 'finding-group', dataset: { category: cat } },
    h('h3', label('category', cat), ' ', h('span', { class: 'muted small' }, `(${fmtNumber(count(cat))})`)),
    h('ul', { class: 'findings' }, list.filter((f) => f.category === cat).sort((a, b) => sevRank(a.severity) - sevRank(b.severity))
      .map((f) => h('li', { class: 'finding', dataset: { severity: f.severity } },
        badge('severity', f.severity), ' ', h('strong', f.title),
        f.detail ? h('p', f.detail) : null,
        h('p', { class: 'small muted' }, [
          f.source ? label('method', f.source) : null,
          f.task_id ? t('case.fd.task', { id: f.task_id }) : null,
          f.evidence_ids ? t('case.fd.evidence', { ids: f.evidence_ids }) : null,
          `${f.created_by} · ${fmtDateTime(f.created_at)}`,
        ].filter(Boolean).join(' · ')))))));
  return section('case-findings', t('case.findings'),
    list.length ? [matrix, ...groups] : h('p', { class: 'muted' }, t('case.fd.none')));
}

/* ------------------------------------------------------------------ panel */

function panel(c, proc, page) {
  const p = c.panel;
  const dims = (proc && proc.dimensions) || [...DEFAULT_CATEGORIES, 'supplier'];
  const parts = [];
  if (!p) {
    parts.push(h('p', { class: 'muted' }, t('case.pn.none')));
  } else {
    const members = p.members || [];
    parts.push(h('p', { id: 'panel-summary' },
      t('case.pn.summary', { size: fmtNumber(p.panel_size), active: fmtNumber(p.members_active), done: fmtNumber(p.complete_scorers) }), ' ',
      p.sealed ? badge('status', 'sealed', { label: t('case.pn.sealed') }) : badge('status', 'scored', { label: t('case.pn.unsealed') })));
    if (p.sealed) parts.push(h('p', { class: 'hint' }, t('case.pn.sealed_hint')));
    parts.push(table([
      { key: 'name', label: t('case.pn.member'), rowHeader: true, render: (m) => [m.name, ' ', h('span', { class: 'muted small' }, `(${m.login})`)] },
      { key: 'status', label: t('common.status'), render: (m) => badge('status', m.status) },
      { key: 'reason', label: t('common.reason') },
      { key: 'dimensions_scored', label: t('case.pn.scored'), render: (m) => (m.status !== 'member' ? null
        : [badge('status', m.dimensions_scored >= p.dimensions_total ? 'scored' : 'pending',
          { label: m.dimensions_scored >= p.dimensions_total ? t('case.pn.has_scored') : t('case.pn.not_yet') }),
        ' ', h('span', { class: 'small muted' }, t('case.pn.dims', { n: fmtNumber(m.dimensions_scored), total: fmtNumber(p.dimensions_total) }))]) },
    ], members, { caption: t('case.pn.members'), className: 'panel-members' }));
    const scorers = members.filter((m) => Array.isArray(m.scores) && m.scores.length);
    if (scorers.length) {
      const level = (m, d) => { const s = m.scores.find((x) => x.dimension === d); return s ? badge('level', s.level) : null; };
      const rows = scorers.map((m) => ({ kind: 'member', m }));
      if (p.medians) rows.push({ kind: 'median' });
      parts.push(table([
        { key: 'who', label: t('case.pn.member'), rowHeader: true, render: (r) => (r.kind === 'median' ? h('strong', t('case.pn.median')) : r.m.name) },
        ...dims.map((d) => ({ key: d, label: label('category', d), render: (r) => (r.kind === 'median' ? (p.medians[d] ? badge('level', p.medians[d]) : null) : level(r.m, d)) })),
      ], rows, { caption: t('case.pn.scores'), className: 'panel-scores' }));
      parts.push(h('div', { class: 'score-reasons' }, scorers.map((m) => h('details', h('summary', t('case.pn.reasons_of', { name: m.name })),
        h('dl', { class: 'deflist' }, m.scores.map((s) => [h('dt', label('category', s.dimension), ' ', badge('level', s.level)),
          h('dd', s.reason || '—', h('div', { class: 'small muted' }, fmtDateTime(s.submitted_at)))]))))));
    }
    if (!p.sealed && p.recommendation) {
      parts.push(h('p', { id: 'panel-recommendation' }, h('strong', t('case.pn.recommendation')), ' ', badge('outcome', p.recommendation)));
    }
  }
  if (actionAllowed(proc, 'panel.form', page.user && page.user.role, c.phase) && !p) parts.push(panelForm(c, page));
  return section('case-panel', t('case.panel'), ...parts);
}

function panelForm(c, page) {
  const experts = (page.experts || []).filter((e) => e.in_force !== false);
  const fs = h('fieldset', { dataset: { field: 'experts' } }, h('legend', t('case.pn.pick')),
    h('p', { class: 'hint' }, t('case.pn.pick_hint')),
    h('div', { class: 'check-list' }, experts.map((e) => {
      const id = uid('expert');
      return h('div', { class: 'field-check' }, h('input', { type: 'checkbox', id, name: 'expert', value: e.login }),
        h('label', { for: id }, `${e.name} (${e.login})`, e.field ? h('span', { class: 'muted small' }, ` — ${e.field}`) : null));
    })),
    h('div', { class: 'field-error', role: 'alert', hidden: true }));
  return miniForm('panel-form', t('case.pn.form'), [fs], t('case.pn.form_submit'), async (form) => {
    const picked = Array.from(form.querySelectorAll('input[name="expert"]:checked')).map((b) => b.value);
    await api.post(`/cases/${enc(c.ref)}/panel`, picked.length ? { experts: picked } : {});
    return null;
  }, page, { hint: t('case.pn.form_hint') });
}

/* ------------------------------------------------------------------ decision */

function decisionView(d, c, page) {
  const pub = (c.options || []).find((o) => o.transition === 'publish' && o.allowed && !(o.unmet || []).length);
  return h('div', { id: 'decision-view' },
    h('p', h('strong', t('case.dc.outcome')), ' ', badge('outcome', d.outcome), ' ', badge('status', d.status)),
    defList([
      [t('case.dc.rationale'), d.rationale],
      [t('case.dc.conditions'), d.conditions],
      [t('case.dc.versions'), d.versions],
      [t('case.dc.valid'), t('case.dc.valid_range', { from: fmtDate(d.valid_from), until: fmtDate(d.valid_until) })],
      [t('case.dc.recommendation'), d.recommendation ? badge('outcome', d.recommendation) : null],
      [t('case.dc.justification'), d.justification],
      [t('case.dc.visibility'), badge('visibility', d.visibility)],
      [t('case.dc.audience'), d.audience],
      [t('case.dc.decided'), [d.decided_by, ' · ', fmtDateTime(d.decided_at)]],
      [t('case.dc.signature'), [t('case.dc.suite', { suite: d.suite }), ' ', hashText(d.key_id)]],
      [t('case.dc.revoked'), d.revoked_at ? [fmtDateTime(d.revoked_at), d.revoke_reason ? ` — ${d.revoke_reason}` : ''] : null],
    ]),
    h('h3', t('case.dc.publication')),
    d.published
      ? h('p', { id: 'publication' }, badge('phase', 'published'), ' ', t('case.dc.published_at', { at: fmtDateTime(d.published_at) }), ' ',
        h('a', { href: href(`/results/${enc(d.id)}`), id: 'result-link' }, t('case.dc.result_page')))
      : h('p', { id: 'publication', class: 'muted' }, d.visibility === 'internal' ? t('case.dc.not_published_internal') : t('case.dc.not_published')),
    pub && !d.published ? h('p', { class: 'actions' }, h('button', {
      type: 'button', class: 'btn btn-primary', id: 'publish-button',
      onclick: (ev) => page.transition(pub, tOr(`transition.${pub.transition}`, pub.title), document.getElementById('publish-status')),
    }, tOr(`transition.${pub.transition}`, pub.title))) : null,
    pub && !d.published ? h('div', { id: 'publish-status' }) : null,
    h('p', { class: 'small' }, h('a', { href: `/api/v1/decisions/${enc(d.id)}/export`, download: `decision-${d.id}.json` }, t('case.dc.export'))));
}

/** Makes the control of a field() required or not, with the star of its label. */
function setRequired(fieldEl, on) {
  const ctl = fieldEl.querySelector('input, select, textarea');
  const lab = fieldEl.querySelector('label');
  ctl.required = on;
  let star = lab.querySelector('.req');
  if (on && !star) lab.append(h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'));
  if (!on && star) star.remove();
}

function decisionForm(c, page, decide) {
  const rec = c.panel && !c.panel.sealed ? c.panel.recommendation : null;
  const form = h('form', { class: 'form', id: 'decision-form', novalidate: true });
  const outcome = control({ name: 'outcome', required: true, value: rec || '',
    options: [['', t('case.dc.pick_outcome')], ...['passed', 'passed_with_conditions', 'failed'].map((o) => [o, label('outcome', o)])] });
  const visibility = control({ name: 'visibility', required: true, value: 'public',
    options: ['public', 'restricted', 'internal'].map((v) => [v, label('visibility', v)]) });
  const condField = field(t('case.dc.conditions'), control({ name: 'conditions', rows: 3 }), null, { hint: t('case.dc.conditions_hint') });
  const audField = field(t('case.dc.audience'), control({ name: 'audience', rows: 2 }), null, { hint: t('case.dc.audience_hint') });
  const justField = field(t('case.dc.justification'), control({ name: 'justification', rows: 3 }), null,
    { hint: rec ? t('case.dc.justification_hint', { rec: label('outcome', rec) }) : null });
  const out = h('div', { 'aria-live': 'polite' });
  form.append(
    h('h3', t('case.dc.form')),
    rec ? h('p', t('case.dc.panel_says'), ' ', badge('outcome', rec)) : null,
    field(t('case.dc.outcome'), outcome),
    field(t('case.dc.rationale'), control({ name: 'rationale', rows: 4, required: true })),
    condField,
    justField,
    field(t('case.dc.versions'), control({ name: 'versions', value: c.versions || '' }), null, { hint: t('case.dc.versions_hint') }),
    field(t('case.dc.valid_until'), control({ name: 'valid_until', type: 'date' }), null, { hint: t('case.dc.valid_until_hint') }),
    field(t('case.dc.visibility'), visibility),
    audField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'decide-submit' }, t('case.dc.submit'))),
    out);
  const sync = () => {
    condField.hidden = outcome.value !== 'passed_with_conditions';
    audField.hidden = visibility.value !== 'restricted';
    setRequired(audField, visibility.value === 'restricted');
    const departs = !!rec && !!outcome.value && outcome.value !== rec;
    justField.hidden = !departs;
    setRequired(justField, departs);
  };
  outcome.addEventListener('change', sync);
  visibility.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = (n) => (form.elements[n] ? form.elements[n].value.trim() : '');
    for (const n of ['outcome', 'rationale', 'justification', 'audience']) {
      const el = form.elements[n];
      if (el && el.required && !v(n)) { formErrors(form, new ApiError({ code: 'required', field: n, message: t('common.required') })); return; }
    }
    const body = { outcome: v('outcome'), rationale: v('rationale'), visibility: v('visibility') };
    if (!condField.hidden && v('conditions')) body.conditions = v('conditions');
    if (!justField.hidden && v('justification')) body.justification = v('justification');
    if (v('versions')) body.versions = v('versions');
    if (v('valid_until')) body.valid_until = v('valid_until');
    if (body.visibility === 'restricted') body.audience = v('audience').split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
    const ok = await dialog({ title: t('case.dc.confirm_title'), body: t('case.dc.confirm', { outcome: label('outcome', body.outcome), ref: c.ref }),
      okLabel: t('case.dc.submit'), danger: body.outcome === 'failed' });
    if (!ok) return;
    const btn = form.querySelector('#decide-submit');
    btn.disabled = true;
    status(out, t('case.sending'));
    try {
      const fresh = await api.post(`/cases/${enc(c.ref)}/transitions/${enc(decide.transition)}`, body);
      toast(t('case.dc.done', { outcome: label('outcome', body.outcome) }), 'success');
      await page.reload(fresh, '#case-decision');
    } catch (err) {
      status(out, '');
      formErrors(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

function decision(c, page) {
  const decide = (c.options || []).find((o) => o.needs_decision && o.allowed);
  const parts = [];
  if (c.decision) parts.push(decisionView(c.decision, c, page));
  else parts.push(h('p', { class: 'muted' }, t('case.dc.none')));
  if (decide && !(decide.unmet || []).length) parts.push(decisionForm(c, page, decide));
  else if (decide) parts.push(notice(t('case.dc.not_yet'), 'info'));
  return section('case-decision', t('case.decision'), ...parts);
}

/* ------------------------------------------------------------------ audit */

function audit(entries) {
  if (!entries) return null;
  return section('case-audit', t('case.audit'),
    h('p', { class: 'hint' }, t('case.audit_hint')),
    h('details', { id: 'audit-details', open: entries.length <= 30 },
      h('summary', t('case.audit_count', { n: fmtNumber(entries.length) })),
      table([
        { key: 'at', label: t('common.date'), render: (e) => h('span', { class: 'nowrap' }, fmtDateTime(e.at)) },
        { key: 'actor', label: t('case.au.actor') },
        { key: 'action', label: t('case.au.action'), render: (e) => h('code', e.action) },
        { key: 'object', label: t('case.au.object') },
        { key: 'detail', label: t('common.details') },
      ], entries, { caption: t('case.audit'), className: 'audit-table' })));
}

/* ------------------------------------------------------------------ the page */

function draw(main, c, page) {
  const proc = page.proc;
  page.evidenceListeners = [];
  const sections = [
    actions(c, page),
    timeline(c, proc, page),
    trigger(c, page),
    scoping(c, proc),
    commitment(c),
    tasks(c, proc, page),
    evidence(c, proc, page),
    scaSection(c, proc, page),
    trafficSection(c, proc, page),
    findings(c, proc),
    panel(c, proc, page),
    decision(c, page),
    audit(page.audit),
  ].filter(Boolean);
  clear(main);
  main.append(
    head(c),
    ...[watchBanner(c)].filter(Boolean),
    tocNav(sections.map((s) => [s.id, s.querySelector('h2').textContent])),
    ...sections);
  document.title = `${c.ref} · ${c.title} — ${t('app.name')}`;
}

async function transition(page, o, name, out) {
  const c = page.c;
  if (o.needs_decision) {
    const form = document.getElementById('decision-form');
    if (form) { form.scrollIntoView(); const first = form.querySelector('select, input, textarea'); if (first) first.focus(); }
    return;
  }
  const values = await dialog({
    title: t('case.tr.confirm_title', { name }),
    body: t('case.tr.confirm', { ref: c.ref, phase: label('phase', o.to) }),
    okLabel: name,
    danger: DANGER.has(o.transition),
    fields: [{ label: o.needs_reason ? t('case.tr.reason') : t('case.tr.reason_optional'), name: 'reason', rows: 3, required: !!o.needs_reason }],
  });
  if (!values) return;
  const body = {};
  if (values.reason && values.reason.trim()) body.reason = values.reason.trim();
  status(out, t('case.sending'));
  try {
    const fresh = await api.post(`/cases/${enc(c.ref)}/transitions/${enc(o.transition)}`, body);
    toast(t('case.tr.done', { name, phase: label('phase', fresh.phase) }), 'success');
    await page.reload(fresh, '#case-head h1');
  } catch (err) {
    status(out, errorText(err), 'error');
  }
}

async function loadExtras(c, user) {
  const role = user && user.role;
  const [auditEntries, raiserOrg, institutions, experts, sboms, traffic] = await Promise.all([
    // the case's history: for the office, the committee and the sector's department (others get 403)
    AUDIT_ROLES.includes(role) ? api.get(`/cases/${enc(c.ref)}/audit`).catch(() => null) : null,
    c.raised_by_org ? api.get(`/orgs/${enc(c.raised_by_org)}`).catch(() => null) : null,
    ['office', 'sector_dept'].includes(role) && c.phase === 'evaluation' ? api.get('/institutions').catch(() => []) : null,
    ['office', 'sector_dept'].includes(role) && !c.panel ? api.get('/experts').catch(() => []) : null,
    loadSboms(c),
    loadTraffic(c),
  ]);
  return { audit: Array.isArray(auditEntries) ? auditEntries : (auditEntries && auditEntries.items) || null, raiserOrg, institutions, experts, sboms, traffic };
}

export default {
  path: '/cases/:id',
  title: 'case.title',
  roles: ['signed-in'],
  async render(main, params, ctx) {
    const ref = params.id;
    const [c, proc] = await Promise.all([api.get(`/cases/${enc(ref)}`), procedure().catch(() => null)]);
    const page = { user: ctx.user, proc, c };
    Object.assign(page, await loadExtras(c, ctx.user));
    page.transition = (o, name, out) => transition(page, o, name, out);
    // the history after a change that does not redraw the page (an upload)
    page.refreshAudit = async () => {
      if (!AUDIT_ROLES.includes(ctx.user && ctx.user.role)) return;
      const entries = await api.get(`/cases/${enc(page.c.ref)}/audit`).catch(() => null);
      const old = main.querySelector('#case-audit');
      if (!entries || !old) return;
      page.audit = Array.isArray(entries) ? entries : entries.items || [];
      old.replaceWith(audit(page.audit));
    };
    // After an analysis: the findings it recorded, and the history, without redrawing the page.
    page.refreshFindings = async () => {
      const fresh = await api.get(`/cases/${enc(page.c.ref)}`);
      page.c.findings = fresh.findings || [];
      const old = main.querySelector('#case-findings');
      if (old) old.replaceWith(findings(page.c, page.proc));
      await page.refreshAudit();
    };
    // After a change: the answer of the change when it is the case, else a fresh read.
    page.reload = async (fresh, focusSel) => {
      const next = fresh && fresh.ref ? fresh : await api.get(`/cases/${enc(ref)}`);
      // the answer of a write may lack the caller's options: read them when missing
      if (!Array.isArray(next.options)) next.options = await api.get(`/cases/${enc(ref)}/options`).catch(() => []);
      page.c = next;
      Object.assign(page, await loadExtras(next, ctx.user));
      if (!main.isConnected) return;
      draw(main, next, page);
      const el = focusSel ? main.querySelector(focusSel) : null;
      const target = el && el.matches('h1, h2, h3') ? el : (el ? el.querySelector('h2, h3') : null);
      if (target) { if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1'); target.focus(); }
    };
    draw(main, c, page);
  },
};
