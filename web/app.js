// Boot: language, session, pages, header, router. Renders one page at a time into <main id="main">.
//
// Element ids of the shell (tests rely on them): #header, #nav, #user-box, #user-name, #user-org,
// #user-role, #sign-out, #sign-in-link, #lang-en, #lang-zh, #main, #nr-live (toasts, aria-live).

import { h, clear, replace } from './lib/dom.js';
import { api, ApiError } from './lib/api.js';
import * as i18n from './lib/i18n.js';
import { t, tOr } from './lib/i18n.js';
import * as session from './lib/session.js';
import * as router from './lib/router.js';
import { errorBox, notice, loading, pageTitle, toast } from './lib/ui.js';
import { loadPages } from './pages/index.js';

let pages = [];
let renderSeq = 0;

/** Where a user lands after signing in: the first page of their work. */
export function homeFor(user) {
  const byRole = {
    office: '/dashboard', committee: '/dashboard', sector_dept: '/dashboard',
    institution: '/tasks', expert: '/panels', provider: '/provider', operator: '/procurement',
    protection_dept: '/cases', association: '/cases', state_dept: '/cases',
  };
  const want = user ? byRole[user.role] || '/cases' : '/';
  for (const p of [want, '/cases', '/']) {
    const m = router.match(p);
    if (m && session.allowed(m.page.roles, user)) return p;
  }
  return '/';
}

function navPages(user) {
  return pages.filter((p) => p.nav && session.allowed(p.roles, user)
    && !(user && p.roles && p.roles.length === 1 && p.roles[0] === 'anonymous'));
}

function firstPath(page) { return Array.isArray(page.path) ? page.path[0] : page.path; }

function renderHeader() {
  const header = document.getElementById('header');
  const user = session.user();
  const cur = router.current();
  const navList = h('ul', { class: 'nav-list' }, navPages(user).map((p) => {
    const path = firstPath(p);
    const active = cur && cur.page === p;
    return h('li', h('a', { href: router.href(path), 'aria-current': active ? 'page' : null, dataset: { page: p.name } }, t(p.nav)));
  }));
  const userBox = user
    ? h('div', { id: 'user-box', class: 'user-box' },
      h('span', { class: 'user-who' },
        h('span', { id: 'user-name', class: 'user-name' }, user.name || user.login),
        h('span', { id: 'user-org', class: 'user-org' }, user.org || ''),
        h('span', { id: 'user-role', class: 'user-role' }, tOr(`role.${user.role}`, user.role))),
      h('button', { id: 'sign-out', type: 'button', class: 'btn btn-secondary btn-small', onclick: signOut }, t('common.sign_out')))
    : h('div', { id: 'user-box', class: 'user-box' },
      h('a', { id: 'sign-in-link', class: 'btn btn-primary btn-small', href: router.href('/signin') }, t('common.sign_in')));
  const cur_lang = i18n.lang();
  const langBtn = (l, label, htmlLang) => h('button', {
    id: `lang-${l}`, type: 'button', class: ['btn', 'btn-small', 'lang-btn'], lang: htmlLang,
    'aria-pressed': cur_lang === l ? 'true' : 'false', onclick: () => switchLang(l),
  }, label);
  const langSwitch = h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('common.language') },
    langBtn('en', 'English', 'en'), langBtn('zh', '中文', 'zh-CN'));
  replace(header,
    h('div', { class: 'brand' },
      h('a', { href: '#/', class: 'brand-name' }, t('app.name')),
      h('span', { class: 'brand-sub' }, t('app.tagline'))),
    h('nav', { id: 'nav', class: 'site-nav', 'aria-label': t('nav.label') }, navList),
    h('div', { class: 'header-tools' }, userBox, langSwitch));
  const skip = document.getElementById('skip-link');
  if (skip) skip.textContent = t('common.skip');
  const footer = document.getElementById('footer');
  if (footer) replace(footer, h('p', t('app.footer')));
}

async function switchLang(l) {
  await i18n.setLang(l);
  // setLang's listener re-renders; keep the focus on the pressed button
  const b = document.getElementById(`lang-${l}`);
  if (b) b.focus();
}

