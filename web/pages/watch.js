// R14, passed products kept under watch: the flag "re-review suggested: ..." that the watch (a new
// advisory hitting a product's SBOM, a complaint, a version the decision does not cover) puts on
// a decided case, shown prominently on the case page; and, on the office's dashboard, the cases
// flagged now with a "Run watch now" button (POST /api/v1/watch, the office only) that shows what
// the run matched and flagged. Not a page: case.js and dashboard.js use these widgets.

import { h, clear, append } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, fmtNumber, fmtDateTime } from '../lib/i18n.js';
import { table, defList, status, errorText, toast } from '../lib/ui.js';
import { caseLink } from './cases.js';

const DECIDED = ['decided', 'published'];
const PREFIX = 're-review suggested: ';

/** The server's reason in the reader's language where its words are known. */
export function watchReason(reason) {
  if (!reason) return '';
  return reason.startsWith(PREFIX) ? t('watch.suggested', { why: reason.slice(PREFIX.length) }) : reason;
}

/** The flag of a decided case as a banner under its title, or null. */
export function watchBanner(c) {
  if (!c || !c.watch_reason || !DECIDED.includes(c.phase)) return null;
  return h('div', { class: 'alert alert-warn watch-banner', id: 'watch-banner', role: 'note', 'aria-labelledby': 'watch-banner-h' },
    h('p', { class: 'watch-banner-title', id: 'watch-banner-h' }, h('span', { 'aria-hidden': 'true' }, '! '), h('strong', t('watch.banner_title'))),
    // the title already says "re-review suggested": the banner gives the why
    h('p', { class: 'watch-banner-reason mb-0' }, c.watch_reason.startsWith(PREFIX) ? c.watch_reason.slice(PREFIX.length) : c.watch_reason),
    h('p', { class: 'small mb-0' }, c.watch_at ? t('watch.since', { at: fmtDateTime(c.watch_at) }) : null, ' ', t('watch.banner_hint')));
}

function flaggedTable(rows, caption) {
  return table([
    { key: 'ref', label: t('watch.col.case'), rowHeader: true, render: (c) => caseLink(c) },
    { key: 'title', label: t('watch.col.title') },
    { key: 'watch_reason', label: t('watch.col.reason'), render: (c) => watchReason(c.watch_reason) },
    { key: 'watch_at', label: t('watch.col.since'), render: (c) => (c.watch_at ? h('time', { class: 'nowrap', datetime: c.watch_at }, fmtDateTime(c.watch_at)) : null) },
  ], rows, { caption, empty: t('watch.none'), className: 'watch-flagged' });
}

/** The dashboard's section for the office: flagged decided cases and "Run watch now". */
export function watchSection(cases, user) {
  if (!user || user.role !== 'office') return null;
  const flagged = (cases || []).filter((c) => c.watch_reason && DECIDED.includes(c.phase))
    .sort((a, b) => String(b.watch_at || '').localeCompare(String(a.watch_at || '')));
  const listBox = h('div', { id: 'watch-list' }, flaggedTable(flagged, t('watch.flagged_caption')));
  const out = h('div', { id: 'watch-status', 'aria-live': 'polite' });
  const result = h('div', { id: 'watch-result' });
  const btn = h('button', { type: 'button', class: 'btn btn-primary', id: 'watch-run' }, t('watch.run'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    clear(result);
    status(out, t('watch.running'));
    try {
      const ans = await api.post('/watch', {});
      const st = ans.stats || {};
      const newly = ans.flagged || [];
      status(out, t('watch.done', { n: fmtNumber(st.flagged || 0) }), 'success');
      append(result,
        defList([
          [t('watch.stat.sboms'), fmtNumber(st.sboms)],
          [t('watch.stat.components'), fmtNumber(st.components)],
          [t('watch.stat.matches'), fmtNumber(st.matches)],
          [t('watch.stat.new_matches'), fmtNumber(st.new_matches)],
          [t('watch.stat.flagged'), fmtNumber(st.flagged)],
        ], 'watch-stats'),
        newly.length ? flaggedTable(newly.map((c) => ({ ...c, phase: 'decided' })), t('watch.newly_caption')) : null);
      // the flagged list now holds the cases this run flagged too
      const byRef = new Map(flagged.map((c) => [c.ref, c]));
      for (const c of newly) byRef.set(c.ref, { ...byRef.get(c.ref), ...c });
      const merged = [...byRef.values()].sort((a, b) => String(b.watch_at || '').localeCompare(String(a.watch_at || '')));
      clear(listBox).append(flaggedTable(merged, t('watch.flagged_caption')));
      if (newly.length) toast(t('watch.done', { n: fmtNumber(newly.length) }), 'success');
    } catch (err) {
      status(out, errorText(err), 'error');
    } finally {
      btn.disabled = false;
    }
  });
  return h('section', { class: 'section card', id: 'dash-watch', 'aria-labelledby': 'dash-watch-h' },
    h('h2', { id: 'dash-watch-h' }, t('watch.title')),
    h('p', { class: 'hint' }, t('watch.hint')),
    listBox,
    h('div', { class: 'actions' }, btn),
    out, result);
}
