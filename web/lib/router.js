// Hash router: #/cases/NR-2026-0007?tab=tasks -> the page of '/cases/:id' with
// params {id: 'NR-2026-0007', tab: 'tasks'} (path parameters, then the query after '?').
//
//   import { route, navigate, params } from '../lib/router.js';
//   navigate('/cases/12');                 // sets location.hash, the app renders the page
//   navigate('/register', {outcome: 'failed'});
//   href('/cases/12')                      // '#/cases/12' for <a href>

const routes = [];
let currentMatch = null;

function compile(pattern) {
  const names = [];
  const re = pattern.replace(/\/+$/, '').split('/').map((seg) => {
    if (seg.startsWith(':')) { names.push(seg.slice(1)); return '([^/]+)'; }
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return { re: new RegExp(`^${re || ''}/?$`), names };
}

/** Registers a page (or any value) for a path pattern; one page may call route() for several. */
export function route(pattern, page) {
  const { re, names } = compile(pattern);
  routes.push({ pattern, re, names, page });
}

/** Every registered route: [{pattern, page}]. */
export function routesList() { return routes.map(({ pattern, page }) => ({ pattern, page })); }

/** The path and query of the current hash: {path: '/cases/12', query: {...}}. */
export function location() {
  let hash = window.location.hash || '';
  if (hash.startsWith('#')) hash = hash.slice(1);
  if (!hash.startsWith('/')) hash = `/${hash}`;
  const qi = hash.indexOf('?');
  const path = qi >= 0 ? hash.slice(0, qi) : hash;
  const query = {};
  if (qi >= 0) for (const [k, v] of new URLSearchParams(hash.slice(qi + 1))) query[k] = v;
  return { path: path || '/', query };
}

/** Finds the route of a path: {pattern, page, params} or null. */
export function match(path, query = {}) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = { ...query };
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { pattern: r.pattern, page: r.page, params, path, query };
    }
  }
  return null;
}

/** '#/path?query' for links. */
export function href(path, query) {
  let s = `#${path.startsWith('/') ? '' : '/'}${path}`;
  if (query) {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') sp.append(k, String(v));
    const q = sp.toString();
    if (q) s += `?${q}`;
  }
  return s;
}

/** Goes to path (re-renders even when the hash is already there when force is true). */
export function navigate(path, query, { replace = false, force = true } = {}) {
  const target = href(path, query);
  if (window.location.hash === target) {
    if (force) window.dispatchEvent(new HashChangeEvent('hashchange'));
    return;
  }
  if (replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

/** The params of the page on screen. */
export function params() { return currentMatch ? currentMatch.params : {}; }
export function current() { return currentMatch; }

/** Calls onRoute(match | {page: null, path, params}) now and at every hash change. */
export function start(onRoute) {
  const run = () => {
    const { path, query } = location();
    currentMatch = match(path, query) || { pattern: null, page: null, params: { ...query }, path, query };
    onRoute(currentMatch);
  };
  window.addEventListener('hashchange', run);
  run();
}
