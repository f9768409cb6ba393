// The shell: static serving with its headers, sign-in and sign-out, who is signed in, the
// language switch (English / 中文), a denied page, sign-in errors (wrong password, throttled).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, signIn, signOut, open, screenshot, expectCount } from './lib.mjs';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.teardown(); });

test('index.html and the modules are served with their types and the security headers', async () => {
  const res = await fetch(`${env.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('content-security-policy'), CSP);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'same-origin');
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.ok(res.headers.get('etag'));
  const html = await res.text();
  assert.match(html, /<script type="module" src="\/app.js"><\/script>/);
  assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
  assert.doesNotMatch(html, /style="/, 'no inline style');
  const js = await fetch(`${env.url}/app.js`);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const again = await fetch(`${env.url}/app.js`, { headers: { 'If-None-Match': js.headers.get('etag') } });
  assert.equal(again.status, 304);
  const css = await fetch(`${env.url}/style.css`);
  assert.match(css.headers.get('content-type'), /^text\/css/);
  const missing = await fetch(`${env.url}/no-such-file.js`);
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get('content-type'), /^text\/html/);
  const api = await fetch(`${env.url}/api/v1/no-such-route`);
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error.code, 'not_found');
});

test('the public sees the shell without signing in, and no console errors', async () => {
  const page = await env.newPage();
  const res = await page.goto('/');
  assert.equal(res.headers()['content-security-policy'], CSP);
  await page.waitForSelector('#sign-in-link');
  await page.waitForFunction(() => !document.querySelector('#main[aria-busy="true"]'));
  await expectCount(page.locator('#user-name'), 0);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await expectCount(page.locator('#nav a[data-page="dashboard"]'), 0);
  await screenshot(page, 'shell-public');
  assert.deepEqual(page.consoleErrors, []);
});

test('sign-in as office shows name, organisation and role; sign-out', async () => {
  const page = await env.newPage();
  await signIn(page, 'office');
  const me = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
  assert.equal(me.user.login, 'office');
  assert.equal((await page.textContent('#user-name')).trim(), me.user.name);
  assert.equal((await page.textContent('#user-org')).trim(), me.user.org);
  assert.equal((await page.textContent('#user-role')).trim(), 'Cybersecurity Review Office');
  // the office lands on its dashboard, and its navigation has the office's pages
  assert.match(page.url(), /#\/dashboard$/);
  await expectCount(page.locator('#nav a[data-page="dashboard"]'), 1);
  assert.equal(await page.getAttribute('#nav a[data-page="dashboard"]', 'aria-current'), 'page');
  await screenshot(page, 'shell-office');
  await signOut(page);
  await expectCount(page.locator('#user-name'), 0);
  assert.deepEqual(page.consoleErrors, []);
  const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(status, 401);
});

test('the language switch changes the header and <html lang>, is remembered, and switches back', async () => {
  const page = await env.newPage();
  await signIn(page, 'office');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const enTagline = await page.textContent('.brand-sub');
  await page.click('#lang-zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal((await page.textContent('#user-role')).trim(), '网络安全审查办公室');
  assert.equal((await page.textContent('#sign-out')).trim(), '退出登录');
  assert.notEqual(await page.textContent('.brand-sub'), enTagline);
  assert.equal(await page.getAttribute('#lang-zh', 'aria-pressed'), 'true');
  // the page itself was rendered again in Chinese, without a reload
  assert.match(await page.title(), /网络安全审查/);
  await screenshot(page, 'shell-office-zh');
  await page.reload();
  await page.waitForSelector('#user-role');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal((await page.textContent('#user-role')).trim(), '网络安全审查办公室');
  await page.click('#lang-en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal((await page.textContent('#user-role')).trim(), 'Cybersecurity Review Office');
  assert.equal(await page.textContent('.brand-sub'), enTagline);
  assert.deepEqual(page.consoleErrors, []);
});

test('a browser set to Chinese starts in Chinese', async () => {
  const page = await env.newPage({ locale: 'zh-CN' });
  await open(page, '/signin');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal((await page.textContent('#signin-submit')).trim(), '登录');
  await screenshot(page, 'signin-zh');
  assert.deepEqual(page.consoleErrors, []);
});

test('denied: a provider opening the dashboard sees "not permitted" and no office navigation', async () => {
  const page = await env.newPage();
  await signIn(page, 'vendor1');
  assert.equal((await page.textContent('#user-role')).trim(), 'Product or service provider');
  await page.goto('/#/dashboard');
  await page.waitForSelector('#not-permitted');
  assert.match(await page.textContent('#not-permitted'), /not permitted/i);
  await expectCount(page.locator('#nav a[data-page="dashboard"]'), 0);
  await expectCount(page.locator('#nav a[data-page="tasks"]'), 0);
  await expectCount(page.locator('#nav a[data-page="panels"]'), 0);
  await screenshot(page, 'shell-denied');
  assert.deepEqual(page.consoleErrors, []);
});

test('the public opening a signed-in page is sent to sign in, then back', async () => {
  const page = await env.newPage();
  await page.goto('/#/dashboard');
  await page.waitForSelector('#signin-login');
  assert.match(page.url(), /#\/signin\?next=%2Fdashboard$/);
  await page.fill('#signin-login', 'committee');
  await page.fill('#signin-password', 'password1');
  await page.press('#signin-password', 'Enter');
  await page.waitForSelector('#user-name');
  await page.waitForFunction(() => location.hash === '#/dashboard');
  assert.deepEqual(page.consoleErrors, []);
});

test('the shell fits a phone', async () => {
  const page = await env.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await signIn(page, 'office');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
  await screenshot(page, 'shell-phone');
});

test('sign-in errors: a wrong password, then too many attempts with when to retry', async () => {
  const page = await env.newPage();
  await open(page, '/signin');
  await page.fill('#signin-login', 'lab3');
  await page.fill('#signin-password', 'wrong-password');
  await page.click('#signin-submit');
  await page.waitForSelector('#signin-status.alert-error');
  assert.match(await page.textContent('#signin-status'), /login or the password is wrong/);
  assert.equal(await page.getAttribute('#signin-status', 'role'), 'alert');
  await expectCount(page.locator('#user-name'), 0);
  await screenshot(page, 'signin-wrong');
  for (let i = 0; i < 6; i++) {
    await page.fill('#signin-login', 'lab3');
    await page.fill('#signin-password', `wrong-${i}`);
    await page.click('#signin-submit');
    await page.waitForFunction(() => !document.querySelector('#signin-submit').textContent.includes('…'), null, { timeout: 30000 });
    if (/Too many/.test(await page.textContent('#signin-status'))) break;
  }
  assert.match(await page.textContent('#signin-status'), /Too many failed sign-ins.*Try again in [\d,]+ seconds/);
  await screenshot(page, 'signin-throttled');
});
