// api.js — the admin JSON API from the browser: same-origin fetch with the session cookie
// (HttpOnly, so never seen here) and the CSRF token on every state-changing request.
// Answers come back as {ok, status, json, headers}; a network failure as status 0, so
// callers can tell "offline" (keep a local copy) from "refused" (show the message).

let csrf = null;

export function setCsrf(token) {
  csrf = token;
}

/** request('PATCH', '/api/v1/articles/7', {body, headers, raw, query}). */
export async function request(method, path, { body, headers = {}, raw, query } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && method !== 'HEAD' && csrf) h['X-CSRF-Token'] = csrf;
  let payload;
  if (raw !== undefined) {
    payload = raw;
  } else if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let url = path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  let res;
  try {
    res = await fetch(url, { method, headers: h, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, json: null, headers: new Headers() };
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { ok: res.ok, status: res.status, json, headers: res.headers };
}

/** The Arabic message of an error answer. */
export function message(r) {
  if (r.status === 0) return 'تعذّر الاتصال بالخادم؛ تحقق من الشبكة';
  return r.json?.error?.message || `خطأ من الخادم (${r.status})`;
}
