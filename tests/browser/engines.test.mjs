// The analysis engines in the browser, on a fresh demo installation with the OSV advisories of
// tests/data/osv imported through the CLI:
//   - an institution (lab1) uploads a CycloneDX SBOM of tests/data/sbom with the case's parts
//     uploader, analyses it as an SBOM from the case page and sees its findings by severity; then
//     analyses an SBOM whose VEX statement suppresses one finding (uploaded from the analysis
//     form itself): the row is greyed with the justification; the case's findings refresh;
//   - the same institution analyses a capture written by tests/tools/gen_pcap.py against the
//     provider's declaration: the summary, the undeclared destinations first and marked, the
//     findings with the flow ids and packet numbers the generator's manifest names;
//   - the language switch shows the sections in Chinese;
//   - roles that may not analyse (an expert, the provider, the office after the decision) see no
//     analysis button; the public cannot open a case at all;
//   - the office runs the watch from the dashboard after an advisory that hits a passed product's
//     SBOM is imported (a portfolio product loaded by `netreview demo portfolio`), and the case
//     page of that product shows "re-review suggested" prominently.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { setup, signIn, screenshot, PASSWORD, ROOT, HERE, expectCount } from './lib.mjs';

const run = promisify(execFile);
const SBOM = path.join(ROOT, 'tests', 'data', 'sbom', 'cyclonedx-1.5-nested-vex.cdx.json');
const VEX_SBOM = path.join(HERE, 'fixtures', 'vex-suppressed.cdx.json');
const OSV = path.join(ROOT, 'tests', 'data', 'osv');
const OSV_WATCH = path.join(HERE, 'fixtures', 'osv-watch');
const PORTFOLIO_SBOM = path.join(ROOT, 'tests', 'data', 'sbom', 'cyclonedx-1.4-npm.cdx.json');

// The server's own periodic watch must not run before the office presses the button.
process.env.NETREVIEW_WATCH_INTERVAL = '0';

let env;
let capture; // {file, declaration, manifest}
let target; // {ref, task} a case in evaluation where lab1 holds a task
let portfolioRef;

before(async () => {
  env = await setup();
  await env.netreview(['osv', 'import', OSV]);
  // a passed, published product whose SBOM (lodash 4.17.20) no imported advisory hits yet
  const pf = path.join(env.dir, 'portfolio');
  await mkdir(pf);
  await copyFile(PORTFOLIO_SBOM, path.join(pf, path.basename(PORTFOLIO_SBOM)));
  await env.netreview(['demo', 'portfolio', '--sboms', pf, '--password', PASSWORD]);
  const gen = path.join(ROOT, 'tests', 'tools', 'gen_pcap.py');
  capture = {
    file: path.join(env.dir, 'router-startup.pcap'),
    declaration: path.join(env.dir, 'acme-declaration.json'),
    manifestFile: path.join(env.dir, 'router-startup.manifest.json'),
  };
  await run('python3', [gen, 'scenario', '--out', capture.file, '--manifest', capture.manifestFile]);
  await run('python3', [gen, 'declaration', '--out', capture.declaration]);
  capture.manifest = JSON.parse(await readFile(capture.manifestFile, 'utf8'));

  const lab = await apiAs('lab1');
  for (const c of (await lab.get('/cases?phase=evaluation&limit=500')).items) {
    const mine = (await lab.get(`/cases/${c.ref}/tasks`)).find((tk) => tk.institution === lab.user.org);
    if (mine) { target = { ref: c.ref, task: mine.id }; break; }
  }
  const office = await apiAs('office');
  portfolioRef = (await office.get('/cases?limit=500')).items.find((c) => c.title.startsWith('shop-frontend')).ref;
});
after(async () => { if (env) await env.teardown(); });

/* ------------------------------------------------------------------ helpers */

/** A signed-in API client for login (cookie + CSRF), for finding data and checking results. */
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

async function openCase(page, ref) {
  await page.goto(`/#/cases/${encodeURIComponent(ref)}`);
  await page.waitForSelector('#case-head h1');
  await page.waitForFunction(() => !document.querySelector('#main[aria-busy="true"]'));
}

/** No i18n key of the analysis sections shows raw on screen (a missing string). */
async function assertTranslated(page) {
  const text = await page.innerText('#main');
  const raw = text.match(/\b(sca|traffic|engines|watch)\.[a-z_]+(\.[a-z_]+)*\b/g);
  assert.equal(raw, null, `untranslated keys: ${raw}`);
}

const cellText = (page, sel) => page.locator(sel).innerText();