async function signOut() {
  await session.signOut();
  toast(t('common.signed_out'), 'success');
  router.navigate('/');
}

function newMain(page) {
  const old = document.getElementById('main');
  const main = h('main', { id: 'main', tabindex: '-1', class: ['page', page && `page-${page.name}`] });
  old.replaceWith(main);
  return main;
}

function notPermitted(main) {
  document.title = `${t('common.not_permitted_title')} — ${t('app.name')}`;
  main.appendChild(pageTitle(t('common.not_permitted_title')));
  main.appendChild(h('div', { class: 'alert alert-error', role: 'alert', id: 'not-permitted' }, t('common.not_permitted')));
  main.appendChild(h('p', h('a', { href: router.href(homeFor(session.user())) }, t('common.go_home'))));
}

function notFound(main) {
  document.title = `${t('common.not_found_title')} — ${t('app.name')}`;
  main.appendChild(pageTitle(t('common.not_found_title')));
  main.appendChild(notice(t('common.not_found'), 'warn'));
  main.appendChild(h('p', h('a', { href: '#/' }, t('common.go_home'))));
}

async function render(m, { focus = true } = {}) {
  const seq = ++renderSeq;
  const page = m.page;
  const user = session.user();
  renderHeader();
  const main = newMain(page);
  if (!page) { notFound(main); if (focus) focusMain(main); return; }
  if (!session.allowed(page.roles, user)) {
    if (!user) { router.navigate('/signin', { next: m.path + queryString(m.query) }, { replace: true }); return; }
    notPermitted(main);
    if (focus) focusMain(main);
    return;
  }
  document.title = `${page.title ? t(page.title) : ''}${page.title ? ' — ' : ''}${t('app.name')}`;
  const placeholder = loading();
  main.appendChild(placeholder);
  main.setAttribute('aria-busy', 'true');
  const ctx = { user, api, t, navigate: router.navigate, lang: i18n.lang(), rerender, homeFor };
  try {
    await page.render(main, m.params, ctx);
  } catch (err) {
    if (seq !== renderSeq) return;
    console.warn(`page ${page.name}:`, err);
    if (err instanceof ApiError && err.status === 401) {
      session.forget();
      router.navigate('/signin', { next: m.path + queryString(m.query) }, { replace: true });
      return;
    }
    if (err instanceof ApiError && err.status === 403) { clear(main); notPermitted(main); }
    else if (err instanceof ApiError && err.status === 404) { clear(main); notFound(main); }
    else main.appendChild(errorBox(err));
  } finally {
    if (seq === renderSeq) {
      if (placeholder.parentNode) placeholder.remove();
      main.removeAttribute('aria-busy');
    }
  }
  if (seq !== renderSeq) return;
  if (focus) focusMain(main);
}

function queryString(q) {
  const s = new URLSearchParams(q || {}).toString();
  return s ? `?${s}` : '';
}

function focusMain(main) {
  // the first heading of the page, else <main>: a screen reader announces where it arrived
  const target = main.querySelector('h1') || main;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: false });
}

/** Renders the current page again (after a language switch, or for a page that changed data). */
export function rerender({ focus = false } = {}) {
  const m = router.current();
  if (m) return render(m, { focus });
  return undefined;
}

async function boot() {
  await i18n.init();
  const skip = document.getElementById('skip-link');
  if (skip) skip.addEventListener('click', (ev) => { ev.preventDefault(); focusMain(document.getElementById('main')); });
  [pages] = await Promise.all([loadPages(), session.load()]);
  i18n.onLangChange(() => rerender({ focus: false }));
  session.onChange(() => renderHeader());
  window.addEventListener('nr:unauthenticated', () => {
    if (!session.user()) return;
    session.forget();
    toast(t('common.session_expired'), 'error');
    const cur = router.current();
    router.navigate('/signin', { next: cur ? cur.path + queryString(cur.query) : '/' }, { replace: true });
  });
  router.start((m) => { render(m); });
}

boot().catch((err) => {
  console.error('netreview: start-up failed', err);
  const main = document.getElementById('main');
  if (main) replace(main, h('p', { class: 'alert alert-error', role: 'alert' }, `netreview: ${err && err.message ? err.message : err}`));
});
