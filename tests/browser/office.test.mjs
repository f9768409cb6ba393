// The office's journey in the browser: the dashboard (numbers and charts), the case list and its
// filters, raising a case from public complaints and accepting it, work on the case page
// (materials stop the clock, an evidence upload in parts with its SHA-256), then deciding
// `failed` on a case ready for a decision and publishing it, and the public register listing it.
// Buttons show only for who may press them.
//
// Preparation through the HTTP API (not the browser): the public files two complaints; for the
// decision, the remaining members of the demo panel of NR-2026-0008 (expert review) submit their
// scores as themselves, so that every score is in.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, signIn, open, screenshot, PASSWORD, expectCount } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.teardown(); });

/* ------------------------------------------------------------------ helpers */

/** A signed-in API client for login (cookie + CSRF), for preparing data and checking results. */
async function apiAs(login) {
  const res = await fetch(`${env.url}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.ok(res.ok, `sign-in of ${login}: ${res.status}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf, user } = await res.json();
  const call = async (method, p, body) => {
    const r = await fetch(`${env.url}/api/v1${p}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const j = await r.json();
    if (!r.ok) throw new Error(`${login}: ${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
  return { user, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) };
}

async function allCases(client, query = '') {
  const out = [];
  let offset = 0;
  for (;;) {
    const page = await client.get(`/cases?limit=500&offset=${offset}${query}`);
    out.push(...page.items);
    if (page.next_offset === undefined) return out;
    offset = page.next_offset;
  }
}

async function waitIdle(page) {
  await page.waitForFunction(() => !document.querySelector('#main[aria-busy="true"]'));
}

/** No i18n key of these pages shows raw on screen (a missing string). */
async function assertTranslated(page) {
  // the audit history shows the log's own action names (case.open ...): not strings of the UI
  const text = await page.evaluate(() => {
    const main = document.getElementById('main').cloneNode(true);
    for (const el of main.querySelectorAll('#case-audit, code')) el.remove();
    return main.textContent;
  });
  const raw = text.match(/\b(dashboard|cases|case)\.[a-z_]+(\.[a-z_]+)*\b/g);
  assert.equal(raw, null, `untranslated keys: ${raw}`);
}

/** Files a complaint as the public (no cookie); resolves to the complaint. */
async function fileComplaint(body) {
  const r = await fetch(`${env.url}/api/v1/complaints`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const j = await r.json();
  assert.equal(r.status, 201, JSON.stringify(j));
  return j;
}

/** Clicks a transition button and confirms its dialog (with a reason when it asks for one). */
async function transition(page, id, reason) {
  await page.click(`#tr-${id}`);
  await page.waitForSelector('.dialog[role="dialog"]');
  if (reason) await page.fill('.dialog textarea[name="reason"]', reason);
  await page.click('.dialog button[type="submit"]');
  await page.waitForSelector('.dialog[role="dialog"]', { state: 'detached' });
}

/* ------------------------------------------------------------------ dashboard */

test('the dashboard shows the numbers of the API and small charts, in English and Chinese', async () => {
  const office = await apiAs('office');
  const proc = await office.get('/procedure');
  const terminal = new Set(proc.phases.filter((p) => p.terminal).map((p) => p.id));
  const cases = await allCases(office);
  const open_ = cases.filter((c) => !c.closed && !terminal.has(c.phase)).length;
  const overdue = await office.get('/cases/overdue');
  const complaints = await office.get('/complaints');

  const page = await env.newPage();
  await signIn(page, 'office');
  assert.match(page.url(), /#\/dashboard$/, 'the office lands on its dashboard');
  await page.waitForSelector('#dash-stats');
  const num = async (sel) => Number((await page.textContent(`${sel} .stat-value`)).replace(/[^\d]/g, ''));
  assert.equal(await num('#stat-open'), open_);
  assert.equal(await num('#stat-overdue'), overdue.length);
  assert.ok(overdue.length >= 1, 'the demo has an overdue case');
  assert.equal(await num('#stat-complaints'), complaints.filter((c) => !c.case_id).length);
  // charts: inline SVG with a <title>, one bar per phase that has cases
  assert.ok(await page.locator('svg.chart').count() >= 3);
  const phases = new Set(cases.map((c) => c.phase));
  await expectCount(page.locator('#chart-phase svg.chart rect.chart-bar'), phases.size);
  assert.match(await page.textContent('#chart-phase svg.chart title'), /\d/);
  // the overdue case is listed with a link to its page
  const late = overdue[0];
  await expectCount(page.locator(`#dash-overdue a[href="#/cases/${late.ref}"]`), 1);
  // a number of this page scrolls to its table (the route stays)
  await page.click('#stat-due a');
  assert.match(page.url(), /#\/dashboard$/);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'dash-due-h');
  // a chart's numbers link to the filtered list
  await page.click('#chart-phase a[href="#/cases?phase=evaluation"]');
  await page.waitForSelector('#case-filters');
  await waitIdle(page);
  const phasesShown = await page.$$eval('.cases-table [data-kind="phase"]', (els) => els.map((e) => e.dataset.value));
  assert.ok(phasesShown.length > 0);
  assert.ok(phasesShown.every((p) => p === 'evaluation'), `only evaluation: ${phasesShown}`);
  await open(page, '/dashboard');
  await page.waitForSelector('#dash-stats');
  await assertTranslated(page);
  await screenshot(page, 'office-dashboard');

  await page.click('#lang-zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.waitForSelector('#dash-stats');
  assert.match(await page.textContent('main h1'), /审查办公室/);
  await assertTranslated(page);
  await screenshot(page, 'office-dashboard-zh');
  assert.deepEqual(page.consoleErrors, []);
});

/* ------------------------------------------------------------------ the case list */

test('the case list filters and pages; a role without triggers sees no form to raise a case', async () => {
  const office = await apiAs('office');
  const total = (await allCases(office)).length;
  const page = await env.newPage();
  await signIn(page, 'office');
  await open(page, '/cases');
  await page.waitForSelector('.cases-table');
  await expectCount(page.locator('.cases-table tbody tr'), Math.min(total, 50));
  // filter through the form: overdue only
  await page.check('#case-filters input[name="overdue"]');
  await page.click('#case-filters button[type="submit"]');
  await page.waitForURL(/overdue=true/);
  await waitIdle(page);
  const overdue = await office.get('/cases/overdue');
  await expectCount(page.locator('.cases-table tbody tr'), overdue.length);
  // a later page: offset, with a link back
  await open(page, '/cases?offset=10');
  await page.waitForSelector('.cases-table');
  await expectCount(page.locator('.cases-table tbody tr'), Math.max(0, Math.min(total - 10, 50)));
  await expectCount(page.locator('.pager a[rel="prev"]'), 1);
  await screenshot(page, 'office-cases');

  // an institution sees only its cases, and no form to raise one
  const lab = await apiAs('lab1');
  const mine = await allCases(lab);
  const labPage = await env.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(labPage, 'lab1');
  await open(labPage, '/cases');
  await labPage.waitForSelector('.cases-table');
  await expectCount(labPage.locator('.cases-table tbody tr'), mine.length);
  await expectCount(labPage.locator('#raise'), 0);
  await screenshot(labPage, 'office-cases-institution-phone');
  assert.deepEqual(page.consoleErrors, []);
  assert.deepEqual(labPage.consoleErrors, []);
});

/* ------------------------------------------------------------------ complaint to evaluation */

test('the office opens a case from two public complaints, accepts it, and works on it in evaluation', async () => {
  const office = await apiAs('office');
  const product = 'Tessera Identity Manager';
  const c1 = await fileComplaint({ product, version: '4.1.0', text: 'The identity manager sends password hashes to an undocumented address abroad.' });
  const c2 = await fileComplaint({ product, version: '4.1.0', text: 'After the update an undocumented admin account appeared.', contact: 'soc@example.org' });

  const page = await env.newPage();
  await signIn(page, 'office');
  await open(page, '/cases');
  await page.waitForSelector('#raise-summary');
  await page.click('#raise-summary');
  await page.selectOption('#raise-form select[name="trigger"]', 'complaints');
  // only complaints without a case are offered
  const offered = await page.$$eval('#raise-form input[name="complaint"]', (els) => els.map((e) => Number(e.value)));
  const free = (await office.get('/complaints')).filter((c) => !c.case_id).map((c) => c.id);
  assert.deepEqual(offered.sort((a, b) => a - b), free.sort((a, b) => a - b));
  // nothing picked: refused in the form, nothing sent
  await page.fill('#raise-form input[name="product"]', product);
  await page.click('#raise-submit');
  await page.waitForSelector('.complaint-picker .field-error:not([hidden])');
  await page.fill('#raise-form input[name="product"]', '');
  await page.check(`#raise-form input[name="complaint"][value="${c1.id}"]`);
  await page.check(`#raise-form input[name="complaint"][value="${c2.id}"]`);
  assert.equal(await page.inputValue('#raise-form input[name="product"]'), product, 'the product comes from the complaint');
  await page.fill('#raise-form textarea[name="detail"]', 'Two users report data leaving the product and a hidden account.');
  await page.click('#raise-submit');
  await page.waitForURL(/#\/cases\/NR-\d{4}-\d{4}$/);
  await page.waitForSelector('#case-head');
  await waitIdle(page);
  const ref = decodeURIComponent(page.url().split('/cases/')[1]);
  let c = await office.get(`/cases/${ref}`);
  assert.equal(c.trigger, 'complaints');
  assert.equal(c.phase, 'acceptance');
  assert.deepEqual(c.complaints.map((x) => x.id).sort((a, b) => a - b), [c1.id, c2.id].sort((a, b) => a - b));
  await expectCount(page.locator('#case-trigger table tbody tr'), 2, 'the grouped complaints are shown');
  // in acceptance: accept and refuse, nothing of a later phase
  await expectCount(page.locator('#tr-accept'), 1);
  await expectCount(page.locator('#tr-refuse'), 1);
  await expectCount(page.locator('#tr-decide'), 0);
  await expectCount(page.locator('#decision-form'), 0);

  await transition(page, 'accept');
  await page.waitForSelector('#case-badges [data-kind="phase"][data-value="evaluation"]');
  c = await office.get(`/cases/${ref}`);
  assert.equal(c.phase, 'evaluation');
  // in evaluation: submit_to_experts is there but disabled, with what is missing
  assert.equal(await page.isDisabled('#tr-submit_to_experts'), true);
  assert.match(await page.textContent('#case-actions .unmet'), /commitment|task/i);
  await expectCount(page.locator('#case-timeline-list > li'), 2);

  // materials requested: the clock stops; received: it runs again
  await page.click('#materials-form-box summary');
  await page.fill('#materials-form textarea[name="what"]', 'The data-flow documentation of version 4.1.');
  await page.click('#materials-form button[type="submit"]');
  await page.waitForSelector('#case-clock [data-value="paused"]');
  assert.equal((await office.get(`/cases/${ref}`)).clock, 'paused');
  await page.click('#received-form-box summary');
  await page.click('#received-form button[type="submit"]');
  await page.waitForSelector('#case-clock [data-value="running"]');

  // evidence: 5 MiB in parts of 4 MiB, with a progress bar; the hash shown is the file's SHA-256
  const bytes = Buffer.alloc(5 * 1024 * 1024 + 123, 'netreview evidence ');
  const file = path.join(env.dir, 'dataflow-notes.txt');
  await writeFile(file, bytes);
  await page.setInputFiles('#upload-form input[type="file"]', file);
  await page.fill('#upload-form input[name="description"]', 'Notes on the data flows observed');
  await page.click('#upload-submit');
  await page.waitForSelector('#upload-sha256');
  const want = createHash('sha256').update(bytes).digest('hex');
  assert.equal((await page.textContent('#upload-sha256')).trim(), want);
  assert.equal(await page.getAttribute('#upload-progress', 'value'), String(bytes.length));
  const ev = (await office.get(`/cases/${ref}/evidence`)).find((e) => e.sha256 === want);
  assert.ok(ev, 'the evidence is on the case');
  await expectCount(page.locator(`#evidence-list a[href="/api/v1/evidence/${ev.id}"]`), 1);
  // the same by drag and drop onto the drop zone
  const dropped = 'a small file dropped onto the page\n';
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped-note.txt', { type: 'text/plain' }));
    const zone = document.getElementById('dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, dropped);
  assert.match(await page.textContent('#upload-chosen'), /dropped-note\.txt/);
  await page.click('#upload-submit');
  const droppedSha = createHash('sha256').update(dropped).digest('hex');
  await page.waitForFunction((h) => (document.getElementById('upload-sha256') || {}).textContent === h, droppedSha);
  // The list is redrawn after the hash is shown: wait for it rather than race it.
  await page.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 2);
  await expectCount(page.locator('#evidence-list tbody tr'), 2);
  await assertTranslated(page);
  await screenshot(page, 'office-case-evaluation');

  // the dashboard lists the new trigger
  await open(page, '/dashboard');
  await page.waitForSelector('#dash-triggers');
  await expectCount(page.locator(`#dash-triggers a[href="#/cases/${ref}"]`), 1);
  assert.deepEqual(page.consoleErrors, []);
});

/* ------------------------------------------------------------------ decision and publication */

test('the office decides `failed` on a case ready for a decision, publishes it, and the register lists it', async () => {
  const office = await apiAs('office');
  // NR-2026-0008 of the demo is in expert review with a sealed panel: its remaining members
  // score through the API (control `high`: the panel's rule recommends failing).
  const target = (await allCases(office, '&phase=expert_review'))[0];
  assert.ok(target, 'a demo case in expert review');
  const ref = target.ref;
  const proc = await office.get('/procedure');
  let panel = await office.get(`/cases/${ref}/panel`);
  for (const m of panel.members.filter((x) => x.status === 'member' && x.dimensions_scored < panel.dimensions_total)) {
    const expert = await apiAs(m.login);
    const own = (await expert.get(`/cases/${ref}/panel`)).members.find((x) => x.login === m.login);
    const done = new Set((own.scores || []).map((s) => s.dimension));
    for (const d of proc.dimensions.filter((x) => !done.has(x))) {
      await expert.post(`/cases/${ref}/scores`, { dimension: d, level: d === 'control' ? 'high' : 'low', reason: `browser test: ${d}` });
    }
  }
  panel = await office.get(`/cases/${ref}/panel`);
  assert.equal(panel.sealed, false, 'every score is in');

  // an expert on the panel sees the case but no button of the office
  const expertPage = await env.newPage();
  await signIn(expertPage, panel.members.find((x) => x.status === 'member').login);
  await open(expertPage, `/cases/${ref}`);
  await expertPage.waitForSelector('#case-head');
  await waitIdle(expertPage);
  await expectCount(expertPage.locator('#case-actions'), 0);
  await expectCount(expertPage.locator('#decision-form'), 0);
  await expectCount(expertPage.locator('#materials-form'), 0);

  const page = await env.newPage();
  await signIn(page, 'office');
  await open(page, `/cases/${ref}`);
  await page.waitForSelector('#decision-form');
  assert.equal(await page.isDisabled('#tr-decide'), false);
  await expectCount(page.locator('#panel-recommendation'), 1);
  await page.selectOption('#decision-form select[name="outcome"]', 'failed');
  // the justification is asked only when the outcome departs from the panel's recommendation
  const departs = panel.recommendation !== 'failed';
  assert.equal(await page.isVisible('#decision-form textarea[name="justification"]'), departs);
  if (departs) await page.fill('#decision-form textarea[name="justification"]', 'The backdoor found in the lab outweighs the panel median.');
  // the rationale is required
  await page.click('#decide-submit');
  await page.waitForSelector('#decision-form .has-error textarea[name="rationale"]');
  await page.fill('#decision-form textarea[name="rationale"]', 'The supplier of a key component is not named and control risks are high.');
  await page.selectOption('#decision-form select[name="visibility"]', 'public');
  await page.click('#decide-submit');
  await page.waitForSelector('.dialog[role="dialog"]');
  await page.click('.dialog button[type="submit"]');
  await page.waitForSelector('#decision-view');
  await page.waitForSelector('#case-badges [data-kind="phase"][data-value="decided"]');
  const decided = await office.get(`/cases/${ref}`);
  assert.equal(decided.decision.outcome, 'failed');
  assert.equal(decided.decision.visibility, 'public');
  assert.equal(decided.decision.published, false);

  await transition(page, 'publish');
  await page.waitForSelector('#publication #result-link');
  const published = await office.get(`/cases/${ref}`);
  assert.equal(published.phase, 'published');
  assert.equal(published.decision.published, true);
  await expectCount(page.locator('#tr-publish'), 0, 'published: no publish button any more');
  assert.ok(await page.locator('#case-audit tbody tr').count() > 5, 'the history of the case is shown');
  await assertTranslated(page);
  await screenshot(page, 'office-case-published');

  // the public register lists the result
  const pub = await env.newPage();
  await pub.goto('/#/register');
  await pub.waitForSelector('.register-table');
  await pub.waitForFunction(() => !document.querySelector('#register-results[aria-busy="true"]'));
  const link = pub.locator(`.register-table a.result-link[href="#/results/${published.decision.id}"]`);
  await expectCount(link, 1);
  const row = pub.locator('.register-table tr', { has: pub.locator(`a.result-link[href="#/results/${published.decision.id}"]`) });
  assert.equal(await row.locator('[data-kind="outcome"]').getAttribute('data-value'), 'failed');
  assert.deepEqual(page.consoleErrors, []);
  assert.deepEqual(pub.consoleErrors, []);
  assert.deepEqual(expertPage.consoleErrors, []);
});

test('the case page on a phone, in Chinese', async () => {
  const page = await env.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  await signIn(page, 'office');
  const office = await apiAs('office');
  const c = (await allCases(office, '&phase=evaluation'))[0];
  await open(page, `/cases/${c.ref}`);
  await page.waitForSelector('#case-head');
  await waitIdle(page);
  if ((await page.getAttribute('html', 'lang')) !== 'zh-CN') {
    await page.click('#lang-zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.waitForSelector('#case-head');
  }
  assert.match(await page.textContent('#case-timeline h2'), /审查进程/);
  // nothing wider than the screen but the scrolling tables
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390 + 1, `page width ${wide}`);
  await assertTranslated(page);
  await screenshot(page, 'office-case-zh-phone');
  assert.deepEqual(page.consoleErrors, []);
});
