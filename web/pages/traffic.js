// The online-monitoring section of the case page (R3 online monitoring, categories control and
// user_data; the engine is include/netreview/traffic.h): the captures analysed on the case
// (GET /api/v1/cases/{case}/traffic), and for the office or an institution on its own task in a
// phase where evidence and findings may be added, "Analyse capture" on a capture that is evidence
// of the case, optionally against the provider's declaration of endpoints (also evidence), either
// chosen from the case's evidence or uploaded in parts right here
// (POST /api/v1/cases/{case}/traffic {capture_evidence_id, declared_evidence_id, task_id}).
// The report: the capture's numbers, the destinations by bytes with the undeclared ones first
// and marked, the listening services, the protocols, and the findings with the flow ids and
// packet numbers a person can check in Wireshark (the tshark filter is given).

import { h, clear } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, tOr, fmtNumber, fmtBytes, fmtDateTime } from '../lib/i18n.js';
import { table, badge, barChart, defList, errorBox, notice } from '../lib/ui.js';
import { label } from './cases.js';
import {
  enc, mayAnalyse, evidencePicker, taskPicker, evidenceId, progressLine, wireForm, missing, stats,
  severityCounts, codes, byWhen, evidenceName, engineSection, afterAnalysis, chartLabel,
} from './engines.js';

const CHART_DESTINATIONS = 10;
const CITED = 8;
const lastReport = new Map();

/** The analyses of c, or null when the user may not see them. */
export async function loadTraffic(c) {
  try {
    const rows = await api.get(`/cases/${enc(c.ref)}/traffic`);
    return Array.isArray(rows) ? rows : (rows && rows.items) || [];
  } catch {
    return null;
  }
}

function listTable(c, rows) {
  const sum = (r) => (r.summary && r.summary.summary) || {};
  return table([
    { key: 'id', label: '#', num: true, rowHeader: true },
    { key: 'capture_evidence_id', label: t('traffic.col.capture'), render: (r) => evidenceName(c, r.capture_evidence_id) },
    { key: 'declared_evidence_id', label: t('traffic.col.declaration'), render: (r) => evidenceName(c, r.declared_evidence_id) || h('span', { class: 'muted' }, t('traffic.no_declaration_short')) },
    { key: 'packets', label: t('traffic.col.packets'), num: true },
    { key: 'flows', label: t('traffic.col.flows'), num: true },
    { key: 'destinations', label: t('traffic.col.destinations'), num: true, render: (r) => (sum(r).destinations === undefined ? null
      : [fmtNumber(sum(r).destinations), sum(r).undeclared ? h('span', { class: 'small' }, ` (${t('traffic.n_undeclared', { n: fmtNumber(sum(r).undeclared) })})`) : null]) },
    { key: 'findings', label: t('traffic.col.findings'), num: true },
    { key: 'task_id', label: t('engines.task'), render: (r) => (r.task_id ? t('engines.task_n', { id: r.task_id }) : t('engines.office_own')) },
    { key: 'created_at', label: t('engines.by'), render: byWhen },
  ], rows, { caption: t('traffic.list_caption'), empty: t('traffic.list_none'), className: 'traffic-list' });
}

function declaredBadge(v) {
  if (v === null || v === undefined) return badge('status', 'unknown', { label: t('traffic.not_compared') });
  return v ? badge('status', 'ok', { label: t('traffic.declared') }) : badge('status', 'no', { label: t('traffic.undeclared') });
}

function destinationsTable(rep) {
  // undeclared first, then by bytes (the engine's order; kept if it ever changes)
  const rows = [...(rep.destinations || [])].map((d, i) => ({ ...d, i }))
    .sort((a, b) => (a.declared === false ? 0 : 1) - (b.declared === false ? 0 : 1) || a.i - b.i);
  return table([
    { key: 'destination', label: t('traffic.col.destination'), rowHeader: true, render: (d) => [h('strong', d.destination), ' ', declaredBadge(d.declared),
      d.names && d.names.length > 1 ? h('div', { class: 'small' }, codes(d.names.filter((n) => n !== d.destination), 4)) : null] },
    { key: 'addresses', label: t('traffic.col.addresses'), render: (d) => codes(d.addresses, 4) },
    { key: 'ports', label: t('traffic.col.ports'), render: (d) => codes(d.ports, 6) },
    { key: 'protocols', label: t('traffic.col.protocols'), render: (d) => (d.protocols || []).join(', ') || null },
    { key: 'bytes_out', label: t('traffic.col.sent'), num: true, render: (d) => h('span', { class: 'nowrap' }, fmtBytes(d.bytes_out)) },
    { key: 'bytes_in', label: t('traffic.col.received'), num: true, render: (d) => h('span', { class: 'nowrap' }, fmtBytes(d.bytes_in)) },
    { key: 'flow_ids', label: t('traffic.col.flow_ids'), render: (d) => codes(d.flow_ids, CITED) },
    { key: 'first_packet', label: t('traffic.col.first_packet'), num: true },
    { key: 'purpose', label: t('traffic.col.purpose'), render: (d) => d.purpose || (d.direction === 'transit' ? t('traffic.transit') : null) },
  ], rows, {
    caption: t('traffic.destinations_caption'), empty: t('traffic.none'), className: 'traffic-destinations',
    rowClass: (d) => ['traffic-destination', d.declared === false ? 'row-undeclared' : null].filter(Boolean).join(' '),
  });
}

