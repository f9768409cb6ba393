// What the two analysis sections of the case page share (sca.js: SBOMs, R3 supply_chain and R14;
// traffic.js: captures, R3 online monitoring): who may analyse, the evidence picker with its own
// parts upload, the task picker, the submit-and-report cycle, and small number and list helpers.
// Not a page: case.js builds the sections, index.js does not register this module.
//
// An analysis writes evidence-backed findings, so the caller must hold both of the procedure's
// actions evidence.add and finding.add in the case's phase (the office, or an institution on a
// task of its own); the server checks the same and its refusal is shown on the form.

import { h, clear, uid } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, fmtNumber, fmtBytes, fmtDateTime } from '../lib/i18n.js';
import { field, control, formErrors, clearErrors, status, toast, badge } from '../lib/ui.js';
import { label } from './cases.js';
import { actionAllowed } from './case.js';

export const enc = encodeURIComponent;
export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

/** The tasks of c the user may analyse for: an institution its own, the office any. */
export function ownTasks(c, user) {
  const list = c.tasks || [];
  if (!user) return [];
  if (user.role === 'institution') return list.filter((x) => !x.institution || !user.org || x.institution === user.org);
  return list;
}

/** Whether the user may run an analysis on c now (evidence.add and finding.add in its phase). */
export function mayAnalyse(c, proc, user) {
  const role = user && user.role;
  if (!['office', 'institution'].includes(role)) return false;
  if (!actionAllowed(proc, 'evidence.add', role, c.phase) || !actionAllowed(proc, 'finding.add', role, c.phase)) return false;
  return role !== 'institution' || ownTasks(c, user).length > 0;
}

// What a file probably is, from its name and media type: the picker lists those first.
const KINDS = {
  sbom: (e) => /\.(cdx|spdx|bom)?\.?json$/i.test(e.filename || '') || /cyclonedx|spdx|json/i.test(e.media_type || ''),
  capture: (e) => /\.(pcap|pcapng|cap)$/i.test(e.filename || '') || /pcap|tcpdump/i.test(e.media_type || ''),
  declaration: (e) => /\.json$/i.test(e.filename || '') || /json/i.test(e.media_type || ''),
};

export function looksLike(e, kind) { return !!(KINDS[kind] && KINDS[kind](e)); }

function evidenceText(e) {
  return `#${e.id} ${e.filename || ''} (${fmtBytes(e.size)})${e.task_id ? ` · ${t('engines.task_n', { id: e.task_id })}` : ''}`;
}

/** The <option>s of a picker: the likely files first, the others in a group of their own. */
function evidenceOptions(select, list, kind, { none }) {
  const keep = select.value;
  clear(select);
  select.append(h('option', { value: '' }, none));
  const likely = list.filter((e) => looksLike(e, kind));
  const other = list.filter((e) => !looksLike(e, kind));
  for (const e of likely) select.append(h('option', { value: String(e.id) }, evidenceText(e)));
  if (other.length) {
    select.append(h('optgroup', { label: t('engines.other_files') },
      other.map((e) => h('option', { value: String(e.id) }, evidenceText(e)))));
  }
  if (keep && list.some((e) => String(e.id) === keep)) select.value = keep;
}

/**
 * An evidence picker: a <select> of the case's evidence and, as the other way, a file input whose
 * file is uploaded in parts (api.upload) when the form is sent. Returns {el, refresh(list),
 * choice() -> {id, file}, reset()}.
 */
