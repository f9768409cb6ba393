// The supply-chain section of the case page (R3 category supply_chain, R14; the engine is
// include/netreview/sca.h): the SBOMs analysed on the case (GET /api/v1/cases/{case}/sboms), and
// for the office or an institution on its own task in a phase where evidence and findings may be
// added, "Analyse as SBOM" on evidence of the case, or on a file uploaded in parts right here
// (POST /api/v1/cases/{case}/sboms {evidence_id, task_id}). The report: summary counts, the
// findings by severity (component, version, advisory ids, fixed version; rows a VEX statement
// suppresses greyed with its justification), unknown provenance, and supplier concentration as a
// bar chart with its table. Advisory ids are plain text: the installation has no internet.

import { h, clear } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, tOr, fmtNumber } from '../lib/i18n.js';
import { table, badge, barChart, defList, errorBox } from '../lib/ui.js';
import { label } from './cases.js';
import {
  enc, mayAnalyse, evidencePicker, taskPicker, evidenceId, progressLine, wireForm, missing, stats,
  severityCounts, codes, byWhen, evidenceName, engineSection, afterAnalysis, chartLabel,
} from './engines.js';

const SUPPLIERS_SHOWN = 10;
// The last report shown per case: a redraw of the page (another form, the language) keeps it.
const lastReport = new Map();

/** The SBOMs analysed on c, or null when the user may not see them. */
export async function loadSboms(c) {
  try {
    const rows = await api.get(`/cases/${enc(c.ref)}/sboms`);
    return Array.isArray(rows) ? rows : (rows && rows.items) || [];
  } catch {
    return null;
  }
}

function listTable(c, rows) {
  return table([
    { key: 'id', label: '#', num: true, rowHeader: true },
    { key: 'evidence_id', label: t('sca.col.file'), render: (s) => evidenceName(c, s.evidence_id) },
    { key: 'format', label: t('sca.col.format'), render: (s) => `${tOr(`sca.format.${s.format}`, s.format)} ${s.spec_version || ''}`.trim() },
    { key: 'subject', label: t('sca.col.subject'), render: (s) => [s.subject, s.subject_version ? ` ${s.subject_version}` : ''].join('') || null },
    { key: 'components', label: t('sca.col.components'), num: true },
    { key: 'vulnerable_components', label: t('sca.col.vulnerable'), num: true },
    { key: 'findings', label: t('sca.col.findings'), num: true },
    { key: 'vex', label: t('sca.col.vex'), num: true },
    { key: 'task_id', label: t('engines.task'), render: (s) => (s.task_id ? t('engines.task_n', { id: s.task_id }) : t('engines.office_own')) },
    { key: 'created_at', label: t('engines.by'), render: byWhen },
  ], rows, { caption: t('sca.list_caption'), empty: t('sca.list_none'), className: 'sca-list' });
}

function vexText(f) {
  const v = f.vex;
  if (!v) return null;
  const state = tOr(`sca.vex_state.${v.state}`, v.state ? v.state.replace(/_/g, ' ') : '');
  const just = v.justification ? tOr(`sca.vex_just.${v.justification}`, v.justification.replace(/_/g, ' ')) : null;
  return h('span', { class: 'vex' },
    f.suppressed ? h('strong', t('sca.suppressed_by_vex')) : h('span', t('sca.vex_says')), ' ', state,
    just ? [' — ', h('span', { class: 'vex-justification' }, just)] : null,
    v.detail ? h('span', { class: 'small muted vex-detail' }, ` (${v.detail})`) : null);
}

function componentCell(cmp) {
  if (!cmp) return null;
  return [h('strong', cmp.group ? `${cmp.group}/${cmp.name}` : cmp.name),
    cmp.purl ? h('div', { class: 'small' }, h('code', { class: 'mono-break' }, cmp.purl))
      : (cmp.cpe ? h('div', { class: 'small' }, h('code', { class: 'mono-break' }, cmp.cpe)) : null)];
}