function destinationsChart(rep) {
  const rows = [...(rep.destinations || [])]
    .sort((a, b) => (b.bytes_out + b.bytes_in) - (a.bytes_out + a.bytes_in)).slice(0, CHART_DESTINATIONS);
  if (!rows.length) return null;
  // in KiB: a byte count of seven digits does not fit the chart's value column
  const kib = (b) => { const k = b / 1024; return k >= 10 ? Math.round(k) : Math.round(k * 10) / 10; };
  return barChart(rows.map((d) => ({
    label: chartLabel(`${d.declared === false ? '✕ ' : ''}${d.destination}`),
    value: kib((d.bytes_out || 0) + (d.bytes_in || 0)),
    tone: d.declared === false ? 'bad' : d.declared ? 'good' : 'info',
  })), { title: t('traffic.by_bytes'), valueLabel: t('traffic.kib'), labelHeader: t('traffic.col.destination') });
}

function listeningTable(rep) {
  const rows = rep.listening || [];
  if (!rows.length) return null;
  return table([
    { key: 'port', label: t('traffic.col.port'), rowHeader: true, render: (l) => [h('code', l.port), ' ', declaredBadge(l.declared)] },
    { key: 'purpose', label: t('traffic.col.purpose') },
    { key: 'connections', label: t('traffic.col.connections'), num: true },
    { key: 'peers', label: t('traffic.col.peers'), render: (l) => codes(l.peers, 4) },
    { key: 'protocols', label: t('traffic.col.protocols'), render: (l) => (l.protocols || []).join(', ') || null },
    { key: 'flow_ids', label: t('traffic.col.flow_ids'), render: (l) => codes(l.flow_ids, CITED) },
    { key: 'first_packet', label: t('traffic.col.first_packet'), num: true },
  ], rows, {
    caption: t('traffic.listening_caption'), className: 'traffic-listening',
    rowClass: (l) => (l.declared === false ? 'row-undeclared' : null),
  });
}

function protocolsTable(rep) {
  return table([
    { key: 'protocol', label: t('traffic.col.protocol'), rowHeader: true },
    { key: 'category', label: t('traffic.col.ndpi_category') },
    { key: 'flows', label: t('traffic.col.flows'), num: true },
    { key: 'packets', label: t('traffic.col.packets'), num: true },
    { key: 'bytes', label: t('traffic.bytes'), num: true, render: (p) => h('span', { class: 'nowrap' }, fmtBytes(p.bytes)) },
  ], rep.protocols || [], { caption: t('traffic.protocols_caption'), className: 'traffic-protocols' });
}

function findingsTable(rep) {
  return table([
    { key: 'severity', label: t('traffic.col.severity'), render: (f) => badge('severity', f.severity) },
    { key: 'category', label: t('traffic.col.category'), render: (f) => label('category', f.category) },
    { key: 'title', label: t('traffic.col.finding'), render: (f) => [h('strong', f.title), ' ', h('span', { class: 'small muted' }, `(${tOr(`traffic.rule.${f.rule}`, f.rule)})`),
      f.detail ? h('details', { class: 'small' }, h('summary', t('common.details')), h('p', f.detail)) : null] },
    { key: 'destination', label: t('traffic.col.destination'), render: (f) => (f.destination ? h('code', f.destination) : null) },
    { key: 'flows', label: t('traffic.col.flow_ids'), render: (f) => codes(f.flows, CITED) },
    { key: 'packets', label: t('traffic.col.packet_numbers'), render: (f) => codes(f.packets, CITED) },
    { key: 'filter', label: t('traffic.col.filter'), render: (f) => (f.filter ? h('code', { class: 'mono-break traffic-filter' }, f.filter) : null) },
  ], rep.findings || [], {
    caption: t('traffic.findings_caption'), empty: t('traffic.findings_none'), className: 'traffic-findings',
    rowClass: (f) => `traffic-finding sev-${f.severity}`,
  });
}

