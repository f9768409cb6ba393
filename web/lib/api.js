// The JSON API client. Every page reads and writes data only through this module.
//
//   import { api, ApiError } from '../lib/api.js';
//   const list = await api.get('/cases', { phase: 'evaluation', limit: 50 });
//   await api.post(`/cases/${ref}/transitions/accept`, { reason });
//
// Paths: '/cases' means '/api/v1/cases' (a path that already starts with '/api/' is kept).
// The second argument of get() is a query object (null/undefined/'' values are left out; arrays
// repeat the key). post/put/del send a JSON body (or raw bytes for a Blob/ArrayBuffer/Uint8Array).
// The session cookie goes along (credentials 'same-origin'); every non-GET carries X-CSRF-Token.
// An answer {"error":{code,message,field}} or any non-2xx status throws an ApiError with
// code, message, field, status, retryAfter (seconds, from Retry-After) and body (the parsed answer).
// 204 answers resolve to null; non-JSON answers resolve to their text.

let csrfToken = null;

/** Set by session.js after GET/POST /api/v1/session. */
export function setCsrf(token) { csrfToken = token || null; }
export function getCsrf() { return csrfToken; }

export class ApiError extends Error {
  constructor({ status = 0, code = 'network', message = '', field = null, retryAfter = null, body = null } = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

export function apiUrl(path, query) {
  let url = path.startsWith('/api/') || path.startsWith('http') ? path : `/api/v1${path.startsWith('/') ? '' : '/'}${path}`;
  if (query && typeof query === 'object') {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === null || v === undefined || v === '') continue;
      if (Array.isArray(v)) v.forEach((x) => sp.append(k, String(x)));
      else sp.append(k, String(v));
    }
    const qs = sp.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  return url;
}

function isRaw(body) {
  return body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body);
}

function parseRetryAfter(v) {
  if (!v) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, Math.round((d - Date.now()) / 1000)) : null;
}

async function errorFrom(res) {
  let body = null;
  const text = await res.text().catch(() => '');
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  const e = body && body.error ? body.error : {};
  return new ApiError({
    status: res.status,
    code: e.code || `http_${res.status}`,
    message: e.message || res.statusText || `HTTP ${res.status}`,
    field: e.field ?? null,
    retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
    body,
  });
}

/** request(method, path, {body, query, headers, signal}) -> parsed JSON | text | null */
export async function request(method, path, { body, query, headers = {}, signal } = {}) {
  const h = { Accept: 'application/json', ...headers };
  const init = { method, credentials: 'same-origin', headers: h, signal };
  if (body !== undefined && body !== null) {
    if (isRaw(body)) {
      if (!h['Content-Type']) h['Content-Type'] = 'application/octet-stream';
      init.body = body;
    } else {
      h['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(apiUrl(path, query), init);
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network', message: String(err && err.message || err) });
  }
  if (!res.ok) {
    const e = await errorFrom(res);
    if (e.status === 401 && !apiUrl(path).startsWith('/api/v1/session')) {
      window.dispatchEvent(new CustomEvent('nr:unauthenticated', { detail: e }));
    }
    throw e;
  }
  if (res.status === 204) return null;
  const ct = res.headers.get('Content-Type') || '';
  if (ct.includes('json')) {
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }
  return res.text();
}

/**
 * Uploads a File/Blob as evidence of a case in parts (docs/API.md "Evidence"), with progress.
 *   const ev = await api.upload('NR-2026-0007', file, {task_id: 2, description, public: false,
 *                                onProgress: (sent, total) => ...});
 * Resolves to the evidence ({id, sha256, size, media_type, ...}); throws ApiError.
 */
export async function upload(caseRef, file, { task_id, description, public: isPublic, media_type, onProgress, partSize = 4 * 1024 * 1024 } = {}) {
  const startBody = { filename: file.name || 'upload.bin', size: file.size };
  if (media_type || file.type) startBody.media_type = media_type || file.type;
  if (task_id !== undefined && task_id !== null && task_id !== '') startBody.task_id = Number(task_id);
  if (description) startBody.description = description;
  if (isPublic !== undefined) startBody.public = !!isPublic;
  const up = await request('POST', `/cases/${encodeURIComponent(caseRef)}/uploads`, { body: startBody });
  let offset = 0;
  if (onProgress) onProgress(0, file.size);
  while (offset < file.size) {
    const part = file.slice(offset, Math.min(file.size, offset + partSize));
    const base = offset;
    try {
      await putPart(`/api/v1/uploads/${encodeURIComponent(up.id)}?offset=${offset}`, part,
        (loaded) => onProgress && onProgress(base + loaded, file.size));
    } catch (e) {
      const exp = e instanceof ApiError && e.status === 409 && e.body && e.body.error ? e.body.error.expected_offset : undefined;
      if (Number.isFinite(exp) && exp !== offset) {
        offset = exp; // resume where the server is
        continue;
      }
      throw e;
    }
    offset += part.size;
  }
  if (onProgress) onProgress(file.size, file.size);
  return request('POST', `/uploads/${encodeURIComponent(up.id)}/complete`);
}

function putPart(url, blob, onLoaded) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) onLoaded(ev.loaded); };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network', message: 'network error' }));
    xhr.onload = () => {
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(body); return; }
      const e = body && body.error ? body.error : {};
      reject(new ApiError({ status: xhr.status, code: e.code || `http_${xhr.status}`, message: e.message || `HTTP ${xhr.status}`,
        field: e.field ?? null, retryAfter: parseRetryAfter(xhr.getResponseHeader('Retry-After')), body }));
    };
    xhr.send(blob);
  });
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  del: (path, body, opts = {}) => request('DELETE', path, { ...opts, body }),
  request,
  upload,
  url: apiUrl,
};

export default api;