function findingsTable(rep) {
  const rows = rep.findings || [];
  return table([
    { key: 'severity', label: t('sca.col.severity'), render: (f) => badge('severity', f.severity) },
    { key: 'component', label: t('sca.col.component'), render: (f) => componentCell(f.component) },
    { key: 'version', label: t('sca.col.version'), render: (f) => (f.component && f.component.version ? h('code', f.component.version) : null) },
    { key: 'advisories', label: t('sca.col.advisories'), render: (f) => codes(f.advisories) },
    { key: 'fixed', label: t('sca.col.fixed'), render: (f) => (f.fixed ? h('code', f.fixed) : h('span', { class: 'muted' }, t('sca.no_fix'))) },
    { key: 'cvss_score', label: t('sca.col.cvss'), num: true, render: (f) => (f.cvss_score === null || f.cvss_score === undefined ? null
      : h('span', { title: f.cvss_vector || '' }, fmtNumber(f.cvss_score, { minimumFractionDigits: 1, maximumFractionDigits: 1 }))) },
    { key: 'category', label: t('sca.col.category'), render: (f) => label('category', f.category) },
    { key: 'vex', label: t('sca.col.status'), render: (f) => vexText(f) || h('span', { class: 'muted' }, t('sca.recorded')) },
  ], rows, {
    caption: t('sca.findings_caption'), empty: t('sca.findings_none'), className: 'sca-findings',
    rowClass: (f) => ['sca-finding', `sev-${f.severity}`, f.suppressed ? 'row-suppressed' : null].filter(Boolean).join(' '),
  });
}

function provenance(rep) {
  const s = rep.summary || {};
  const list = rep.provenance || [];
  return h('div', { class: 'sca-provenance', id: 'sca-provenance' },
    h('h4', t('sca.provenance')),
    h('p', { class: 'hint' }, t('sca.provenance_hint')),
    stats([
      { id: 'unknown_provenance', value: s.unknown_provenance, label: t('sca.prov.unknown'), tone: s.unknown_provenance ? 'warn' : null },
      { id: 'no_supplier', value: s.no_supplier, label: t('sca.prov.no_supplier') },
      { id: 'no_version', value: s.no_version, label: t('sca.prov.no_version') },
      { id: 'no_hash', value: s.no_hash, label: t('sca.prov.no_hash') },
      { id: 'no_identifier', value: s.no_identifier, label: t('sca.prov.no_identifier') },
    ], 'sca-provenance-stats'),
    list.length ? h('details', { class: 'sca-provenance-list' },
      h('summary', t('sca.prov.list', { n: fmtNumber(list.length) })),
      table([
        { key: 'name', label: t('sca.col.component'), rowHeader: true },
        { key: 'version', label: t('sca.col.version'), render: (p) => (p.version ? h('code', p.version) : null) },
        { key: 'missing', label: t('sca.prov.missing'), render: (p) => (p.missing || []).map((m) => tOr(`sca.missing.${m}`, m)).join(', ') },
        { key: 'path', label: t('sca.prov.where'), render: (p) => (p.path ? h('code', p.path) : null) },
      ], list, { caption: t('sca.prov.caption') })) : null);
}

function concentration(rep) {
  const name = (s) => (s === '(none)' ? t('sca.no_supplier') : s);
  const pct = (share) => fmtNumber(share, { style: 'percent', maximumFractionDigits: 1 });
  const suppliers = (rep.suppliers || []).slice(0, SUPPLIERS_SHOWN);
  const countries = (rep.countries || []).filter((x) => x.country !== '(none)');
  // the concentration that matters is that of a named supplier
  const top = (rep.suppliers || []).find((x) => x.supplier !== '(none)');
  return h('div', { class: 'sca-suppliers', id: 'sca-suppliers' },
    h('h4', t('sca.concentration')),
    top ? h('p', { id: 'sca-top-supplier' }, t(top.share > 0.5 ? 'sca.top_supplier_over' : 'sca.top_supplier', { supplier: top.supplier, share: pct(top.share) })) : null,
    suppliers.length ? barChart(suppliers.map((s) => ({ label: chartLabel(name(s.supplier)), value: s.components,
      tone: s.supplier === '(none)' ? 'muted' : (s.share > 0.5 ? 'warn' : 'info') })),
    { title: t('sca.by_supplier'), valueLabel: t('sca.col.components'), labelHeader: t('sca.supplier') }) : null,
    (rep.suppliers || []).length > SUPPLIERS_SHOWN ? h('p', { class: 'small muted' }, t('sca.more_suppliers', { n: fmtNumber(rep.suppliers.length - SUPPLIERS_SHOWN) })) : null,
    countries.length ? table([
      { key: 'country', label: t('sca.country'), rowHeader: true },
      { key: 'components', label: t('sca.col.components'), num: true },
      { key: 'share', label: t('sca.share'), num: true, render: (x) => pct(x.share) },
    ], rep.countries.map((x) => ({ ...x, country: x.country === '(none)' ? t('sca.no_country') : x.country })),
    { caption: t('sca.by_country'), className: 'sca-countries' }) : null);
}

