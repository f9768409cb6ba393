// The page list: every screen of docs/UI.md, in navigation order. Each module is imported
// dynamically, so the app runs with whatever pages exist (a missing one is skipped with a warning).
// A module's default export: {path (or an array of paths), title, roles, nav, render(main, params, ctx)}.

import { route } from '../lib/router.js';

export const PAGE_FILES = ['signin', 'register', 'result', 'complaint', 'dashboard', 'cases', 'case',
  'tasks', 'panels', 'provider', 'procurement'];

/** Imports every page module and registers its route(s); resolves to the pages loaded, in order. */
export async function loadPages() {
  const loaded = await Promise.all(PAGE_FILES.map(async (name) => {
    try {
      const mod = await import(`./${name}.js`);
      const page = mod.default;
      if (!page || typeof page.render !== 'function' || !page.path) {
        console.warn(`pages: ${name}.js has no default export {path, render}; skipped`);
        return null;
      }
      page.name = page.name || name;
      return page;
    } catch (err) {
      console.warn(`pages: ${name}.js not loaded (${err && err.message ? err.message : err}); skipped`);
      return null;
    }
  }));
  const pages = loaded.filter(Boolean);
  const paths = new Set();
  for (const page of pages) {
    for (const p of Array.isArray(page.path) ? page.path : [page.path]) {
      route(p, page);
      paths.add(p);
    }
  }
  // '#/' is the public register (docs/UI.md) when the register page does not claim it itself.
  const register = pages.find((p) => p.name === 'register');
  if (!paths.has('/') && register) route('/', register);
  return pages;
}