export function evidencePicker({ name, selectName = `${name}_evidence_id`, legend, kind, evidence, required, hint }) {
  // the select is named as the API's field, so that a refusal naming it lands next to it
  const select = control({ name: selectName, options: [] });
  const file = h('input', { type: 'file', name: `${name}_file`, id: uid('file') });
  const none = required ? t('engines.pick_evidence') : t('engines.no_evidence');
  evidenceOptions(select, evidence || [], kind, { none });
  // a refusal naming the picker itself ("capture") lands on it too, next to the select
  const el = h('fieldset', { class: 'evidence-picker', dataset: { field: name, picker: name } },
    h('legend', legend, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p', { class: 'hint' }, hint) : null,
    field(t('engines.choose_evidence'), select),
    field(t('engines.or_upload'), file, null, { hint: t('engines.or_upload_hint') }));
  return {
    el,
    refresh(list) { evidenceOptions(select, list || [], kind, { none }); },
    choice() {
      const f = file.files && file.files[0];
      return { id: select.value ? Number(select.value) : null, file: f || null };
    },
    reset() { file.value = ''; },
    select,
    file,
  };
}

/** The task an analysis is recorded for: an institution picks one of its own, the office may
 *  leave it empty (its own work). Null when there is nothing to choose. */
export function taskPicker(c, user) {
  const tasks = ownTasks(c, user);
  const isInst = user && user.role === 'institution';
  if (!tasks.length && !isInst) return null;
  const opts = tasks.map((x) => [String(x.id), `#${x.id} ${x.institution || ''} — ${label('method', x.method)}`]);
  const ctl = control({
    name: 'task_id', required: isInst,
    value: isInst && tasks.length === 1 ? String(tasks[0].id) : '',
    options: isInst ? [['', t('engines.pick_task')], ...opts] : [['', t('engines.office_task')], ...opts],
  });
  return field(t('engines.task'), ctl, null, { hint: isInst ? t('engines.task_hint_inst') : t('engines.task_hint_office') });
}

/**
 * Resolves a picker's choice to an evidence id of the case: the file chosen is uploaded first (in
 * parts, with progress on progressEl), else the evidence selected. Null when nothing is chosen.
 */
export async function evidenceId(c, picker, taskId, progressEl, onUploaded) {
  const { id, file } = picker.choice();
  if (!file) return id;
  const bar = progressEl.querySelector('progress');
  const txt = progressEl.querySelector('.progress-text');
  progressEl.hidden = false;
  bar.max = Math.max(1, file.size);
  bar.value = 0;
  txt.textContent = t('engines.uploading', { name: file.name });
  const ev = await api.upload(c.ref, file, {
    task_id: taskId || undefined,
    onProgress: (sent, total) => {
      bar.max = Math.max(1, total);
      bar.value = sent;
      txt.textContent = t('engines.uploading_pct', { name: file.name, pct: fmtNumber(total ? sent / total : 1, { style: 'percent', maximumFractionDigits: 0 }) });
    },
  });
  txt.textContent = t('engines.uploaded', { name: ev.filename || file.name });
  picker.reset();
  if (onUploaded) await onUploaded(ev);
  // a failed analysis leaves the file on the case: chosen already for the next try
  if (Array.from(picker.select.options).some((o) => o.value === String(ev.id))) picker.select.value = String(ev.id);
  return ev.id;
}

/** The progress line of an upload made by an analysis form. */
export function progressLine(id) {
  const txtId = uid('prog');
  return h('div', { class: 'engine-progress', id, hidden: true },
    h('progress', { max: 1, value: 0, 'aria-labelledby': txtId }),
    h('span', { class: 'small progress-text', id: txtId }));
}

/**
 * Wires an analysis form: on submit, validate(), run() (which uploads and posts), then the report
 * is shown by show(report) and the page's findings, evidence and lists refresh. Errors go next to
 * the field they name, or at the top of the form.
 */
export function wireForm(form, { out, submit, run, done }) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status(out, t('engines.analysing'));
    try {
      const report = await run();
      status(out, t('engines.analysed'), 'success');
      await done(report);
    } catch (err) {
      status(out, '');
      if (err instanceof ApiError || (err && err.field)) formErrors(form, err);
      else formErrors(form, new ApiError({ code: 'invalid', message: String(err && err.message ? err.message : err) }));
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/** A refusal of the form itself, before anything is sent (a missing choice). */
export function missing(fieldName, message) {
  return new ApiError({ code: 'required', field: fieldName, message });
}

/** A row of numbers: [{value, label, id, tone}] as the dashboard's stat boxes. */
export function stats(items, id) {
  return h('div', { class: 'stats engine-stats', id },
    items.map((s) => h('div', { class: ['stat', s.tone && `stat-${s.tone}`], dataset: { stat: s.id } },
      h('span', { class: 'stat-value' }, s.bytes ? fmtBytes(s.value) : fmtNumber(s.value ?? 0)),
      h('span', { class: 'stat-label' }, s.label))));
}

/** Badges of counts by severity: critical 1 · high 0 ... (zero counts muted). */
export function severityCounts(by) {
  const b = by || {};
  return h('p', { class: 'row severity-counts' }, SEVERITY_ORDER.filter((s) => s in b).map((s) => {
    const el = badge('severity', s, { label: `${label('severity', s)}: ${fmtNumber(b[s])}` });
    if (!b[s]) el.classList.add('is-zero');
    return el;
  }));
}

/** A chart label short enough for the bar chart's label column (an ellipsis; the table under
 *  the chart has the full name). */
export function chartLabel(s, n = 19) {
  const str = String(s ?? '');
  return str.length > n ? `${str.slice(0, n - 1)}…` : str;
}

/** A list of short codes (ids, addresses, ports) in one cell. */
export function codes(list, max = 0) {
  const items = Array.isArray(list) ? list : [];
  if (!items.length) return null;
  const shown = max && items.length > max ? items.slice(0, max) : items;
  return h('span', { class: 'code-list' }, shown.map((x, i) => [i ? ', ' : null, h('code', String(x))]),
    shown.length < items.length ? ` ${t('engines.and_more', { n: fmtNumber(items.length - shown.length) })}` : null);
}

/** Who and when, for a list row. */
export function byWhen(row) {
  return [row.created_by || '', ' · ', h('time', { datetime: row.created_at }, fmtDateTime(row.created_at))];
}

/** The file name of evidence id on the case (or #id). */
export function evidenceName(c, id) {
  if (!id) return null;
  const e = (c.evidence || []).find((x) => x.id === id);
  return e && e.filename ? e.filename : `#${id}`;
}

/** A section of the case page like case.js's own. */
export function engineSection(id, title, ...children) {
  return h('section', { class: 'section card case-section engine-section', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, tabindex: '-1' }, title), ...children);
}

/** After an analysis: the case's findings (and history) and the page's evidence list redrawn. */
export async function afterAnalysis(page) {
  try {
    if (page.refreshFindings) await page.refreshFindings();
  } catch { /* redrawn at the next visit */ }
  toast(t('engines.findings_updated'), 'success');
}