/* ------------------------------------------------------------------ SBOM */

test('an institution uploads an SBOM, analyses it from the case page and sees its findings', async () => {
  assert.ok(target, 'lab1 holds a task on a case in evaluation');
  const page = await env.newPage();
  await signIn(page, 'lab1');
  await openCase(page, target.ref);
  await page.waitForSelector('#case-sca #sca-form');
  // the task is the institution's only one: chosen already
  assert.equal(await page.inputValue('#sca-form select[name="task_id"]'), String(target.task));

  // nothing chosen: the form says so next to the picker, and sends nothing
  await page.click('#sca-submit');
  await page.waitForSelector('#sca-form [data-field="evidence_id"].has-error .field-error:not([hidden])');
  await expectCount(page.locator('#sca-list td.empty'), 1, 'no SBOM analysed yet');

  // upload with the case's parts uploader; the analysis form offers the new evidence at once
  await page.setInputFiles('#upload-form input[type="file"]', SBOM);
  await page.selectOption('#upload-form select[name="task_id"]', String(target.task));
  await page.click('#upload-submit');
  await page.waitForSelector('#upload-sha256');
  const option = page.locator('#sca-form select[name="evidence_id"] option', { hasText: path.basename(SBOM) });
  await expectCount(option, 1, 'the uploaded SBOM is offered for analysis');
  await page.selectOption('#sca-form select[name="evidence_id"]', await option.getAttribute('value'));
  const answer = page.waitForResponse((r) => r.url().endsWith('/sboms') && r.request().method() === 'POST');
  await page.click('#sca-submit');
  const report = await (await answer).json();
  await page.waitForSelector('#sca-report');
  assert.equal(report.summary.components, 11);

  const stat = (id) => cellText(page, `#sca-summary [data-stat="${id}"] .stat-value`);
  assert.equal(await stat('components'), '11');
  assert.equal(await stat('vulnerabilities'), '2');
  await expectCount(page.locator('#sca-report tr.sca-finding'), 2, 'two vulnerable components');
  const critical = page.locator('#sca-report tr.sca-finding.sev-critical');
  await expectCount(critical, 1);
  const row = await critical.innerText();
  for (const want of ['log4j-core', '2.14.1', 'GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228', '2.15.0']) assert.ok(row.includes(want), `${want} in ${row}`);
  // the medium one comes after the critical one
  const order = await page.$$eval('#sca-report tr.sca-finding', (trs) => trs.map((tr) => tr.className.match(/sev-(\w+)/)[1]));
  assert.deepEqual(order, ['critical', 'medium']);
  // no external links: the installation has no internet
  await expectCount(page.locator('#sca-report a[href^="http"]'), 0);
  // unknown provenance and supplier concentration (SVG with its table)
  assert.equal(await cellText(page, '#sca-provenance-stats [data-stat="unknown_provenance"] .stat-value'), '8');
  assert.equal(await cellText(page, '#sca-provenance-stats [data-stat="no_supplier"] .stat-value'), '6');
  await expectCount(page.locator('#sca-suppliers svg.chart[role="img"]'), 1);
  await expectCount(page.locator('#sca-suppliers .chart-data table'), 1);
  // the case's findings section shows what was recorded, the list holds the SBOM
  await page.waitForSelector('#case-findings >> text=log4j-core 2.14.1');
  await expectCount(page.locator('#sca-list tbody tr'), 1);

  // a second SBOM, uploaded from the analysis form itself: one finding suppressed by VEX
  await page.setInputFiles('#sca-form input[name="sbom_file"]', VEX_SBOM);
  await page.click('#sca-submit');
  await page.waitForSelector('#sca-report-h >> text=router-console 2.0.4');
  assert.equal(await stat('suppressed'), '1');
  const suppressed = page.locator('#sca-report tr.row-suppressed');
  await expectCount(suppressed, 1, 'the lodash finding is greyed');
  const srow = await suppressed.innerText();
  for (const want of ['lodash', 'GHSA-jf85-cpcp-j695', 'Suppressed by VEX', 'not affected', 'the code is not reachable']) assert.ok(srow.includes(want), `${want} in ${srow}`);
  await expectCount(page.locator('#sca-report tr.sca-finding:not(.row-suppressed)'), 1, 'Django stays');
  await expectCount(page.locator('#sca-list tbody tr'), 2);
  await expectCount(page.locator('#evidence-list tbody tr', { hasText: 'vex-suppressed.cdx.json' }), 1);
  // the suppressed finding is not recorded on the case
  const lab = await apiAs('lab1');
  const recorded = await lab.get(`/cases/${target.ref}/findings`);
  assert.ok(recorded.some((f) => f.title.startsWith('Django 3.2.0')));
  assert.ok(!recorded.some((f) => f.title.startsWith('lodash 4.17.11')));
  await assertTranslated(page);
  await screenshot(page, 'engines-sbom');
  assert.deepEqual(page.consoleErrors, []);
});