/** The report of one analysis (sca.h "Report JSON"), with the ids the case recorded. */
export function scaReport(rep, c) {
  const sb = rep.sbom || {};
  const s = rep.summary || {};
  return h('div', { class: 'engine-report', id: 'sca-report', 'aria-labelledby': 'sca-report-h', role: 'region' },
    h('h3', { id: 'sca-report-h', tabindex: '-1' }, t('sca.report_title', { subject: [sb.subject, sb.subject_version].filter(Boolean).join(' ') || '—' })),
    defList([
      [t('sca.col.format'), `${tOr(`sca.format.${sb.format}`, sb.format || '')} ${sb.spec_version || ''}`.trim()],
      [t('sca.col.file'), rep.evidence_id ? evidenceName(c, rep.evidence_id) : null],
      [t('sca.advisories_known'), fmtNumber(rep.advisories)],
      [t('sca.recorded_findings'), rep.finding_ids ? fmtNumber(rep.finding_ids.length) : null],
    ]),
    stats([
      { id: 'components', value: s.components, label: t('sca.sum.components') },
      { id: 'vulnerable_components', value: s.vulnerable_components, label: t('sca.sum.vulnerable'), tone: s.vulnerable_components ? 'bad' : null },
      { id: 'vulnerabilities', value: s.vulnerabilities, label: t('sca.sum.vulnerabilities'), tone: s.vulnerabilities ? 'bad' : null },
      { id: 'suppressed', value: s.suppressed, label: t('sca.sum.suppressed') },
      { id: 'unknown_provenance', value: s.unknown_provenance, label: t('sca.sum.unknown') },
    ], 'sca-summary'),
    severityCounts(s.by_severity),
    findingsTable(rep),
    provenance(rep),
    concentration(rep));
}

function analyseForm(c, page, holder, reportBox) {
  const picker = evidencePicker({ name: 'sbom', selectName: 'evidence_id', legend: t('sca.sbom_file'), kind: 'sbom', evidence: c.evidence || [], required: true, hint: t('sca.sbom_hint') });
  const task = taskPicker(c, page.user);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'sca-submit' }, t('sca.analyse'));
  const out = h('div', { id: 'sca-status', 'aria-live': 'polite' });
  const prog = progressLine('sca-progress');
  const form = h('form', { class: 'form engine-form', id: 'sca-form', novalidate: true },
    h('h3', t('sca.analyse_title')), picker.el, task, h('div', { class: 'actions' }, submit), prog, out);
  (page.evidenceListeners = page.evidenceListeners || []).push((list) => picker.refresh(list));
  wireForm(form, {
    out, submit,
    run: async () => {
      const taskId = form.elements.task_id ? form.elements.task_id.value : '';
      if (form.elements.task_id && form.elements.task_id.required && !taskId) throw missing('task_id', t('engines.pick_task_first'));
      const ch = picker.choice();
      if (!ch.id && !ch.file) throw missing('evidence_id', t('sca.choose_first'));
      const id = await evidenceId(c, picker, taskId, prog, () => page.refreshEvidence && page.refreshEvidence());
      const body = { evidence_id: id };
      if (taskId) body.task_id = Number(taskId);
      return api.post(`/cases/${enc(c.ref)}/sboms`, body);
    },
    done: async (report) => {
      lastReport.set(c.ref, report);
      clear(reportBox).append(scaReport(report, c));
      const rows = await loadSboms(c);
      if (rows) clear(holder).append(listTable(c, rows));
      reportBox.querySelector('h3').focus();
      await afterAnalysis(page);
    },
  });
  return form;
}

/** The section, or null when the user may neither analyse nor see an analysed SBOM. */
export function scaSection(c, proc, page) {
  const rows = page.sboms;
  const may = mayAnalyse(c, proc, page.user);
  if (!may && !(rows && rows.length)) return null;
  const holder = h('div', { id: 'sca-list' }, rows ? listTable(c, rows) : errorBox(t('sca.list_unavailable')));
  const reportBox = h('div', { id: 'sca-report-box' });
  const kept = lastReport.get(c.ref);
  if (kept) reportBox.append(scaReport(kept, c));
  return engineSection('case-sca', t('sca.title'),
    h('p', { class: 'hint' }, t('sca.hint')),
    holder,
    may ? analyseForm(c, page, holder, reportBox) : null,
    reportBox);
}
