// Browser test helpers: a fresh demo installation served by the real `netreview serve` on a free
// port, Debian's chromium driven by playwright-core, sign-in, screenshots, and a teardown that
// stops everything.
//
//   import { test, before, after } from 'node:test';
//   import { setup, signIn, screenshot } from './lib.mjs';
//   let env;
//   before(async () => { env = await setup(); });
//   after(async () => { await env.teardown(); });
//   test('...', async () => {
//     const page = await env.newPage();          // a new browser context: its own cookies
//     await signIn(page, 'office');
//     await screenshot(page, 'office-dashboard');
//     assert.deepEqual(page.consoleErrors, []);  // console errors and uncaught exceptions
//   });
//
// Environment: NETREVIEW_BIN (default <repo>/build/netreview), CHROMIUM (default
// /usr/bin/chromium), NR_BROWSER_HEADED=1 to watch, NR_BROWSER_SLOWMO=ms.

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const BIN = process.env.NETREVIEW_BIN || path.join(ROOT, 'build', 'netreview');
export const WEB_DIR = process.env.NETREVIEW_WEB_DIR || path.join(ROOT, 'web');
export const SCREENSHOTS = path.join(HERE, 'screenshots');
export const PASSWORD = 'password1';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  '--disable-dev-shm-usage'];

/** Runs the netreview binary with args on the installation's database; resolves to stdout. */
export async function netreview(db, args, { env = {} } = {}) {
  const { stdout } = await run(BIN, ['--db', db, ...args], {
    env: { ...process.env, NETREVIEW_ARGON2_MEMORY_KIB: '1024', ...env },
    maxBuffer: 16 << 20,
  });
  return stdout;
}

/** A fresh installation with the demo data set (every demo user's password is PASSWORD). */
export async function installation() {
  const dir = await mkdtemp(path.join(tmpdir(), 'netreview-browser-'));
  const db = path.join(dir, 'ui.db');
  await netreview(db, ['init']);
  await netreview(db, ['demo', '--password', PASSWORD]);
  return { dir, db };
}

/** Starts `netreview serve` on 127.0.0.1, port 0; resolves to {url, proc, stop()}. */
export async function serve(db, { workers = 4 } = {}) {
  const proc = spawn(BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--workers', String(workers), '--web-dir', WEB_DIR], {
    env: { ...process.env, NETREVIEW_ARGON2_MEMORY_KIB: '1024' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`netreview serve did not start in 20 s: ${stderr}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`netreview serve exited ${code}: ${stderr}`)); });
  });
  proc.removeAllListeners('exit');
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
    await done;
    clearTimeout(t);
  };
  return { url, proc, stop, stderr: () => stderr };
}

/** Launches Debian's chromium, headless, on a new empty profile (playwright makes one). */
export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: process.env.NR_BROWSER_HEADED !== '1',
    slowMo: Number(process.env.NR_BROWSER_SLOWMO || 0),
    args: CHROMIUM_ARGS,
  });
}

/** Records console errors and uncaught exceptions of page in page.consoleErrors. */
export function watchConsole(page) {
  page.consoleErrors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.consoleErrors.push(`console: ${msg.text()} ${JSON.stringify(msg.location())}`); });
  page.on('pageerror', (err) => { page.consoleErrors.push(`pageerror: ${err.message}`); });
  return page;
}

/**
 * Everything a test file needs: a demo installation, the server, chromium.
 * Resolves to {url, db, dir, browser, newPage({locale, viewport}), netreview(args), teardown()}.
 */
export async function setup({ workers = 4 } = {}) {
  const { dir, db } = await installation();
  const server = await serve(db, { workers });
  let b;
  try {
    b = await browser();
  } catch (err) {
    await server.stop();
    throw err;
  }
  const contexts = [];
  const env = {
    url: server.url,
    db,
    dir,
    browser: b,
    server,
    netreview: (args, opts) => netreview(db, args, opts),
    /** A page in a new context (its own cookies and localStorage); base URL = the server. */
    async newPage({ locale = 'en-US', viewport = { width: 1280, height: 900 }, ...opts } = {}) {
      const ctx = await b.newContext({ baseURL: server.url, locale, viewport, ...opts });
      contexts.push(ctx);
      const page = watchConsole(await ctx.newPage());
      page.setDefaultTimeout(15000);
      return page;
    },
    async teardown() {
      for (const c of contexts) await c.close().catch(() => {});
      await b.close().catch(() => {});
      await server.stop();
      if (process.env.NR_BROWSER_KEEP !== '1') await rm(dir, { recursive: true, force: true });
    },
  };
  return env;
}

/** Opens the app at hash route (e.g. '/dashboard') and waits until the shell has rendered. */
export async function open(page, route = '/') {
  await page.goto(`/#${route.startsWith('/') ? route : `/${route}`}`);
  await page.waitForSelector('#header #user-box');
  await page.waitForFunction(() => !document.querySelector('#main[aria-busy="true"]'));
}

/** Signs in through the sign-in page as login (a demo user) and waits for the header to show it. */
export async function signIn(page, login, password = PASSWORD) {
  await page.goto('/#/signin');
  await page.waitForSelector('#signin-login');
  await page.fill('#signin-login', login);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
  await page.waitForSelector('#user-name');
  await page.waitForFunction(() => !document.querySelector('#main[aria-busy="true"]'));
}

/** Signs out through the header. */
export async function signOut(page) {
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in-link');
}

/** Saves a full-page screenshot as tests/browser/screenshots/<name>.png; resolves to its path. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Waits up to 5 s for locator to match n elements, then asserts it: the page redraws after the
 * API answers, so a count read at once races the redraw.
 */
export async function expectCount(locator, n, message) {
  const deadline = Date.now() + 5000;
  let got = await locator.count();
  while (got !== n && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    got = await locator.count();
  }
  if (got !== n) {
    const { strict: assert } = await import('node:assert');
    assert.equal(got, n, message);
  }
}
