// The workspaces of the institution (#/tasks), the experts (#/panels) and the provider
// (#/provider), end to end on a fresh demo installation:
//   - an institution (lab1) uploads a capture to a case in evaluation where it holds a task (the
//     hash shown equals the file's SHA-256) and adds a finding that refers to it; then signs the
//     report of a task the office assigns to it;
//   - an expert recuses behind a confirm dialog (the office fills the seat through the API);
//   - three experts score on a panel in expert review through the browser (any further members
//     through the API); the first sees only its own scores, the last sees every score and the
//     recommendation;
//   - a provider signs its security commitment on a case in acceptance or evaluation, uploads
//     materials by drag and drop and marks the requested materials received, applies for a review;
//   - the portal in Chinese on a phone-sized screen.
// Each workspace is saved as a screenshot under tests/browser/screenshots/.

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

/** A small pcap capture: the global header and one UDP packet (DNS-like payload). */
function pcapBytes() {
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0); g.writeUInt16LE(2, 4); g.writeUInt16LE(4, 6);
  g.writeInt32LE(0, 8); g.writeUInt32LE(0, 12); g.writeUInt32LE(65535, 16); g.writeUInt32LE(1, 20);
  const payload = Buffer.from('netreview browser test capture: telemetry.example.net', 'ascii');
  const udp = Buffer.alloc(8); udp.writeUInt16BE(53000, 0); udp.writeUInt16BE(53, 2); udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20); ip[0] = 0x45; ip.writeUInt16BE(20 + 8 + payload.length, 2); ip[8] = 64; ip[9] = 17;
  Buffer.from([192, 168, 7, 2]).copy(ip, 12); Buffer.from([203, 0, 113, 9]).copy(ip, 16);
  const eth = Buffer.concat([Buffer.from('020000000002020000000001', 'hex'), Buffer.from([0x08, 0x00])]);
  const frame = Buffer.concat([eth, ip, udp, payload]);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(1767225600, 0); rec.writeUInt32LE(0, 4); rec.writeUInt32LE(frame.length, 8); rec.writeUInt32LE(frame.length, 12);
  return Buffer.concat([g, rec, frame]);
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** No i18n key of these pages shows raw on screen (a missing string). */
async function assertTranslated(page) {
  const text = await page.innerText('#main');
  const raw = text.match(/\b(tasks|panels|provider)\.[a-z_]+(\.[a-z_]+)*\b/g);
  assert.equal(raw, null, `untranslated keys: ${raw}`);
}

async function waitIdle(page) {
  await page.waitForFunction(() => !document.querySelector('#main[aria-busy="true"]'));
}

/* ------------------------------------------------------------------ institution */

