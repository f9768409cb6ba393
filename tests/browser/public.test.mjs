// The public pages, without signing in, on a fresh demo installation:
//   - the register (#/) lists the published results of the demo; the outcome filter (the API's)
//     and the text search (the browser's) narrow it; it fits a phone;
//   - a result's page shows the decision and its signature, and the offline verification steps;
//     the signed decision and the office key downloaded from its links verify with
//     `netreview decision verify`, exactly as the page says;
//   - a complaint is filed and its number shown; missing fields are told next to the fields; past
//     the limit per address the page says when to try again (Retry-After);
//   - the register in 中文 has Chinese column headers.
// Each page is saved as a screenshot under tests/browser/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { setup, open, screenshot, BIN } from './lib.mjs';

const run = promisify(execFile);

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.teardown(); });

/** The public register through the API, as anyone sees it. */
async function publicDecisions(query = '') {
  const res = await fetch(`${env.url}/api/v1/decisions${query}`);
  assert.equal(res.status, 200);
  return (await res.json()).items;
}

/** The product names in the register table, in order. */
async function listedProducts(page) {
  return page.$$eval('#register-results tbody tr a.result-link', (as) => as.map((a) => a.textContent.trim()));
}

async function waitRegister(page) {
  await page.waitForSelector('#register-results table');
  await page.waitForFunction(() => !document.querySelector('#register-results[aria-busy="true"]'));
}

test('the register lists the published results, and its filters narrow it', async () => {
  const items = await publicDecisions();
  assert.ok(items.length > 0, 'the demo publishes results');
  const page = await env.newPage();
  await open(page, '/');
  await waitRegister(page);
  const listed = await listedProducts(page);
  assert.deepEqual(listed, items.map((d) => d.product));
  // every row links to its result's page, with its outcome as a badge
  const first = items[0];
  assert.equal(await page.getAttribute('#register-results tbody tr:first-child a.result-link', 'href'), `#/results/${first.id}`);
  assert.equal(await page.getAttribute('#register-results tbody tr:first-child [data-kind="outcome"]', 'data-value'), first.outcome);
  assert.match(await page.textContent('#register-status'), new RegExp(`${items.length} result`));
  await screenshot(page, 'public-register');

  // the outcome filter is the API's: the same rows as ?outcome=failed, and it is kept in the hash
  const failed = await publicDecisions('?outcome=failed');
  assert.ok(failed.length > 0, 'the demo has a failed published result');
  await page.selectOption('select[name="outcome"]', 'failed');
  await page.waitForFunction((n) => document.querySelectorAll('#register-results tbody a.result-link').length === n, failed.length);
  assert.deepEqual(await listedProducts(page), failed.map((d) => d.product));
  assert.match(page.url(), /outcome=failed/);

  // the text search (in the browser) on a word of one provider's name
  await page.click('#register-clear');
  await waitRegister(page);
  const provider = items[0].provider;
  const word = provider.split(/\s+/)[0].toLowerCase();
  await page.fill('input[name="q"]', word);
  await page.click('#register-search');
  const expected = items.filter((d) => [d.product, d.provider, d.case_ref, d.versions, d.conditions]
    .filter(Boolean).join(' ').toLowerCase().includes(word)).map((d) => d.product);
  await page.waitForFunction((n) => document.querySelectorAll('#register-results tbody a.result-link').length === n, expected.length);
  assert.deepEqual(await listedProducts(page), expected);

  // nothing matches: the empty state says so
  await page.fill('input[name="q"]', 'no-such-product-anywhere');
  await page.click('#register-search');
  await page.waitForSelector('#register-results td.empty');
  assert.match(await page.textContent('#register-results td.empty'), /No published result matches/);
  assert.deepEqual(page.consoleErrors, []);
});

test('a result page shows the decision, its signature and the offline verification that works', async () => {
  const [d] = await publicDecisions('?outcome=failed');
  const page = await env.newPage({ acceptDownloads: true });
  await open(page, '/');
  await waitRegister(page);
  await page.click(`#register-results a[href="#/results/${d.id}"]`);
  await page.waitForSelector('#result-verify');
  assert.equal((await page.textContent('h1')).trim(), d.product);
  const facts = await page.textContent('.result-facts');
  assert.ok(facts.includes(d.provider) && facts.includes(d.versions) && facts.includes(d.case_ref));
  const full = await (await fetch(`${env.url}/api/v1/decisions/${d.id}`)).json();
  assert.equal((await page.textContent('.result-rationale')).trim(), full.rationale);
  assert.equal((await page.textContent('#result-key-id')).trim(), d.key_id);
  const sig = await page.textContent('#result-signature');
  assert.match(sig, d.suite === 'sm' ? /SM2/ : /Ed25519/);

  // the steps, with the exact commands
  const exportName = `decision-${d.id}.json`;
  const verifyCmd = `netreview decision verify ${exportName} --key office.pub`;
  assert.equal((await page.textContent('#result-cmd-netreview')).trim(), verifyCmd);
  assert.match(await page.textContent('#result-cmd-openssl'), /openssl /);
  assert.match(await page.textContent('#result-verify'), /distid:1234567812345678/);
  await screenshot(page, 'public-result');

  // download both files through the links and run the command the page gives
  const [exp] = await Promise.all([page.waitForEvent('download'), page.click('#result-export')]);
  assert.equal(exp.suggestedFilename(), exportName);
  await exp.saveAs(path.join(env.dir, exportName));
  const [key] = await Promise.all([page.waitForEvent('download'), page.click('#result-key')]);
  assert.equal(key.suggestedFilename(), 'office.pub');
  await key.saveAs(path.join(env.dir, 'office.pub'));
  const args = verifyCmd.split(' ').slice(1);
  const { stdout } = await run(BIN, args, { cwd: env.dir });
  assert.match(stdout, new RegExp(`signature verifies with key ${d.key_id}`));
  assert.deepEqual(page.consoleErrors, []);
});

