// Who is signed in. user() -> {login, name, role, org, sector} or null (the public).
//
//   import { user, hasRole, signIn, signOut } from '../lib/session.js';
//   if (hasRole('office', 'committee')) ...
//
// Roles: committee, office, expert, institution, protection_dept, sector_dept, operator, provider,
// association, state_dept. A page's `roles` may also hold 'public' (anyone, signed in or not) and
// 'signed-in' (any signed-in user).

import { request, setCsrf } from './api.js';

export const ROLES = ['committee', 'office', 'expert', 'institution', 'protection_dept', 'sector_dept',
  'operator', 'provider', 'association', 'state_dept'];

// A hint in localStorage that this browser holds a session cookie (the cookie itself is
// HttpOnly): without it the app does not ask GET /api/v1/session, so the public never gets a 401.
const HINT_KEY = 'netreview.session';
function setHint(on) {
  try { if (on) localStorage.setItem(HINT_KEY, '1'); else localStorage.removeItem(HINT_KEY); } catch { /* private mode */ }
}
function hint() {
  try { return localStorage.getItem(HINT_KEY) === '1'; } catch { return true; }
}

let currentUser = null;
let expiresAt = null;
const listeners = new Set();

function notify() { for (const fn of listeners) { try { fn(currentUser); } catch (e) { console.error(e); } } }

function adopt(answer) {
  currentUser = answer && answer.user ? answer.user : null;
  expiresAt = answer && answer.expires_at ? answer.expires_at : null;
  setCsrf(answer && answer.csrf ? answer.csrf : null);
  setHint(!!currentUser);
}

/** The signed-in user or null. */
export function user() { return currentUser; }
export function expires() { return expiresAt; }

/** Whether the user has one of roles. */
export function hasRole(...roles) {
  const flat = roles.flat();
  return !!currentUser && flat.includes(currentUser.role);
}

/** Whether user (default: the current one) may see a page whose `roles` is roles. */
export function allowed(roles, u = currentUser) {
  if (!roles || roles.length === 0) return true;
  if (roles.includes('public') || roles.includes('*') || roles.includes('everyone')) return true;
  if (!u) return false;
  if (roles.includes('signed-in') || roles.includes('user')) return true;
  return roles.includes(u.role);
}

/** Asks the server who we are (GET /api/v1/session). Resolves to the user or null. */
export async function load({ force = false } = {}) {
  if (!force && !hint()) { adopt(null); notify(); return null; }
  try {
    adopt(await request('GET', '/session'));
  } catch (e) {
    if (e && (e.status === 401 || e.status === 403)) adopt(null);
    else { currentUser = null; setCsrf(null); console.warn('session: cannot read the session:', e); }
  }
  notify();
  return currentUser;
}

/** Signs in; resolves to the user or throws ApiError (401 unauthenticated, 429 with retryAfter). */
export async function signIn(login, password) {
  const answer = await request('POST', '/session', { body: { login, password } });
  adopt(answer);
  notify();
  return currentUser;
}

/** Signs out (DELETE /api/v1/session); the local state is cleared even if the server refuses. */
export async function signOut() {
  try { await request('DELETE', '/session'); } catch (e) { console.warn('session: sign-out:', e); }
  adopt(null);
  notify();
}

/** Forgets the user locally (after a 401 elsewhere: the session expired). */
export function forget() { adopt(null); notify(); }

/** Calls fn(user) after each sign-in, sign-out or load; returns an unsubscribe function. */
export function onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
