// The operator's workspace (#/procurement), as bank-ops (Lakeside Commercial Bank, a CII operator
// of the finance sector), on a fresh demo installation:
//   - the gate for a product that failed a published review answers 'prohibited', in red, with the
//     reason; the answer stays through a language switch and reads 禁止采购 in Chinese;
//   - a procurement declared through the form opens a case in scoping, listed with its phase;
//   - the results circulated to it (restricted) are listed; a provider is not permitted the page.
// Each page is saved as a screenshot under tests/browser/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, signIn, open, screenshot, PASSWORD, expectCount } from './lib.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.teardown(); });

/** A signed-in API client (cookie + CSRF) for checking what the browser did. */
async function apiAs(login) {
  const res = await fetch(`${env.url}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.ok(res.ok, `sign-in of ${login}: ${res.status}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf, user } = await res.json();
  const get = async (p) => {
    const r = await fetch(`${env.url}/api/v1${p}`, { headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
    assert.ok(r.ok, `GET ${p}: ${r.status}`);
    return r.json();
  };
  return { user, get };
}

/** One concrete version inside a range expression such as "2.2.*" or ">=4.2 <5.0". */
function versionIn(range) {
  const first = String(range).trim().split(/\s+/)[0].replace(/^[<>=~^]+/, '');
  return first.replace(/\*/g, '0').replace(/\.$/, '') || '1.0';
}

test('bank-ops checks the gate for a failed product of the register and sees "prohibited"', async () => {
  // a failed published result, as the public sees it
  const res = await fetch(`${env.url}/api/v1/decisions?outcome=failed`);
  const failed = (await res.json()).items.find((d) => d.status === 'active');
  assert.ok(failed, 'the demo has a failed result in force');
  const version = versionIn(failed.versions);
  const bank = await apiAs('bank-ops');
  const direct = await bank.get(`/gate?product=${encodeURIComponent(failed.product)}&version=${encodeURIComponent(version)}&operator=${encodeURIComponent(bank.user.org)}`);
  assert.equal(direct.procurement, 'prohibited', `the API's answer for ${failed.product} ${version}`);

  const page = await env.newPage();
  await signIn(page, 'bank-ops');
  assert.match(page.url(), /#\/procurement$/, 'an operator lands on its workspace');
  await page.waitForSelector('#gate-form');
  await page.fill('#gate-form input[name="ident"]', failed.product);
  await page.fill('#gate-form input[name="version"]', version);
  await page.click('#gate-check');
  await page.waitForSelector('#gate-answer');
  assert.equal(await page.getAttribute('#gate-answer', 'data-procurement'), 'prohibited');
  assert.equal(await page.getAttribute('#gate-answer', 'data-status'), 'failed');
  assert.match(await page.getAttribute('#gate-answer', 'class'), /alert-error/);
  assert.match(await page.textContent('#gate-procurement'), /prohibited/i);
  assert.equal((await page.textContent('#gate-reason')).trim(), direct.reason);
  assert.equal(await page.getAttribute('#gate-answer a[href^="#/results/"]', 'href'), `#/results/${failed.id}`);
  await screenshot(page, 'operator-gate-prohibited');

  // the answer stays on a language switch, in Chinese
  await page.click('#lang-zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.waitForSelector('#gate-answer');
  assert.match(await page.textContent('#gate-procurement'), /禁止采购/);
  assert.match(await page.textContent('#gate-answer .gate-why'), /未通过网络安全审查/);
  await screenshot(page, 'operator-gate-prohibited-zh');
  await page.click('#lang-en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');

  // a product that is not registered: a CII operator needs a review first
  await page.fill('#gate-form input[name="ident"]', 'Unheard-of Switch');
  await page.fill('#gate-form input[name="version"]', '1.0');
  await page.click('#gate-check');
  await page.waitForSelector('#gate-answer[data-procurement="review_required"]');
  assert.match(await page.getAttribute('#gate-answer', 'class'), /alert-warn/);
  assert.deepEqual(page.consoleErrors, []);
});

test('bank-ops declares a procurement and sees its case in scoping', async () => {
  const page = await env.newPage();
  await signIn(page, 'bank-ops');
  await open(page, '/procurement');
  await page.waitForSelector('#declarations table');
  const before = await page.locator('#declarations tbody tr').count();

  // a field error from the server lands at its field
  await page.fill('#declare-form input[name="product"]', 'Quillon NetManager');
  await page.fill('#declare-form input[name="versions"]', '>>3');
  await page.click('#declare-submit');
  await page.waitForSelector('#declare-form .field[data-field="versions"].has-error');

  await page.fill('#declare-form input[name="versions"]', '>=3.0 <4.0');
  await page.fill('#declare-form textarea[name="purpose"]', 'Network management of the branch offices.');
  await page.fill('#declare-form input[name="contract_ref"]', 'LCB-2026-BROWSER');
  await page.click('#declare-submit');
  await page.waitForSelector('#declare-result');
  const ref = (await page.textContent('#declare-case')).trim();
  assert.match(ref, /^NR-\d{4}-\d{4}$/);
  assert.equal(await page.getAttribute('#declare-result [data-kind="phase"]', 'data-value'), 'scoping');
  assert.match(await page.textContent('#declare-result'), /Scoping/);

  // listed with its phase, and the API agrees
  await page.waitForFunction((n) => document.querySelectorAll('#declarations tbody tr').length === n, before + 1);
  const row = page.locator('#declarations tbody tr', { hasText: ref });
  assert.equal(await row.locator('[data-kind="phase"]').getAttribute('data-value'), 'scoping');
  assert.match(await row.textContent(), /LCB-2026-BROWSER/);
  const bank = await apiAs('bank-ops');
  const decl = (await bank.get('/declarations')).find((d) => d.case_ref === ref);
  assert.ok(decl, 'the declaration exists');
  assert.equal(decl.case_phase, 'scoping');
  assert.equal(decl.product, 'Quillon NetManager');
  assert.equal(decl.versions, '>=3.0 <4.0');
  assert.equal(decl.contract_ref, 'LCB-2026-BROWSER');
  assert.equal(decl.national_security, false);
  await screenshot(page, 'operator-declared');
  assert.deepEqual(page.consoleErrors.filter((e) => !/status of 400/.test(e)), []);
});

test('the results circulated to bank-ops are listed; a provider may not open the workspace', async () => {
  const bank = await apiAs('bank-ops');
  const seen = (await bank.get('/decisions?limit=500')).items;
  const circulated = seen.filter((d) => d.visibility === 'restricted');
  const page = await env.newPage();
  await signIn(page, 'bank-ops');
  await open(page, '/procurement');
  await page.waitForSelector('#circulated table');
  const listed = await page.$$eval('#circulated tbody tr a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(listed.sort(), circulated.map((d) => `#/results/${d.id}`).sort());
  await page.check('input[name="show_public"]');
  await page.waitForFunction((n) => document.querySelectorAll('#circulated tbody tr a').length === n, seen.length);
  await screenshot(page, 'operator-procurement');
  assert.deepEqual(page.consoleErrors, []);

  const vendor = await env.newPage();
  await signIn(vendor, 'vendor1');
  await vendor.goto('/#/procurement');
  await vendor.waitForSelector('#not-permitted');
  await expectCount(vendor.locator('#gate-form'), 0);
});
