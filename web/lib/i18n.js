// Strings and locale formatting.
//
//   import { t, fmtDate, fmtNumber } from '../lib/i18n.js';
//   t('case.title')                       -> "Case"  /  "审查案件"
//   t('case.deadline', {date: fmtDate(d)}) -> "{date}" replaced
//
// Strings live in web/i18n/<lang>/<name>.json, one file per page plus common.json. All files of a
// language are merged into one dictionary. A file may be flat ({"case.title": "..."}) or nested
// ({"case": {"title": "..."}}): nested objects are joined with dots. Convention: a page's keys
// start with its name ("case.", "tasks."); shared words (roles, phases, outcomes, severities,
// categories, statuses, buttons) are in common.json. A missing key falls back to English, then to
// the key itself. {var} in a string is replaced by vars.var (missing vars stay as {var}).

export const LANGS = ['en', 'zh'];
export const NAMES = ['common', 'signin', 'register', 'result', 'complaint', 'dashboard', 'cases',
  'case', 'tasks', 'panels', 'provider', 'procurement', 'engines'];
const LOCALES = { en: 'en', zh: 'zh-CN' };
const STORAGE_KEY = 'netreview.lang';

const dicts = { en: null, zh: null };
let current = 'en';
const listeners = new Set();

function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj || {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

async function loadFile(l, name) {
  try {
    const res = await fetch(`/i18n/${l}/${name}.json`, { credentials: 'same-origin' });
    if (!res.ok) return {};            // a page not written yet: its strings fall back to the key
    return await res.json();
  } catch (err) {
    console.warn(`i18n: cannot load ${l}/${name}.json: ${err}`);
    return {};
  }
}

async function loadLang(l) {
  if (dicts[l]) return dicts[l];
  const files = await Promise.all(NAMES.map((n) => loadFile(l, n)));
  const d = {};
  for (const f of files) flatten(f, '', d);
  dicts[l] = d;
  return d;
}

/** The language to start with: localStorage, else navigator.language, else English. */
export function initialLang() {
  let stored = null;
  try { stored = localStorage.getItem(STORAGE_KEY); } catch { stored = null; }
  if (LANGS.includes(stored)) return stored;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Loads English (the fallback) and lang; sets <html lang>. Call once at start-up. */
export async function init(l = initialLang()) {
  await loadLang('en');
  await setLang(l, { remember: false, notify: false });
}

/** The current language: 'en' or 'zh'. */
export function lang() { return current; }

/** The BCP 47 locale of the current language for Intl: 'en' or 'zh-CN'. */
export function locale() { return LOCALES[current] || 'en'; }

/** Switches language: loads its strings, remembers it, sets <html lang>, tells the listeners. */
export async function setLang(l, { remember = true, notify = true } = {}) {
  if (!LANGS.includes(l)) l = 'en';
  await loadLang(l);
  current = l;
  document.documentElement.lang = LOCALES[l];
  if (remember) { try { localStorage.setItem(STORAGE_KEY, l); } catch { /* private mode */ } }
  if (notify) for (const fn of listeners) { try { fn(l); } catch (e) { console.error(e); } }
}

/** Calls fn(lang) after every language switch; returns an unsubscribe function. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Whether a key has a string in the current language or English. */
export function has(key) {
  return (dicts[current] && key in dicts[current]) || (dicts.en && key in dicts.en);
}

/** t(key, vars) -> the string of key in the current language, {var} replaced. */
export function t(key, vars) {
  let s = dicts[current] && dicts[current][key];
  if (s === undefined || s === null) s = dicts.en && dicts.en[key];
  if (s === undefined || s === null) s = key;
  s = String(s);
  if (vars) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined || vars[name] === null ? m : String(vars[name])));
  }
  return s;
}

/** t() with a fallback for keys built from data: tOr('phase.' + p, p). */
export function tOr(key, fallback, vars) {
  return has(key) ? t(key, vars) : (fallback === undefined ? key : String(fallback));
}

// Dates: 'YYYY-MM-DD' is a calendar date (formatted in UTC so it never shifts by a day);
// a timestamp ('...T..Z') or a Date is an instant, shown in the reader's time zone.
function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return new Date(`${s}T00:00:00Z`);
  const d = new Date(s.includes('T') || s.includes('Z') ? s : s.replace(' ', 'T') + 'Z');
  return Number.isNaN(d.getTime()) ? null : d;
}

function isDateOnly(v) { return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v); }

/** fmtDate('2026-11-21') -> "Nov 21, 2026" / "2026年11月21日"; '' for null; the input if unparsable. */
export function fmtDate(v, opts = {}) {
  const d = toDate(v);
  if (!d) return v === null || v === undefined ? '' : String(v);
  const o = { year: 'numeric', month: 'short', day: 'numeric', ...opts };
  if (isDateOnly(v)) o.timeZone = 'UTC';
  return new Intl.DateTimeFormat(locale(), o).format(d);
}

/** fmtDateTime('2026-11-21T12:22:38Z') -> date and time in the reader's time zone. */
export function fmtDateTime(v, opts = {}) {
  const d = toDate(v);
  if (!d) return v === null || v === undefined ? '' : String(v);
  const o = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', ...opts };
  if (isDateOnly(v)) { delete o.hour; delete o.minute; o.timeZone = 'UTC'; }
  return new Intl.DateTimeFormat(locale(), o).format(d);
}

/** fmtNumber(12345.6) -> "12,345.6"; opts go to Intl.NumberFormat. '' for null. */
export function fmtNumber(n, opts = {}) {
  if (n === null || n === undefined || n === '') return '';
  const x = Number(n);
  if (!Number.isFinite(x)) return String(n);
  return new Intl.NumberFormat(locale(), opts).format(x);
}

/** fmtBytes(1536) -> "1.5 KiB" with the locale's digits. */
export function fmtBytes(n) {
  const x = Number(n);
  if (!Number.isFinite(x)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0; let v = x;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${fmtNumber(v, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}