/** The report of one analysis (traffic.h "Report JSON"), with the ids the case recorded. */
export function trafficReport(rep, c) {
  const cap = rep.capture || {};
  const s = rep.summary || {};
  const dec = rep.declared;
  return h('div', { class: 'engine-report', id: 'traffic-report', 'aria-labelledby': 'traffic-report-h', role: 'region' },
    h('h3', { id: 'traffic-report-h', tabindex: '-1' }, t('traffic.report_title', { source: rep.capture_evidence_id ? evidenceName(c, rep.capture_evidence_id) : (rep.source || '') })),
    rep.error ? notice(t('traffic.cut', { packet: fmtNumber(rep.error.packet), message: rep.error.message }), 'warn') : null,
    dec ? null : notice(t('traffic.no_declaration'), 'info'),
    defList([
      [t('traffic.format'), [cap.format, cap.link_type].filter(Boolean).join(' · ')],
      [t('traffic.period'), cap.first_seen ? `${fmtDateTime(cap.first_seen)} – ${fmtDateTime(cap.last_seen)}` : null],
      [t('traffic.device'), (rep.device || []).length ? [codes(rep.device), ' ', h('span', { class: 'small muted' }, tOr(`traffic.device_source.${rep.device_source}`, rep.device_source || ''))] : null],
      [t('traffic.declaration'), dec ? t('traffic.declaration_of', { product: dec.product || '—', version: dec.version || '', endpoints: fmtNumber(dec.endpoints), listening: fmtNumber(dec.listening) }) : null],
      [t('traffic.recorded_findings'), rep.finding_ids ? fmtNumber(rep.finding_ids.length) : null],
    ]),
    stats([
      { id: 'packets', value: cap.packets, label: t('traffic.sum.packets') },
      { id: 'bytes', value: cap.bytes, label: t('traffic.sum.bytes'), bytes: true },
      { id: 'flows', value: cap.flows, label: t('traffic.sum.flows') },
      { id: 'destinations', value: s.destinations, label: t('traffic.sum.destinations') },
      { id: 'undeclared', value: s.undeclared, label: t('traffic.sum.undeclared'), tone: s.undeclared ? 'bad' : null },
      { id: 'listening', value: s.listening, label: t('traffic.sum.listening') },
      { id: 'findings', value: s.findings, label: t('traffic.sum.findings'), tone: s.findings ? 'bad' : null },
    ], 'traffic-summary'),
    severityCounts(s.by_severity),
    h('h4', t('traffic.destinations')),
    destinationsChart(rep),
    destinationsTable(rep),
    listeningTable(rep) ? [h('h4', t('traffic.listening')), listeningTable(rep)] : null,
    h('h4', t('traffic.protocols')),
    protocolsTable(rep),
    h('h4', t('traffic.findings')),
    findingsTable(rep));
}

function analyseForm(c, page, holder, reportBox) {
  const capture = evidencePicker({ name: 'capture', legend: t('traffic.capture_file'), kind: 'capture', evidence: c.evidence || [], required: true, hint: t('traffic.capture_hint') });
  const declared = evidencePicker({ name: 'declared', legend: t('traffic.declaration_file'), kind: 'declaration', evidence: c.evidence || [], required: false, hint: t('traffic.declaration_hint') });
  const task = taskPicker(c, page.user);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'traffic-submit' }, t('traffic.analyse'));
  const out = h('div', { id: 'traffic-status', 'aria-live': 'polite' });
  const prog = progressLine('traffic-progress');
  const form = h('form', { class: 'form engine-form', id: 'traffic-form', novalidate: true },
    h('h3', t('traffic.analyse_title')), capture.el, declared.el, task, h('div', { class: 'actions' }, submit), prog, out);
  (page.evidenceListeners = page.evidenceListeners || []).push((list) => { capture.refresh(list); declared.refresh(list); });
  const refresh = () => page.refreshEvidence && page.refreshEvidence();
  wireForm(form, {
    out, submit,
    run: async () => {
      const taskId = form.elements.task_id ? form.elements.task_id.value : '';
      if (form.elements.task_id && form.elements.task_id.required && !taskId) throw missing('task_id', t('engines.pick_task_first'));
      const ch = capture.choice();
      if (!ch.id && !ch.file) throw missing('capture_evidence_id', t('traffic.choose_first'));
      const capId = await evidenceId(c, capture, taskId, prog, refresh);
      const decId = await evidenceId(c, declared, taskId, prog, refresh);
      const body = { capture_evidence_id: capId };
      if (decId) body.declared_evidence_id = decId;
      if (taskId) body.task_id = Number(taskId);
      return api.post(`/cases/${enc(c.ref)}/traffic`, body);
    },
    done: async (report) => {
      lastReport.set(c.ref, report);
      clear(reportBox).append(trafficReport(report, c));
      const rows = await loadTraffic(c);
      if (rows) clear(holder).append(listTable(c, rows));
      reportBox.querySelector('h3').focus();
      await afterAnalysis(page);
    },
  });
  return form;
}

/** The section, or null when the user may neither analyse nor see an analysed capture. */
export function trafficSection(c, proc, page) {
  const rows = page.traffic;
  const may = mayAnalyse(c, proc, page.user);
  if (!may && !(rows && rows.length)) return null;
  const holder = h('div', { id: 'traffic-list' }, rows ? listTable(c, rows) : errorBox(t('traffic.list_unavailable')));
  const reportBox = h('div', { id: 'traffic-report-box' });
  const kept = lastReport.get(c.ref);
  if (kept) reportBox.append(trafficReport(kept, c));
  return engineSection('case-traffic', t('traffic.title'),
    h('p', { class: 'hint' }, t('traffic.hint')),
    holder,
    may ? analyseForm(c, page, holder, reportBox) : null,
    reportBox);
}
