// #/tasks: the institution's workspace (R3, R10). The evaluation tasks assigned to the user's
// institution across the cases it may see (GET /api/v1/cases, then /cases/{case}/tasks of each),
// with case, method, status and due date; #/tasks?case=REF&task=ID opens one task: its evidence
// (uploaded in parts with a progress bar and drag and drop, the SHA-256 shown when done), its
// findings (one of the procedure's categories, a severity, title, detail, evidence references) and
// its signed report (report text + reference standards, POST /api/v1/tasks/{task}/report).
//
// Evidence and findings may be added while the case is in evaluation; the report may be signed
// while the task is assigned and the case is in evaluation (the procedure's task.report and
// finding.add phases).
//
// Also exports small helpers that provider.js uses: allCases(), mapLimit(), evidenceUploader(),
// evidenceTable(), procedure().

import { h, clear, uid } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, tOr, fmtDate, fmtDateTime, fmtNumber, fmtBytes } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import {
  table, badge, field, control, formErrors, clearErrors, notice, pageTitle,
  defList, status, toast, confirm,
} from '../lib/ui.js';

/* ------------------------------------------------------------------ shared helpers */

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
/** Phases in which an institution works on its tasks (the procedure's finding.add, task.report). */
const WORK_PHASES = ['evaluation'];

let procedureCache = null;

/** The procedure in force (GET /api/v1/procedure), fetched once. */
export async function procedure() {
  if (!procedureCache) {
    procedureCache = api.get('/procedure').catch((e) => { procedureCache = null; throw e; });
  }
  return procedureCache;
}

/** Every case the user may see, following next_offset. */
export async function allCases(query = {}) {
  const out = [];
  let offset = 0;
  for (let guard = 0; guard < 200; guard += 1) {
    const page = await api.get('/cases', { ...query, limit: 500, offset });
    out.push(...(page.items || []));
    if (page.next_offset === undefined || page.next_offset === null) break;
    offset = page.next_offset;
  }
  return out;
}