/* ------------------------------------------------------------------ capture */

test('an institution analyses a capture against the declaration and sees flows and packets', async () => {
  const page = await env.newPage();
  await signIn(page, 'lab1');
  await openCase(page, target.ref);
  await page.waitForSelector('#traffic-form');
  // an SBOM is not a capture: the server's refusal shows on the form, nothing is recorded
  const notCapture = page.locator('#traffic-form select[name="capture_evidence_id"] option', { hasText: path.basename(SBOM) });
  await page.selectOption('#traffic-form select[name="capture_evidence_id"]', await notCapture.getAttribute('value'));
  await page.click('#traffic-submit');
  const refusal = page.locator('#traffic-form .field-error:not([hidden]), #traffic-form .form-error');
  await refusal.first().waitFor();
  assert.match(await refusal.first().innerText(), /not a capture/);
  await expectCount(page.locator('#traffic-list tbody tr', { hasText: path.basename(SBOM) }), 0);
  await page.selectOption('#traffic-form select[name="capture_evidence_id"]', '');
  await page.setInputFiles('#traffic-form input[name="capture_file"]', capture.file);
  await page.setInputFiles('#traffic-form input[name="declared_file"]', capture.declaration);
  const answer = page.waitForResponse((r) => r.url().endsWith('/traffic') && r.request().method() === 'POST');
  await page.click('#traffic-submit');
  const report = await (await answer).json();
  await page.waitForSelector('#traffic-report');
  const m = capture.manifest;
  const stat = (id) => cellText(page, `#traffic-summary [data-stat="${id}"] .stat-value`);
  assert.equal((await stat('packets')).replace(/\D/g, ''), String(m.packets));
  assert.equal(report.capture.packets, m.packets);

  // destinations: the undeclared ones first, marked
  const undeclared = report.destinations.filter((d) => d.declared === false).length;
  assert.ok(undeclared > 0);
  await expectCount(page.locator('#traffic-report tr.traffic-destination'), report.destinations.length);
  const marks = await page.$$eval('#traffic-report tr.traffic-destination', (trs) => trs.map((tr) => tr.classList.contains('row-undeclared')));
  assert.deepEqual(marks, marks.map((_, i) => i < undeclared), 'undeclared destinations come first');
  const exfil = page.locator('#traffic-report tr.traffic-destination', { hasText: 'collector.tracker.example.net' });
  assert.ok((await exfil.innerText()).includes('Undeclared'));
  await expectCount(page.locator('#traffic-report figure svg.chart'), 1);

  // findings with their flows and packets: those the generator says must be found
  await expectCount(page.locator('#traffic-report tr.traffic-finding'), report.findings.length);
  for (const want of m.findings.filter((f) => ['undeclared_data', 'undeclared_listening', 'undeclared_resolver'].includes(f.rule))) {
    const cited = report.findings.find((f) => f.rule === want.rule && f.packets.includes(want.packet));
    assert.ok(cited, `the engine cites packet ${want.packet} for ${want.rule}`);
    const row = page.locator('#traffic-report tr.traffic-finding', { hasText: cited.title });
    const text = await row.first().innerText();
    assert.ok(text.includes(String(want.packet)), `packet ${want.packet} shown: ${text}`);
    assert.ok(cited.flows.every((id) => text.includes(String(id))), `flows ${cited.flows} shown: ${text}`);
  }
  await expectCount(page.locator('#traffic-list tbody tr'), 1);
  await page.waitForSelector('#case-findings >> text=collector.tracker.example.net');
  await assertTranslated(page);
  await screenshot(page, 'engines-capture');
  // the one refusal asked for above
  assert.deepEqual(page.consoleErrors.filter((e) => !/status of 400 .*\/traffic"/.test(e)), []);
  assert.equal(page.consoleErrors.length, 1);
});

/* ------------------------------------------------------------------ language */

test('the analysis sections in Chinese', async () => {
  const page = await env.newPage();
  await signIn(page, 'lab1');
  await openCase(page, target.ref);
  await page.waitForSelector('#sca-form');
  await page.click('#lang-zh');
  await page.waitForSelector('#case-sca-h >> text=供应链：软件物料清单（SBOM）分析');
  assert.equal((await page.innerText('#sca-submit')).trim(), '作为 SBOM 分析');
  assert.equal((await page.innerText('#traffic-submit')).trim(), '分析抓包');
  assert.equal((await page.innerText('#case-traffic-h')).trim(), '在线监测：流量抓包分析');
  assert.ok((await page.innerText('#sca-list caption')).includes('本案已分析的 SBOM'));
  assert.ok((await page.innerText('#sca-form')).includes('或上传新文件'));
  await expectCount(page.locator('#sca-list tbody tr'), 2);
  await assertTranslated(page);
  await screenshot(page, 'engines-zh');
  assert.deepEqual(page.consoleErrors, []);
});

/* ------------------------------------------------------------------ who may analyse */

test('only the office and the task\'s institution, in evaluation, see the analysis buttons', async () => {
  // the office may, on the same case (the task is optional for it)
  const office = await env.newPage();
  await signIn(office, 'office');
  await openCase(office, target.ref);
  await office.waitForSelector('#sca-submit');
  await expectCount(office.locator('#traffic-submit'), 1);
  assert.equal(await office.inputValue('#sca-form select[name="task_id"]'), '');
  await expectCount(office.locator('#sca-list tbody tr'), 2, 'the office sees the analysed SBOMs');
  // after the decision, no longer
  await openCase(office, portfolioRef);
  await expectCount(office.locator('#sca-submit'), 0);
  await expectCount(office.locator('#traffic-submit'), 0);

  // an expert on a panel, and the provider of the case, read the case but do not analyse
  for (const login of ['expert1', 'vendor1']) {
    const client = await apiAs(login);
    const cases = (await client.get('/cases?limit=500')).items;
    const ref = login === 'vendor1' ? target.ref : cases[0].ref;
    assert.ok(cases.some((c) => c.ref === ref), `${login} sees ${ref}`);
    const page = await env.newPage();
    await signIn(page, login);
    await openCase(page, ref);
    await page.waitForSelector('#case-evidence');
    await expectCount(page.locator('#sca-submit'), 0, `${login}: no SBOM button`);
    await expectCount(page.locator('#traffic-submit'), 0, `${login}: no capture button`);
    assert.deepEqual(page.consoleErrors, []);
  }

  // the public cannot open a case page at all
  const pub = await env.newPage();
  await pub.goto(`/#/cases/${target.ref}`);
  await pub.waitForSelector('#header #user-box');
  await pub.waitForFunction(() => !document.querySelector('#main[aria-busy="true"]'));
  await expectCount(pub.locator('#sca-submit'), 0);
  await expectCount(pub.locator('#traffic-submit'), 0);
});

/* ------------------------------------------------------------------ watch */

test('the office runs the watch after a new advisory and the passed product is flagged', async () => {
  const page = await env.newPage();
  await signIn(page, 'office');
  await page.goto('/#/dashboard');
  await page.waitForSelector('#dash-watch #watch-run');
  await expectCount(page.locator('#watch-list tbody tr', { hasText: portfolioRef }), 0, 'not flagged before the advisory');
  // a new advisory for lodash < 4.17.21 arrives
  await env.netreview(['osv', 'import', OSV_WATCH]);
  await page.click('#watch-run');
  await page.waitForSelector('#watch-result .watch-stats');
  const stats = await page.innerText('#watch-result .watch-stats');
  assert.match(stats, /SBOMs matched\s+1\b/);
  assert.match(stats, /Cases flagged\s+1\b/);
  const flagged = page.locator('#watch-list tbody tr', { hasText: portfolioRef });
  await expectCount(flagged, 1);
  assert.ok((await flagged.innerText()).includes('GHSA-35jh-r3h4-6jhm'));
  await assertTranslated(page);
  await screenshot(page, 'engines-watch');

  // the case page says so, under its title
  await page.click(`#watch-list a.case-link:text("${portfolioRef}")`);
  await page.waitForSelector('#watch-banner');
  const banner = await page.innerText('#watch-banner');
  assert.ok(banner.includes('Re-review suggested'));
  assert.ok(banner.includes('GHSA-35jh-r3h4-6jhm (high) affects lodash 4.17.20'), banner);
  await page.click('#lang-zh');
  await page.waitForSelector('#watch-banner >> text=建议重新审查');
  // a second run finds nothing new
  await page.goto('/#/dashboard');
  await page.click('#watch-run');
  await page.waitForSelector('#watch-result .watch-stats');
  assert.match(await page.innerText('#watch-result .watch-stats'), /被标记的案件\s+0\b/);
  assert.deepEqual(page.consoleErrors, []);
});