test('an institution uploads a capture (hash shown = SHA-256 of the file) and adds a finding', async () => {
  const lab = await apiAs('lab1');
  let target = null;
  for (const c of await allCases(lab, '&phase=evaluation')) {
    const tasks = await lab.get(`/cases/${c.ref}/tasks`);
    const mine = tasks.find((tk) => tk.institution === lab.user.org);
    if (mine) { target = { c, tk: mine }; break; }
  }
  assert.ok(target, 'lab1 holds a task on a case in evaluation');

  const page = await env.newPage();
  await signIn(page, 'lab1');
  assert.match(page.url(), /#\/tasks$/);
  await page.waitForSelector('#tasks-table table');
  await screenshot(page, 'workspace-institution-tasks');
  await assertTranslated(page);
  await page.click(`#tasks-table a.task-link[data-task="${target.tk.id}"] >> nth=0`);
  await page.waitForSelector('#task-evidence .uploader');
  await waitIdle(page);

  const bytes = pcapBytes();
  const file = path.join(env.dir, 'lab1-capture.pcap');
  await writeFile(file, bytes);
  await page.setInputFiles('#task-evidence input[type="file"]', file);
  await page.fill('#task-evidence input[name="description"]', 'Capture of the router during start-up');
  await page.click('#task-evidence .uploader button[type="submit"]');
  await page.waitForSelector('#task-evidence .upload-sha256');
  const shown = (await page.textContent('#task-evidence .upload-sha256')).trim();
  assert.equal(shown, sha256(bytes));
  const prog = await page.$eval('#task-evidence progress', (p) => [p.value, p.max]);
  assert.equal(prog[0], prog[1], 'the progress bar is full');
  // the evidence table now lists it, and the case holds it with the same hash
  await page.waitForSelector(`#task-evidence table >> text=lab1-capture.pcap`);
  const evidence = await lab.get(`/cases/${target.c.ref}/evidence`);
  const ev = evidence.find((e) => e.filename === 'lab1-capture.pcap');
  assert.ok(ev);
  assert.equal(ev.sha256, sha256(bytes));
  assert.equal(ev.task_id, target.tk.id);

  // a finding that refers to the capture
  await page.selectOption('#task-findings select[name="category"]', 'control');
  await page.selectOption('#task-findings select[name="severity"]', 'high');
  await page.fill('#task-findings input[name="title"]', 'Undeclared telemetry to telemetry.example.net');
  await page.fill('#task-findings textarea[name="detail"]', 'UDP traffic to an endpoint the provider did not declare.');
  await page.check(`#task-findings input[name="evidence_ids"][value="${ev.id}"]`);
  await page.click('#task-findings form button[type="submit"]');
  await page.waitForSelector('#task-findings table >> text=Undeclared telemetry to telemetry.example.net');
  await page.waitForSelector('#task-status.alert-success');
  const findings = await lab.get(`/cases/${target.c.ref}/findings`);
  const f = findings.find((x) => x.title === 'Undeclared telemetry to telemetry.example.net');
  assert.ok(f);
  assert.equal(f.category, 'control');
  assert.equal(f.severity, 'high');
  assert.equal(f.task_id, target.tk.id);
  assert.equal(String(f.evidence_ids), String(ev.id));
  await assertTranslated(page);
  await screenshot(page, 'workspace-institution-task');
  assert.deepEqual(page.consoleErrors, []);
});

test('an institution signs the report of a task assigned to it', async () => {
  const office = await apiAs('office');
  const lab = await apiAs('lab1');
  const cases = await allCases(lab, '&phase=evaluation');
  assert.ok(cases.length > 0);
  const inst = (await office.get('/institutions')).find((i) => i.org === lab.user.org);
  const method = inst.methods.split(',').find((m) => m !== 'lab_testing') || 'lab_testing';
  const tk = await office.post(`/cases/${cases[0].ref}/tasks`, { institution: lab.user.org, method, standards: 'GB/T 18336-2015' });
  assert.equal(tk.status, 'assigned');

  const page = await env.newPage();
  await signIn(page, 'lab1');
  await page.waitForSelector(`#tasks-table a.task-link[data-task="${tk.id}"]`);
  await page.click(`#tasks-table a.task-link[data-task="${tk.id}"] >> nth=0`);
  await page.waitForSelector('#task-report form');
  assert.equal(await page.inputValue('#task-report input[name="standards"]'), 'GB/T 18336-2015');
  await page.fill('#task-report textarea[name="report"]', 'On-site inspection of the build and delivery chain: no deviation found.');
  await page.fill('#task-report input[name="standards"]', 'GB/T 18336-2015; ISO/IEC 27036-3:2023');
  await page.click('#task-report form button[type="submit"]');
  // the confirm dialog
  await page.waitForSelector('.dialog[role="dialog"]');
  await page.click('.dialog button[type="submit"]');
  await page.waitForSelector('#task-report .signed-report');
  const after = (await lab.get(`/cases/${cases[0].ref}/tasks`)).find((x) => x.id === tk.id);
  assert.equal(after.status, 'reported');
  assert.equal(after.reported_by, 'lab1');
  assert.equal(after.standards, 'GB/T 18336-2015; ISO/IEC 27036-3:2023');
  assert.ok(await page.isVisible(`#task-report >> text=${after.report_hash}`));
  await expectCount(page.locator('#task-evidence .uploader'), 1, 'evidence can still be added in evaluation');
  await screenshot(page, 'workspace-institution-report');
  assert.deepEqual(page.consoleErrors, []);
});

/* ------------------------------------------------------------------ experts */

async function expertReviewPanel() {
  const office = await apiAs('office');
  for (const c of await allCases(office, '&phase=expert_review')) {
    const panel = await office.get(`/cases/${c.ref}/panel`);
    if (panel.sealed) return { office, c, panel };
  }
  return null;
}

test('an expert recuses behind a confirm dialog, with a reason', async () => {
  const found = await expertReviewPanel();
  assert.ok(found, 'a demo case in expert review with a sealed panel');
  const { office, c, panel } = found;
  // a member who has not scored yet
  const m = panel.members.find((x) => x.status === 'member' && x.dimensions_scored === 0);
  assert.ok(m);
  const page = await env.newPage();
  await signIn(page, m.login);
  assert.match(page.url(), /#\/panels$/);
  await page.click(`#panels-table a.panel-link[data-case="${c.ref}"] >> nth=0`);
  await page.waitForSelector('#recuse-button');
  // cancel first: nothing changes
  await page.click('#recuse-button');
  await page.waitForSelector('.dialog[role="dialog"]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.dialog[role="dialog"]', { state: 'detached' });
  assert.equal((await office.get(`/cases/${c.ref}/panel`)).members.find((x) => x.login === m.login).status, 'member');
  // then recuse: the reason is required
  await page.click('#recuse-button');
  await page.waitForSelector('.dialog textarea[name="reason"]');
  await page.click('.dialog button[type="submit"]');
  await page.waitForSelector('.dialog .field-error:not([hidden])');
  await page.fill('.dialog textarea[name="reason"]', 'I advised a competitor of the provider on this product line last year.');
  await page.click('.dialog button[type="submit"]');
  await page.waitForSelector('#panel-status.alert-success');
  await expectCount(page.locator('#recuse-button'), 0);
  await expectCount(page.locator('#panel-scoring'), 0);
  const seat = (await office.get(`/cases/${c.ref}/panel`)).members.find((x) => x.login === m.login);
  assert.equal(seat.status, 'recused');
  assert.match(seat.reason, /competitor/);
  await screenshot(page, 'workspace-expert-recused');
  assert.deepEqual(page.consoleErrors, []);
  // the office fills the seat again (the panel needs its size)
  await office.post(`/cases/${c.ref}/panel`, {});
});

test('three experts score on a panel; scores stay sealed until all are in', async () => {
  const found = await expertReviewPanel();
  assert.ok(found, 'a demo case in expert review with a sealed panel');
  const { office, c } = found;
  const proc = await office.get('/procedure');
  const panel = await office.get(`/cases/${c.ref}/panel`);
  assert.equal(panel.members_active, proc.panel_size, 'the panel is full');
  const remaining = panel.members.filter((m) => m.status === 'member' && m.dimensions_scored < panel.dimensions_total);
  assert.ok(remaining.length >= 1, 'someone still has to score');
  const browserScorers = remaining.slice(-3);   // up to three in the browser
  const apiScorers = remaining.slice(0, remaining.length - browserScorers.length);
  const levelFor = (d) => (d === 'control' ? 'high' : d === 'supplier' ? 'medium' : 'low');
  for (const m of apiScorers) {
    const ex = await apiAs(m.login);
    const scores = Object.fromEntries(proc.dimensions.map((d) => [d, { level: levelFor(d), reason: `API score of ${m.login} for ${d}.` }]));
    await ex.post(`/cases/${c.ref}/scores`, { scores });
  }

  for (let i = 0; i < browserScorers.length; i += 1) {
    const m = browserScorers[i];
    const last = i === browserScorers.length - 1;
    const page = await env.newPage();
    await signIn(page, m.login);
    assert.match(page.url(), /#\/panels$/);
    await page.waitForSelector(`#panels-table a.panel-link[data-case="${c.ref}"]`);
    if (i === 0) await screenshot(page, 'workspace-expert-panels');
    await page.click(`#panels-table a.panel-link[data-case="${c.ref}"] >> nth=0`);
    await page.waitForSelector('#panel-scoring form');
    await waitIdle(page);
    // sealed: no other member's scores on the page
    await expectCount(page.locator('#panel-results'), 0);
    // a missing reason is refused in the form, next to its field
    await page.click('#panel-scoring button[type="submit"]');
    await page.waitForSelector('#panel-scoring .field-error:not([hidden])');
    for (const d of proc.dimensions) {
      await page.selectOption(`#panel-scoring select[name="level-${d}"]`, levelFor(d));
      await page.fill(`#panel-scoring textarea[name="reason-${d}"]`, `${m.login}: ${d} rated ${levelFor(d)} on the evaluation reports.`);
    }
    if (i === 0) await screenshot(page, 'workspace-expert-scoring');
    await page.click('#panel-scoring button[type="submit"]');
    await page.waitForSelector('#panel-status.alert-success');
    if (!last) {
      // still sealed: this expert's own scores only
      await page.waitForSelector('#panel-own table');
      await expectCount(page.locator('#panel-results'), 0);
      const seen = await page.evaluate(async (ref) => (await fetch(`/api/v1/cases/${ref}/panel`)).json(), c.ref);
      assert.equal(seen.sealed, true);
      for (const other of seen.members.filter((x) => x.login !== m.login)) assert.equal(other.scores, undefined);
    } else {
      await page.waitForSelector('#panel-results');
      await page.waitForSelector('#panel-results .recommendation .badge');
      await expectCount(page.locator('#panel-scoring'), 0, 'no scoring after all are in');
      await assertTranslated(page);
      await screenshot(page, 'workspace-expert-results');
    }
    assert.deepEqual(page.consoleErrors, []);
  }
  const done = await office.get(`/cases/${c.ref}/panel`);
  assert.equal(done.sealed, false);
  assert.equal(done.complete_scorers, done.members_active);
  assert.equal(done.recommendation, 'failed', 'the median of control is high');
});

/* ------------------------------------------------------------------ provider */

test('a provider signs its security commitment on a case in acceptance or evaluation', async () => {
  const office = await apiAs('office');
  let target = null;
  for (const phase of ['acceptance', 'evaluation']) {
    for (const c of await allCases(office, `&phase=${phase}`)) {
      const d = await office.get(`/cases/${c.ref}`);
      if (d.commitment || !d.provider_id) continue;
      const users = await office.get(`/users?org=${d.provider_id}&role=provider`);
      if (users.length) { target = { c: d, login: users[0].login }; break; }
    }
    if (target) break;
  }
  assert.ok(target, 'a provider case in acceptance or evaluation without a commitment');

  const page = await env.newPage();
  await signIn(page, target.login);
  assert.match(page.url(), /#\/provider$/);
  await page.waitForSelector('#provider-cases table');
  await screenshot(page, 'workspace-provider-portal');
  await assertTranslated(page);
  await page.click(`#provider-cases a.provider-case-link[data-case="${target.c.ref}"]`);
  await page.waitForSelector('#provider-commitment form');
  const text = await page.inputValue('#provider-commitment textarea[name="text"]');
  assert.match(text, /commits/);
  // the authorisation box is required
  await page.click('#provider-commitment button[type="submit"]');
  await page.waitForSelector('#provider-commitment .field-error:not([hidden])');
  await page.check('#provider-commitment input[name="authorised"]');
  await page.click('#provider-commitment button[type="submit"]');
  await page.waitForSelector('#provider-commitment .deflist');
  await page.waitForSelector('#provider-status.alert-success');
  const d = await office.get(`/cases/${target.c.ref}`);
  assert.ok(d.commitment);
  assert.equal(d.commitment.signed_by, target.login);
  assert.equal(d.commitment.text_hash, sha256(Buffer.from(text.trim(), 'utf8')));
  assert.ok(await page.isVisible(`#provider-commitment >> text=${d.commitment.text_hash}`));
  await screenshot(page, 'workspace-provider-case');
  assert.deepEqual(page.consoleErrors, []);
});

test('a provider uploads requested materials by drag and drop and marks them received', async () => {
  const office = await apiAs('office');
  let target = null;
  for (const c of await allCases(office, '&open=true')) {
    const d = await office.get(`/cases/${c.ref}`);
    if (!d.provider_id || !(d.material_requests || []).some((r) => !r.received_at)) continue;
    const users = await office.get(`/users?org=${d.provider_id}&role=provider`);
    if (users.length) { target = { c: d, login: users[0].login }; break; }
  }
  assert.ok(target, 'a provider case with an open request for materials');
  assert.equal(target.c.clock, 'paused');

  const page = await env.newPage();
  await signIn(page, target.login);
  await page.click(`#provider-cases a.provider-case-link[data-case="${target.c.ref}"]`);
  await page.waitForSelector('#mark-received');
  // drop a file on the drop zone
  const content = 'Data centres: Lakeside DC-1, Riverside DC-2. Sub-processors: none.\n';
  const dt = await page.evaluateHandle((txt) => {
    const x = new DataTransfer();
    x.items.add(new File([txt], 'data-centres.txt', { type: 'text/plain' }));
    return x;
  }, content);
  await page.dispatchEvent('#provider-materials .dropzone', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('#provider-materials .dropzone', 'drop', { dataTransfer: dt });
  await page.waitForSelector('#provider-materials .upload-chosen >> text=data-centres.txt');
  await page.click('#provider-materials .uploader button[type="submit"]');
  await page.waitForSelector('#provider-materials .upload-sha256');
  assert.equal((await page.textContent('#provider-materials .upload-sha256')).trim(), sha256(Buffer.from(content)));
  await page.waitForSelector('#provider-materials table >> text=data-centres.txt');
  // mark the request received, behind a confirm dialog
  await page.click('#mark-received');
  await page.waitForSelector('.dialog[role="dialog"]');
  await page.click('.dialog button[type="submit"]');
  await page.waitForSelector('#mark-received', { state: 'detached' });
  await page.waitForSelector('#provider-status.alert-success >> text=marked as received');
  const d = await office.get(`/cases/${target.c.ref}`);
  assert.ok(d.material_requests.every((r) => r.received_at));
  assert.equal(d.clock, 'running');
  await screenshot(page, 'workspace-provider-materials');
  assert.deepEqual(page.consoleErrors, []);
});

test('a provider applies for a review of one of its products', async () => {
  const page = await env.newPage();
  await signIn(page, 'vendor1');
  const me = await apiAs('vendor1');
  const products = await me.get(`/products?provider=${encodeURIComponent(me.user.org)}`);
  assert.ok(products.length > 0);
  const before = await allCases(me);
  await page.waitForSelector('#provider-apply form');
  await page.selectOption('#provider-apply select[name="product"]', String(products[products.length - 1].id));
  await page.fill('#provider-apply input[name="versions"]', '9.*');
  await page.selectOption('#provider-apply select[name="sector"]', 'telecom');
  await page.fill('#provider-apply textarea[name="detail"]', 'Operators of the telecom sector plan to buy it next year.');
  await page.click('#provider-apply button[type="submit"]');
  await page.waitForURL(/#\/provider\?case=NR-/);
  await page.waitForSelector('#provider-commitment form');
  const after = await allCases(me);
  assert.equal(after.length, before.length + 1);
  const ref = decodeURIComponent(/case=([^&]+)/.exec(page.url())[1]);
  const c = await me.get(`/cases/${ref}`);
  assert.equal(c.trigger, 'provider_application');
  assert.equal(c.phase, 'acceptance');
  assert.equal(c.versions, '9.*');
  assert.equal(c.sector, 'telecom');
  assert.equal(c.product_id, products[products.length - 1].id);
  assert.deepEqual(page.consoleErrors, []);
});

test('the workspaces in Chinese on a phone-sized screen', async () => {
  const page = await env.newPage({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  await signIn(page, 'vendor4');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.waitForSelector('#provider-cases table');
  assert.match(await page.innerText('#main h1'), /提供者门户/);
  await assertTranslated(page);
  // nothing wider than the screen but the tables' own scrolling regions
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
  await screenshot(page, 'workspace-provider-portal-zh-phone');
  // a case of the portal, a task and a panel, each opened from its list
  await page.click('#provider-cases a.provider-case-link >> nth=0');
  await page.waitForSelector('#provider-commitment');
  await assertTranslated(page);
  for (const [login, route, sel, link, detail, name] of [
    ['lab2', '/tasks', '#tasks-table table', '#tasks-table a.task-link', '#task-report', 'workspace-institution-task-zh-phone'],
    ['expert1', '/panels', '#panels-table table', '#panels-table a.panel-link', '#panel-members', 'workspace-expert-panel-zh-phone']]) {
    const p = await env.newPage({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    await signIn(p, login);
    await open(p, route);
    await p.waitForSelector(sel);
    await assertTranslated(p);
    await p.click(`${link} >> nth=0`);
    await p.waitForSelector(detail);
    await waitIdle(p);
    await assertTranslated(p);
    const wide = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 1, `${route} scrolls sideways by ${wide}px`);
    await screenshot(p, name);
    assert.deepEqual(p.consoleErrors, []);
  }
  assert.deepEqual(page.consoleErrors, []);
});