/** Runs fn over items with at most n at a time; resolves to the results in order. */
export async function mapLimit(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

/** Today as YYYY-MM-DD in the reader's time zone. */
export function today() {
  const d = new Date();
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function caseHref(ref) { return href(`/cases/${encodeURIComponent(ref)}`); }

/** A SHA-256 shown in full, in a monospace element that wraps on a phone. */
export function hashCode(hex, attrs = {}) {
  return h('code', { class: 'hash', ...attrs }, hex || '—');
}

/**
 * A table of evidence: file (a download link), size, type, SHA-256, added by and when.
 */
export function evidenceTable(items, { caption, empty, download = true } = {}) {
  return table([
    { key: 'filename', label: t('tasks.evidence.file'),
      render: (e) => (download ? h('a', { href: `/api/v1/evidence/${e.id}`, download: e.filename || true }, e.filename || `#${e.id}`) : (e.filename || `#${e.id}`)) },
    { key: 'size', label: t('tasks.evidence.size'), num: true, render: (e) => fmtBytes(e.size) },
    { key: 'media_type', label: t('tasks.evidence.type') },
    { key: 'sha256', label: t('tasks.evidence.sha256'), render: (e) => hashCode(e.sha256) },
    { key: 'added_by', label: t('tasks.evidence.added_by'), render: (e) => `${e.added_by || ''} · ${fmtDateTime(e.added_at)}` },
  ], items, { caption, empty: empty || t('tasks.evidence.none') });
}

/**
 * An evidence upload form: a drop zone around a file input, a description, a <progress> bar and
 * the SHA-256 of the stored evidence once the upload completes (the upload parts protocol of
 * docs/API.md through api.upload).
 *   evidenceUploader({caseRef, taskId, onDone(evidence), heading})
 */
export function evidenceUploader({ caseRef, taskId, onDone, heading } = {}) {
  const fileInput = h('input', { type: 'file', name: 'file', required: true, class: 'file-input' });
  const chosen = h('p', { class: 'small muted upload-chosen', 'aria-live': 'polite' }, t('tasks.upload.none_chosen'));
  const dropHint = h('p', { class: 'dropzone-hint' }, t('tasks.upload.drop_hint'));
  const zone = h('div', { class: 'dropzone', dataset: { testid: 'dropzone' } }, dropHint, field(t('tasks.upload.file'), fileInput), chosen);
  const desc = control({ name: 'description', maxlength: 2000 });
  const progLabelId = uid('prog');
  const progress = h('progress', { max: 1, value: 0, 'aria-labelledby': progLabelId, class: 'upload-progress' });
  const progText = h('span', { class: 'small upload-percent' }, '');
  const progWrap = h('div', { class: 'upload-progress-wrap', hidden: true },
    h('span', { id: progLabelId, class: 'small' }, t('tasks.upload.progress')), progress, progText);
  const result = h('div', { class: 'upload-result', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('tasks.upload.submit'));
  const form = h('form', { class: 'form uploader', novalidate: true },
    zone, field(t('tasks.upload.description'), desc, null, { hint: t('tasks.upload.description_hint') }),
    h('div', { class: 'actions' }, submit), progWrap, result);

  let file = null;
  const choose = (f) => {
    file = f || null;
    chosen.textContent = file ? t('tasks.upload.chosen', { name: file.name, size: fmtBytes(file.size) }) : t('tasks.upload.none_chosen');
  };
  fileInput.addEventListener('change', () => choose(fileInput.files && fileInput.files[0]));
  const over = (on) => (ev) => { ev.preventDefault(); zone.classList.toggle('is-over', on); };
  zone.addEventListener('dragenter', over(true));
  zone.addEventListener('dragover', (ev) => { ev.preventDefault(); if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy'; zone.classList.add('is-over'); });
  zone.addEventListener('dragleave', over(false));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('is-over');
    const files = ev.dataTransfer && ev.dataTransfer.files;
    if (!files || !files.length) return;
    try { fileInput.files = files; } catch { /* an older browser: keep our own reference */ }
    choose(files[0]);
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    clear(result);
    result.className = 'upload-result';
    if (!file) {
      formErrors(form, new ApiError({ code: 'required', field: 'file', message: t('tasks.upload.choose_first') }));
      return;
    }
    submit.disabled = true;
    progWrap.hidden = false;
    progress.max = Math.max(1, file.size);
    progress.value = 0;
    progText.textContent = fmtNumber(0, { style: 'percent' });
    try {
      const evd = await api.upload(caseRef, file, {
        task_id: taskId || undefined,
        description: desc.value.trim() || undefined,
        onProgress: (sent, total) => {
          progress.max = Math.max(1, total);
          progress.value = sent;
          progText.textContent = fmtNumber(total ? sent / total : 1, { style: 'percent', maximumFractionDigits: 0 });
        },
      });
      progress.value = progress.max;
      progText.textContent = fmtNumber(1, { style: 'percent' });
      result.className = 'upload-result alert alert-success';
      result.append(
        h('p', { class: 'mb-0' }, t('tasks.upload.done', { name: evd.filename || file.name, size: fmtBytes(evd.size) })),
        h('p', { class: 'mb-0' }, h('span', t('tasks.upload.sha256_label')), ' ',
          hashCode(evd.sha256, { class: 'hash upload-sha256', dataset: { sha256: evd.sha256 || '' } })));
      fileInput.value = '';
      desc.value = '';
      choose(null);
      if (onDone) await onDone(evd);
    } catch (err) {
      progWrap.hidden = true;
      formErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  return h('section', { class: 'card uploader-card', 'aria-label': heading || t('tasks.upload.heading') },
    h('h3', heading || t('tasks.upload.heading')), form);
}

/* ------------------------------------------------------------------ the list */

async function loadMyTasks(user) {
  const cases = await allCases();
  const lists = await mapLimit(cases, 6, async (c) => {
    try {
      const tasks = await api.get(`/cases/${encodeURIComponent(c.ref)}/tasks`);
      return (tasks || [])
        .filter((tk) => !user.org || tk.institution === user.org)
        .map((tk) => ({ ...tk, case: c }));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return [];
      throw e;
    }
  });
  const rows = lists.flat();
  const order = (tk) => (tk.status === 'assigned' && WORK_PHASES.includes(tk.case.phase) ? 0 : tk.status === 'assigned' ? 1 : 2);
  rows.sort((a, b) => order(a) - order(b) || String(a.due || '9999').localeCompare(String(b.due || '9999')) || a.id - b.id);
  return rows;
}

function taskLink(tk, text) {
  return h('a', { href: href('/tasks', { case: tk.case ? tk.case.ref : tk.case_ref, task: tk.id }), class: 'task-link', dataset: { task: String(tk.id) } }, text);
}

function dueCell(tk) {
  if (!tk.due) return '—';
  const late = tk.status === 'assigned' && tk.due < today();
  return h('span', { class: 'nowrap' }, fmtDate(tk.due), late ? [' ', badge('status', 'overdue')] : null);
}

async function renderList(main, ctx) {
  const { user } = ctx;
  main.appendChild(pageTitle(t('tasks.heading')));
  main.appendChild(h('p', { class: 'muted' }, t('tasks.intro', { org: user.org || user.name || user.login })));
  const rows = await loadMyTasks(user);
  const filterSel = control({ name: 'show', id: 'tasks-show', options: [
    ['open', t('tasks.filter.open')], ['assigned', t('tasks.filter.assigned')], ['all', t('tasks.filter.all')]] });
  const holder = h('div', { class: 'section', id: 'tasks-table' });
  const counts = h('p', { class: 'small muted', role: 'status', 'aria-live': 'polite' });
  const draw = () => {
    const show = filterSel.value;
    // under review: the case still has a phase deadline (not decided, published or closed)
    const shown = rows.filter((tk) => show === 'all' || (show === 'assigned' ? tk.status === 'assigned' : (!tk.case.closed && !!tk.case.phase_due)));
    counts.textContent = t('tasks.count', { shown: fmtNumber(shown.length), total: fmtNumber(rows.length) });
    clear(holder).appendChild(table([
      { key: 'case', label: t('tasks.col.case'), rowHeader: true,
        render: (tk) => h('span', h('span', { class: 'nowrap' }, taskLink(tk, tk.case.ref)), h('br'), h('span', { class: 'small' }, tk.case.title || '')) },
      { key: 'method', label: t('tasks.col.method'), render: (tk) => tOr(`method.${tk.method}`, tk.method) },
      { key: 'status', label: t('tasks.col.status'), render: (tk) => badge('status', tk.status) },
      { key: 'due', label: t('tasks.col.due'), render: dueCell },
      { key: 'phase', label: t('tasks.col.phase'), render: (tk) => badge('phase', tk.case.phase) },
      { key: 'open', label: t('common.actions'), render: (tk) => taskLink(tk, t('tasks.open_task')) },
    ], shown, { caption: t('tasks.table_caption'), empty: t('tasks.none') }));
  };
  filterSel.addEventListener('change', draw);
  main.appendChild(h('div', { class: 'filters' }, field(t('tasks.filter.label'), filterSel)));
  main.appendChild(counts);
  main.appendChild(holder);
  draw();
}

/* ------------------------------------------------------------------ one task */

async function findTask(params, user) {
  const taskId = Number(params.task);
  if (params.case) {
    const c = await api.get(`/cases/${encodeURIComponent(params.case)}`);
    const tk = (c.tasks || []).find((x) => x.id === taskId);
    if (tk) return { c, tk };
  }
  const rows = await loadMyTasks(user);
  const hit = rows.find((x) => x.id === taskId);
  if (!hit) return null;
  const c = await api.get(`/cases/${encodeURIComponent(hit.case.ref)}`);
  return { c, tk: (c.tasks || []).find((x) => x.id === taskId) || hit };
}

function findingsTable(items) {
  return table([
    { key: 'category', label: t('tasks.finding.category'), render: (f) => tOr(`category.${f.category}`, f.category) },
    { key: 'severity', label: t('tasks.finding.severity'), render: (f) => badge('severity', f.severity) },
    { key: 'title', label: t('tasks.finding.title'), render: (f) => h('span', h('strong', f.title), f.detail ? [h('br'), h('span', { class: 'small' }, f.detail)] : null) },
    { key: 'evidence_ids', label: t('tasks.finding.evidence'), render: (f) => (f.evidence_ids ? String(f.evidence_ids).split(',').map((x) => `#${x.trim()}`).join(', ') : '—') },
    { key: 'created_by', label: t('tasks.finding.by'), render: (f) => `${f.created_by || ''} · ${fmtDateTime(f.created_at)}` },
  ], items, { caption: t('tasks.findings.caption'), empty: t('tasks.findings.none') });
}

function findingForm({ c, tk, categories, onDone }) {
  const cat = control({ name: 'category', required: true, options: [['', t('tasks.finding.choose')], ...categories.map((x) => [x, tOr(`category.${x}`, x)])] });
  const sev = control({ name: 'severity', required: true, options: [['', t('tasks.finding.choose')], ...SEVERITIES.map((x) => [x, tOr(`severity.${x}`, x)])] });
  const title = control({ name: 'title', required: true, maxlength: 300 });
  const detail = control({ name: 'detail', rows: 4 });
  const evBoxes = (c.evidence || []).map((e) => {
    const box = h('input', { type: 'checkbox', name: 'evidence_ids', value: String(e.id), id: uid('ev') });
    return field(`#${e.id} ${e.filename || ''} (${String(e.sha256 || '').slice(0, 12)}…)`, box);
  });
  const evSet = h('fieldset', { class: 'evidence-refs', dataset: { field: 'evidence_ids' } },
    h('legend', t('tasks.finding.evidence_refs')),
    evBoxes.length ? evBoxes : h('p', { class: 'small muted' }, t('tasks.finding.no_evidence')),
    h('div', { class: 'field-error', role: 'alert', hidden: true }));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('tasks.finding.submit'));
  const form = h('form', { class: 'form finding-form', novalidate: true },
    h('div', { class: 'grid' }, field(t('tasks.finding.category'), cat), field(t('tasks.finding.severity'), sev)),
    field(t('tasks.finding.title'), title, null, { hint: t('tasks.finding.title_hint') }),
    field(t('tasks.finding.detail'), detail),
    evSet,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    for (const [ctl, name] of [[cat, 'category'], [sev, 'severity'], [title, 'title']]) {
      if (!String(ctl.value).trim()) {
        formErrors(form, new ApiError({ code: 'required', field: name, message: t('common.required') }));
        return;
      }
    }
    const body = { category: cat.value, severity: sev.value, title: title.value.trim(), task_id: tk.id };
    if (detail.value.trim()) body.detail = detail.value.trim();
    const ids = Array.from(form.querySelectorAll('input[name="evidence_ids"]:checked')).map((b) => Number(b.value));
    if (ids.length) body.evidence_ids = ids;
    submit.disabled = true;
    try {
      const f = await api.post(`/cases/${encodeURIComponent(c.ref)}/findings`, body);
      form.reset();
      toast(t('tasks.finding.added', { title: f.title }), 'success');
      if (onDone) await onDone(f);
    } catch (err) {
      formErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function reportForm({ tk, onDone }) {
  const report = control({ name: 'report', rows: 8, required: true });
  const standards = control({ name: 'standards', value: tk.standards || '', maxlength: 2000 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('tasks.report.submit'));
  const form = h('form', { class: 'form report-form', novalidate: true },
    field(t('tasks.report.text'), report, null, { hint: t('tasks.report.text_hint') }),
    field(t('tasks.report.standards'), standards, null, { hint: t('tasks.report.standards_hint') }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!report.value.trim()) {
      formErrors(form, new ApiError({ code: 'required', field: 'report', message: t('common.required') }));
      return;
    }
    const ok = await confirm(t('tasks.report.confirm_body'), { title: t('tasks.report.confirm_title'), okLabel: t('tasks.report.confirm_ok') });
    if (!ok) return;
    const body = { report: report.value.trim() };
    if (standards.value.trim()) body.standards = standards.value.trim();
    submit.disabled = true;
    try {
      await api.post(`/tasks/${tk.id}/report`, body);
      toast(t('tasks.report.signed'), 'success');
      if (onDone) await onDone();
    } catch (err) {
      formErrors(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

function signedReport(tk) {
  return h('div', { class: 'signed-report' },
    defList([
      [t('tasks.report.reported_by'), `${tk.reported_by || ''} · ${fmtDateTime(tk.reported_at)}`],
      [t('tasks.report.standards'), tk.standards],
      [t('tasks.report.hash'), tk.report_hash ? hashCode(tk.report_hash) : null],
      [t('tasks.report.key'), tk.report_key_id ? h('code', tk.report_key_id) : null],
    ]),
    h('h3', t('tasks.report.text')),
    h('pre', { class: 'report-text' }, tk.report || ''));
}

async function renderTask(main, params, ctx) {
  const { user } = ctx;
  const [found, proc] = await Promise.all([findTask(params, user), procedure()]);
  main.appendChild(h('p', h('a', { href: href('/tasks'), class: 'back-link' }, `← ${t('tasks.back')}`)));
  if (!found) {
    main.appendChild(pageTitle(t('tasks.not_found_title')));
    main.appendChild(notice(t('tasks.not_found'), 'warn'));
    return;
  }
  let { c, tk } = found;
  const categories = proc.categories || ['control', 'supply_chain', 'user_data', 'dependence', 'other'];
  const live = h('div', { id: 'task-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const body = h('div', { class: 'task-body' });
  main.append(pageTitle(t('tasks.task_heading', { method: tOr(`method.${tk.method}`, tk.method), ref: c.ref })), live, body);

  const reload = async () => {
    c = await api.get(`/cases/${encodeURIComponent(c.ref)}`);
    tk = (c.tasks || []).find((x) => x.id === tk.id) || tk;
    draw();
  };

  function draw() {
    clear(body);
    const inPhase = WORK_PHASES.includes(c.phase);
    const mine = !user.org || tk.institution === user.org;
    const canWork = inPhase && mine && user.role === 'institution';
    const canReport = canWork && tk.status === 'assigned';
    body.appendChild(h('section', { class: 'card section', 'aria-labelledby': 'task-about' },
      h('h2', { id: 'task-about' }, t('tasks.about')),
      defList([
        [t('tasks.col.case'), h('span', h('a', { href: caseHref(c.ref) }, c.ref), ` · ${c.title || ''}`)],
        [t('tasks.product'), c.product ? `${c.product} · ${c.versions || ''}` : c.versions],
        [t('tasks.col.phase'), h('span', badge('phase', c.phase), c.phase_due ? ` ${t('tasks.phase_due', { date: fmtDate(c.phase_due) })}` : '')],
        [t('tasks.col.method'), tOr(`method.${tk.method}`, tk.method)],
        [t('tasks.institution'), tk.institution],
        [t('tasks.col.status'), badge('status', tk.status)],
        [t('tasks.col.due'), dueCell(tk)],
        [t('tasks.assigned'), `${tk.assigned_by || ''} · ${fmtDateTime(tk.assigned_at)}`],
        [t('tasks.report.standards'), tk.standards],
      ])));
    if (!inPhase) body.appendChild(notice(t('tasks.closed_phase', { phase: tOr(`phase.${c.phase}`, c.phase) }), 'info'));

    // evidence
    const mineEv = (c.evidence || []).filter((e) => e.task_id === tk.id);
    const evSec = h('section', { class: 'section', id: 'task-evidence', 'aria-labelledby': 'task-evidence-h' },
      h('h2', { id: 'task-evidence-h' }, t('tasks.evidence.heading')),
      evidenceTable(mineEv, { caption: t('tasks.evidence.caption') }));
    if (canWork) {
      evSec.appendChild(evidenceUploader({
        caseRef: c.ref, taskId: tk.id,
        onDone: async (e) => {
          status(live, t('tasks.upload.stored', { name: e.filename, sha: e.sha256 }), 'success');
          c = await api.get(`/cases/${encodeURIComponent(c.ref)}`);
          tk = (c.tasks || []).find((x) => x.id === tk.id) || tk;
          // redraw the table and the finding form's evidence list; keep the uploader (its hash on screen)
          const tbl = evSec.querySelector('.table-wrap');
          if (tbl) tbl.replaceWith(evidenceTable((c.evidence || []).filter((x) => x.task_id === tk.id), { caption: t('tasks.evidence.caption') }));
          const ff = body.querySelector('.finding-form');
          if (ff) ff.replaceWith(findingForm({ c, tk, categories, onDone: afterFinding }));
        },
      }));
    }
    body.appendChild(evSec);

    // findings
    const mineF = (c.findings || []).filter((f) => f.task_id === tk.id);
    const fSec = h('section', { class: 'section', id: 'task-findings', 'aria-labelledby': 'task-findings-h' },
      h('h2', { id: 'task-findings-h' }, t('tasks.findings.heading')),
      findingsTable(mineF));
    if (canWork) {
      fSec.appendChild(h('section', { class: 'card', 'aria-labelledby': 'task-finding-add' },
        h('h3', { id: 'task-finding-add' }, t('tasks.finding.heading')),
        findingForm({ c, tk, categories, onDone: afterFinding })));
    }
    body.appendChild(fSec);

    // report
    const rSec = h('section', { class: 'section', id: 'task-report', 'aria-labelledby': 'task-report-h' },
      h('h2', { id: 'task-report-h' }, t('tasks.report.heading')));
    if (tk.status === 'reported') rSec.appendChild(signedReport(tk));
    else if (canReport) {
      rSec.appendChild(h('p', { class: 'muted' }, t('tasks.report.intro')));
      rSec.appendChild(h('div', { class: 'card' }, reportForm({ tk, onDone: async () => { await reload(); status(live, t('tasks.report.signed'), 'success'); live.focus(); } })));
    } else rSec.appendChild(notice(t('tasks.report.not_now'), 'info'));
    body.appendChild(rSec);
  }

  async function afterFinding(f) {
    status(live, t('tasks.finding.added', { title: f.title }), 'success');
    c = await api.get(`/cases/${encodeURIComponent(c.ref)}`);
    const sec = body.querySelector('#task-findings .table-wrap');
    if (sec) sec.replaceWith(findingsTable((c.findings || []).filter((x) => x.task_id === tk.id)));
  }

  draw();
}

/* ------------------------------------------------------------------ the page */

export default {
  path: '/tasks',
  title: 'tasks.title',
  roles: ['institution'],
  nav: 'tasks.nav',
  async render(main, params, ctx) {
    if (params.task) return renderTask(main, params, ctx);
    return renderList(main, ctx);
  },
};