test('a complaint: missing fields are told at the fields, then it is filed and its number shown', async () => {
  const page = await env.newPage();
  await open(page, '/complain');
  await page.waitForSelector('#complaint-form');
  await screenshot(page, 'public-complaint');
  await page.click('#complaint-submit');
  await page.waitForSelector('.field[data-field="product"].has-error');
  assert.match(await page.textContent('.field[data-field="product"] .field-error'), /required/);
  assert.match(await page.textContent('.field[data-field="text"] .field-error'), /required/);
  assert.equal(await page.getAttribute('textarea[name="text"]', 'aria-invalid'), 'true');

  await page.fill('input[name="product"]', 'Harbour Smart Camera');
  await page.fill('input[name="version"]', '3.1');
  await page.fill('textarea[name="text"]', 'The camera opens an outbound tunnel to an unknown server at every start.');
  await page.fill('input[name="contact"]', 'it-security@example.org');
  await page.click('#complaint-submit');
  await page.waitForSelector('#complaint-id');
  const id = Number((await page.textContent('#complaint-id')).trim());
  assert.ok(Number.isInteger(id) && id > 0, `complaint number ${id}`);
  assert.match(await page.textContent('#complaint-done'), /recorded as number/);
  await screenshot(page, 'public-complaint-done');
  // the office has it, as the public filed it
  const list = JSON.parse(await env.netreview(['complaint', 'list', '--as', 'office', '--json']));
  const c = list.find((x) => x.id === id);
  assert.ok(c, 'the office lists the complaint');
  assert.equal(c.product_name, 'Harbour Smart Camera');
  assert.equal(c.version, '3.1');
  assert.equal(c.contact, 'it-security@example.org');
  assert.deepEqual(page.consoleErrors, []);

  // another one from the same page starts empty
  await page.click('#complaint-another');
  assert.equal(await page.inputValue('input[name="product"]'), '');
});

test('past the limit of complaints per address the page says when to try again', async () => {
  // this address has filed one complaint (above); file until the server refuses
  for (let i = 0; i < 10; i++) {
    const r = await fetch(`${env.url}/api/v1/complaints`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ product: 'Filler Router', text: `complaint ${i}` }),
    });
    if (r.status === 429) break;
    assert.equal(r.status, 201);
  }
  const page = await env.newPage();
  await open(page, '/complain');
  await page.fill('input[name="product"]', 'Harbour Smart Camera');
  await page.fill('textarea[name="text"]', 'One more.');
  await page.click('#complaint-submit');
  await page.waitForSelector('#complaint-too-many');
  const said = await page.textContent('#complaint-too-many');
  assert.match(said, /Too many complaints have come from this address/);
  assert.match(said, /in \d+ (minutes|hour|hours|seconds)/);
  assert.equal(await page.getAttribute('#complaint-too-many', 'role'), 'alert');
  // what was typed is still there
  assert.equal(await page.inputValue('textarea[name="text"]'), 'One more.');
  await screenshot(page, 'public-complaint-too-many');
});

test('the register in 中文 has Chinese column headers, and fits a phone', async () => {
  const page = await env.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await open(page, '/');
  await waitRegister(page);
  // a filter set before the switch is still set after it
  const failed = await publicDecisions('?outcome=failed');
  await page.selectOption('select[name="outcome"]', 'failed');
  await page.waitForFunction((n) => document.querySelectorAll('#register-results tbody a.result-link').length === n, failed.length);
  await page.click('#lang-zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.waitForFunction(() => /审查结论/.test(document.querySelector('#register-results thead')?.textContent || ''));
  await waitRegister(page);
  assert.equal(await page.inputValue('select[name="outcome"]'), 'failed');
  assert.deepEqual(await listedProducts(page), failed.map((d) => d.product));
  await page.click('#register-clear');
  await page.waitForFunction(() => !/outcome=/.test(location.hash));
  await waitRegister(page);
  const headers = await page.$$eval('#register-results thead th', (ths) => ths.map((th) => th.textContent.trim()));
  assert.deepEqual(headers, ['产品', '提供者', '版本', '审查结论', '状态', '决定日期', '有效期至', '案件编号']);
  assert.equal((await page.textContent('h1')).trim(), '网络安全审查结果公示');
  const badges = await page.$$eval('#register-results [data-kind="outcome"]', (bs) => bs.map((b) => b.textContent));
  assert.ok(badges.some((b) => /通过|未通过/.test(b)));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the register is ${overflow}px wider than the phone`);
  await screenshot(page, 'public-register-zh-phone');
  assert.deepEqual(page.consoleErrors, []);
});
